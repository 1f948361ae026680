import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReceiver, docusign, memoryQueue, silentLogger } from '@countersign/core';
import { docusignDateTime, docusignDelivery, docusignSignature } from '../src/index.js';

const KEY = 'FnhudeMAS6EoLQ++IzTmguUea7rNHK0kwZUv+9wbLoE=';

describe('docusignDelivery', () => {
  it('signs the raw body with each key as UTF-8 text, one numbered header per key, as Connect does', async () => {
    const delivery = await docusignDelivery({ hmacKeys: ['old-key', KEY], event: 'envelope-completed', data: { envelopeId: 'env-1' }, generatedDateTime: '2025-03-14T09:35:05.4471203Z' });
    expect(delivery.method).toBe('POST');
    expect(delivery.headers['x-authorization-digest']).toBe('HMACSHA256');
    expect(delivery.headers['x-docusign-signature-1']).toBe(createHmac('sha256', 'old-key').update(delivery.body).digest('base64'));
    expect(delivery.headers['x-docusign-signature-2']).toBe(createHmac('sha256', Buffer.from(KEY, 'utf8')).update(delivery.body).digest('base64'));
    expect(delivery.headers['x-docusign-signature-3']).toBeUndefined();
    expect(JSON.parse(delivery.body)).toMatchObject({
      event: 'envelope-completed',
      apiVersion: 'v2.1',
      retryCount: 0,
      generatedDateTime: '2025-03-14T09:35:05.4471203Z',
      data: { envelopeId: 'env-1', accountId: expect.any(String) },
    });
    expect(await docusignSignature(KEY, delivery.body)).toBe(delivery.headers['x-docusign-signature-2']);
  });

  it('writes generatedDateTime with 7 fractional digits and signs a given body as is', async () => {
    expect(docusignDateTime(new Date('2025-03-14T09:20:13.123Z'))).toBe('2025-03-14T09:20:13.1230000Z');
    const delivery = await docusignDelivery({ hmacKeys: KEY, event: 'ignored', body: '{"event":"x"}' });
    expect(delivery.body).toBe('{"event":"x"}');
    expect(delivery.headers['x-docusign-signature-1']).toBe(createHmac('sha256', KEY).update('{"event":"x"}').digest('base64'));
  });

  it('builds deliveries a docusign() endpoint accepts, each call a new envelope', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { docusign: docusign({ hmacKeys: KEY }) }, queue });
    const seen: string[] = [];
    receiver.on('docusign:envelope-sent', (event) => void seen.push(event.payload.data.envelopeId));
    for (let i = 0; i < 2; i++) expect((await receiver.handle({ endpoint: 'docusign', ...(await docusignDelivery({ hmacKeys: KEY, event: 'envelope-sent' })) })).status).toBe(200);
    await queue.idle();
    expect(new Set(seen).size).toBe(2);
    await receiver.close();
  });
});
