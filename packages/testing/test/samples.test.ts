/** Every known event of every platform, built by sampleDelivery, is accepted by a receiver and dispatched under its name. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adobeSign, createReceiver, docstudio, ignisign, ignisignApi, memoryQueue, signit, silentLogger } from '@countersign/core';
import { fakeIgnisignApi, mergeFields, SAMPLE_PLATFORMS, sampleDelivery, sampleEvents, type FakeIgnisignApi, type SampleDeliveryOptions } from '../src/index.js';

const CREDENTIALS = {
  'adobe-sign': { clientId: 'CBJCHBCAABAAsamples0001' },
  ignisign: { appId: 'appId_samples', appEnv: 'DEVELOPMENT' as const },
  signit: { appId: 'samples-app', appSecret: 'samples-secret' },
  docstudio: { login: 'hooks', password: 'samples-password' },
};

let api: FakeIgnisignApi;
beforeAll(async () => {
  api = await fakeIgnisignApi({ acceptAll: true });
});
afterAll(() => api.close());

function receiverFor() {
  const queue = memoryQueue();
  const receiver = createReceiver({
    endpoints: {
      'adobe-sign': adobeSign({ clientIds: [CREDENTIALS['adobe-sign'].clientId] }),
      ignisign: ignisign({ ...CREDENTIALS.ignisign, verifyToken: ignisignApi({ apiKey: api.apiKey, baseUrl: api.url }) }),
      signit: signit(CREDENTIALS.signit),
      docstudio: docstudio(CREDENTIALS.docstudio),
    },
    queue,
    logger: silentLogger,
  });
  const seen: string[] = [];
  receiver.onAny((event) => void seen.push(`${event.endpoint}:${event.name}:${event.known}`));
  return { receiver, queue, seen };
}

describe('sampleDelivery', () => {
  it.each(SAMPLE_PLATFORMS)('builds every known %s event so that a receiver accepts it as that event', async (platform) => {
    const { receiver, queue, seen } = receiverFor();
    const events = sampleEvents(platform);
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) {
      const delivery = await sampleDelivery({ platform, event, ...CREDENTIALS[platform] } as SampleDeliveryOptions);
      const answer = await receiver.handle({ endpoint: platform, ...delivery });
      expect([event, answer.status < 300]).toEqual([event, true]);
    }
    await queue.idle();
    expect(seen).toEqual(events.map((event) => `${platform}:${event}:true`));
    await receiver.close();
  });

  it('merges fields into the body (SignIt: into the decoded rawData, signed after merging) and makes each call a distinct event', async () => {
    const { receiver, queue } = receiverFor();
    const payloads: unknown[] = [];
    receiver.onAny((event) => void payloads.push(event.payload));
    const first = await sampleDelivery({ platform: 'signit', event: 'envelopeCompleted', ...CREDENTIALS.signit, fields: { rawData: { customTag: 'order-42', basicEnvelope: { title: 'Lease' } } } });
    const second = await sampleDelivery({ platform: 'docstudio', event: 'COMPLETED', ...CREDENTIALS.docstudio, fields: { subject: 'Lease', label: ['a'] } });
    for (const [endpoint, delivery] of [['signit', first], ['docstudio', second], ['docstudio', await sampleDelivery({ platform: 'docstudio', event: 'COMPLETED', ...CREDENTIALS.docstudio })]] as const) {
      expect((await receiver.handle({ endpoint, ...delivery })).status).toBeLessThan(300);
    }
    await queue.idle();
    expect(payloads[0]).toMatchObject({ rawData: { customTag: 'order-42', code: '100600000', basicEnvelope: { title: 'Lease', status: 'ED_COMPLETED' } } });
    expect(payloads[1]).toMatchObject({ subject: 'Lease', label: ['a'], status: 'COMPLETED' });
    expect(payloads).toHaveLength(3);
    await receiver.close();
  });

  it('signs with the credentials given: other credentials are refused', async () => {
    const { receiver } = receiverFor();
    const wrong = [
      await sampleDelivery({ platform: 'adobe-sign', event: 'AGREEMENT_CREATED', clientId: 'CBJCHBCAABAAsomeoneelse' }),
      await sampleDelivery({ platform: 'signit', event: 'envelopeCompleted', appId: 'samples-app', appSecret: 'not-the-secret' }),
      await sampleDelivery({ platform: 'docstudio', event: 'COMPLETED', login: 'hooks', password: 'wrong' }),
      await sampleDelivery({ platform: 'ignisign', event: 'SIGNER.CREATED', appId: 'appId_other', appEnv: 'DEVELOPMENT' }),
    ];
    const statuses = await Promise.all(wrong.map(async (d, i) => (await receiver.handle({ endpoint: SAMPLE_PLATFORMS[i] as string, ...d })).status));
    expect(statuses).toEqual([403, 401, 401, 401]);
    await receiver.close();
  });

  it('mergeFields merges objects recursively and replaces everything else', () => {
    expect(mergeFields({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: null })).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: null });
  });
});
