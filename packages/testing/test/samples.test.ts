/** Every known event of every platform, built by sampleDelivery, is accepted by a receiver and dispatched under its name. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adobeSign, boldsign, createReceiver, docstudio, docusign, dropboxSign, ignisign, ignisignApi, memoryQueue, pandadoc, signit, silentLogger, yousign } from '@countersign/core';
import { fakeIgnisignApi, mergeFields, SAMPLE_PLATFORMS, sampleDelivery, sampleEvents, type FakeIgnisignApi, type SampleDeliveryOptions } from '../src/index.js';

const CREDENTIALS = {
  'adobe-sign': { clientId: 'CBJCHBCAABAAsamples0001' },
  ignisign: { appId: 'appId_samples', appEnv: 'DEVELOPMENT' as const },
  signit: { appId: 'samples-app', appSecret: 'samples-secret' },
  docstudio: { login: 'hooks', password: 'samples-password' },
  docusign: { hmacKey: 'samples-docusign-hmac-key' },
  'dropbox-sign': { apiKey: 'samples-dropbox-sign-api-key' },
  yousign: { secret: 'samples-yousign-secret' },
  pandadoc: { sharedKey: 'samples-pandadoc-shared-key' },
  boldsign: { secret: 'samples-boldsign-secret' },
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
      docusign: docusign({ hmacKeys: CREDENTIALS.docusign.hmacKey }),
      'dropbox-sign': dropboxSign({ apiKey: CREDENTIALS['dropbox-sign'].apiKey }),
      yousign: yousign({ secrets: CREDENTIALS.yousign.secret }),
      pandadoc: pandadoc({ sharedKeys: CREDENTIALS.pandadoc.sharedKey }),
      boldsign: boldsign({ secrets: CREDENTIALS.boldsign.secret }),
    },
    queue,
    logger: silentLogger,
  });
  const seen: string[] = [];
  const stages = new Map<string, string | undefined>();
  const invalid: string[] = [];
  receiver.onAny((event) => {
    seen.push(`${event.endpoint}:${event.name}:${event.known}`);
    stages.set(`${event.endpoint}:${event.name}`, event.lifecycle?.stage);
  });
  receiver.onError((error, event) => void invalid.push(`${event.endpoint}:${event.name}: ${String(error)}`));
  return { receiver, queue, seen, stages, invalid };
}

describe('sampleDelivery', () => {
  it.each(SAMPLE_PLATFORMS)('builds every known %s event so that a receiver accepts it as that event', async (platform) => {
    const { receiver, queue, seen, invalid } = receiverFor();
    const events = sampleEvents(platform);
    expect(events.length).toBeGreaterThan(3);
    for (const event of events) {
      const delivery = await sampleDelivery({ platform, event, ...CREDENTIALS[platform] } as SampleDeliveryOptions);
      const answer = await receiver.handle({ endpoint: platform, ...delivery });
      expect([event, answer.status < 300]).toEqual([event, true]);
    }
    await queue.idle();
    // Valid against the platform's full schema too: nothing became a dead letter.
    expect(invalid).toEqual([]);
    expect(seen).toEqual(events.map((event) => `${platform}:${event}:true`));
    await receiver.close();
  });

  it.each([
    ['docusign', 'envelope-completed', 'completed'],
    ['docusign', 'recipient-completed', 'signed'],
    ['dropbox-sign', 'signature_request_all_signed', 'completed'],
    ['dropbox-sign', 'signature_request_declined', 'declined'],
    ['yousign', 'signer.done', 'signed'],
    ['yousign', 'signature_request.done', 'completed'],
    ['pandadoc', 'document_state_changed', 'sent'],
    ['pandadoc', 'recipient_completed', 'signed'],
    ['boldsign', 'Completed', 'completed'],
    ['boldsign', 'Declined', 'declined'],
  ] as const)('%s %s: the sample is at the lifecycle stage %s', async (platform, event, stage) => {
    const { receiver, queue, stages } = receiverFor();
    const delivery = await sampleDelivery({ platform, event, ...CREDENTIALS[platform] } as SampleDeliveryOptions);
    expect((await receiver.handle({ endpoint: platform, ...delivery })).status).toBeLessThan(300);
    await queue.idle();
    expect(stages.get(`${platform}:${event}`)).toBe(stage);
    await receiver.close();
  });

  it('merges fields into the new platforms\' bodies, signed after merging (PandaDoc: into the notification)', async () => {
    const { receiver, queue } = receiverFor();
    const payloads = new Map<string, unknown>();
    receiver.onAny((event) => void payloads.set(event.endpoint, event.payload));
    const deliveries = [
      await sampleDelivery({ platform: 'docusign', event: 'envelope-sent', ...CREDENTIALS.docusign, fields: { data: { envelopeSummary: { emailSubject: 'Lease' } } } }),
      await sampleDelivery({ platform: 'dropbox-sign', event: 'signature_request_sent', ...CREDENTIALS['dropbox-sign'], fields: { signature_request: { title: 'Lease' } } }),
      await sampleDelivery({ platform: 'yousign', event: 'signature_request.activated', ...CREDENTIALS.yousign, fields: { data: { signature_request: { name: 'Lease' } } } }),
      await sampleDelivery({ platform: 'pandadoc', event: 'document_state_changed', ...CREDENTIALS.pandadoc, fields: { data: { name: 'Lease' } } }),
      await sampleDelivery({ platform: 'boldsign', event: 'Sent', ...CREDENTIALS.boldsign, fields: { data: { messageTitle: 'Lease' } } }),
    ];
    const endpoints = ['docusign', 'dropbox-sign', 'yousign', 'pandadoc', 'boldsign'];
    for (const [i, delivery] of deliveries.entries()) expect((await receiver.handle({ endpoint: endpoints[i] as string, ...delivery })).status).toBeLessThan(300);
    await queue.idle();
    expect(payloads.get('docusign')).toMatchObject({ data: { envelopeSummary: { emailSubject: 'Lease', status: 'sent' } } });
    expect(payloads.get('dropbox-sign')).toMatchObject({ signature_request: { title: 'Lease', is_complete: false } });
    expect(payloads.get('yousign')).toMatchObject({ data: { signature_request: { name: 'Lease', status: 'ongoing' } } });
    expect(payloads.get('pandadoc')).toMatchObject({ data: { name: 'Lease', status: 'document.sent' } });
    expect(payloads.get('boldsign')).toMatchObject({ data: { messageTitle: 'Lease', object: 'document' } });
    expect(deliveries[3]?.query).toMatch(/^signature=[0-9a-f]{64}$/);
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
      await sampleDelivery({ platform: 'docusign', event: 'envelope-completed', hmacKey: 'not-the-key' }),
      await sampleDelivery({ platform: 'dropbox-sign', event: 'signature_request_all_signed', apiKey: 'not-the-key' }),
      await sampleDelivery({ platform: 'yousign', event: 'signature_request.done', secret: 'not-the-secret' }),
      await sampleDelivery({ platform: 'pandadoc', event: 'document_state_changed', sharedKey: 'not-the-key' }),
      await sampleDelivery({ platform: 'boldsign', event: 'Completed', secret: 'not-the-secret' }),
    ];
    const endpoints = ['adobe-sign', 'signit', 'docstudio', 'ignisign', 'docusign', 'dropbox-sign', 'yousign', 'pandadoc', 'boldsign'];
    const statuses = await Promise.all(wrong.map(async (d, i) => (await receiver.handle({ endpoint: endpoints[i] as string, ...d })).status));
    expect(statuses).toEqual([403, 401, 401, 401, 401, 401, 401, 401, 401]);
    await receiver.close();
  });

  it('mergeFields merges objects recursively and replaces everything else', () => {
    expect(mergeFields({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { c: [3] }, e: null })).toEqual({ a: { b: 1, c: [3] }, d: 'x', e: null });
  });
});
