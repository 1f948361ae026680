import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { createReceiver, memoryQueue, silentLogger, yousign } from '@countersign/core';
import { yousignDelivery, yousignSignature } from '../src/index.js';

const SECRET = '4b5683893752724271325d302a782f48';

describe('yousignDelivery', () => {
  it('signs the raw body as Yousign does ("sha256=" + hex HMAC-SHA256) with its headers', async () => {
    const data = { signature_request: { id: 'sr-1', status: 'done' } };
    const delivery = await yousignDelivery({ secret: SECRET, eventName: 'signature_request.done', eventId: 'evt-1', eventTime: '1741981800', data, retry: 2, issuedAt: '1741981801' });
    expect(delivery.headers).toEqual({
      'content-type': 'application/json',
      'user-agent': 'Yousign Webhook Bot',
      'x-yousign-retry': '2',
      'x-yousign-issued-at': '1741981801',
      'x-yousign-signature-256': `sha256=${createHmac('sha256', SECRET).update(delivery.body).digest('hex')}`,
    });
    expect(JSON.parse(delivery.body)).toMatchObject({ event_id: 'evt-1', event_name: 'signature_request.done', event_time: '1741981800', data });
    expect(await yousignSignature(SECRET, delivery.body)).toBe(delivery.headers['x-yousign-signature-256']);
  });

  it('builds deliveries a yousign() endpoint accepts, each call a new event, retry 0 being attempt 1', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { yousign: yousign({ secrets: SECRET, timeoutMs: 10_000 }) }, queue });
    const seen: Array<[string, number | undefined]> = [];
    receiver.on('yousign:signature_request.activated', (event) => void seen.push([event.key, event.delivery.attempt]));
    for (let i = 0; i < 2; i++) {
      const delivery = await yousignDelivery({ secret: SECRET, eventName: 'signature_request.activated' });
      expect((await receiver.handle({ endpoint: 'yousign', ...delivery })).status).toBe(200);
    }
    await queue.idle();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.[0]).not.toBe(seen[1]?.[0]);
    expect(seen.map(([, attempt]) => attempt)).toEqual([1, 1]);
    await receiver.close();
  });
});
