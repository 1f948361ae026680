/** The PandaDoc and BoldSign builders sign as the platforms do: checked against node:crypto and against a receiver. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { boldsign, createReceiver, memoryQueue, pandadoc, silentLogger } from '@countersign/core';
import { boldsignDelivery, boldsignSignature, boldsignSignatureHeader, pandadocDelivery, pandadocSignature } from '../src/index.js';

describe('pandadocDelivery', () => {
  it('builds a JSON array body signed in the query string with hex HMAC-SHA256 of the body', async () => {
    const notifications = [{ event: 'document_state_changed', data: { id: 'doc-1', status: 'document.sent', date_modified: '2026-01-02T03:04:05Z' } }];
    const delivery = await pandadocDelivery({ sharedKey: 'shared-key', notifications, eventId: 'evt-1' });
    expect(JSON.parse(delivery.body)).toEqual(notifications);
    expect(delivery.headers).toEqual({ 'content-type': 'application/json', 'x-pandadoc-webhook-event-id': 'evt-1' });
    expect(delivery.query).toBe(`signature=${createHmac('sha256', 'shared-key').update(delivery.body).digest('hex')}`);
    expect(await pandadocSignature('shared-key', delivery.body)).toBe(delivery.query.slice('signature='.length));
  });

  it('is accepted by pandadoc(), one event per notification, and signs a given body as is', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { pandadoc: pandadoc({ sharedKeys: 'shared-key' }) }, queue });
    const names: string[] = [];
    receiver.onAny((event) => void names.push(event.name));
    const delivery = await pandadocDelivery({
      sharedKey: 'shared-key',
      notifications: [
        { event: 'document_state_changed', data: { id: 'doc-1', status: 'document.sent', date_modified: '2026-01-02T03:04:05Z' } },
        { event: 'recipient_completed', data: { id: 'doc-1', status: 'document.sent', action_date: '2026-01-02T03:05:00Z' } },
      ],
    });
    expect((await receiver.handle({ endpoint: 'pandadoc', ...delivery })).status).toBe(200);
    const raw = await pandadocDelivery({ sharedKey: 'other-key', body: '[]' });
    expect(raw.body).toBe('[]');
    expect((await receiver.handle({ endpoint: 'pandadoc', ...raw })).status).toBe(401);
    await queue.idle();
    expect(names).toEqual(['document_state_changed', 'recipient_completed']);
    await receiver.close();
  });
});

describe('boldsignDelivery', () => {
  it('signs "<t>.<body>" with the secret (s0) and the previous secret (s1)', async () => {
    const delivery = await boldsignDelivery({ secret: 'new', previousSecret: 'old', eventType: 'Completed', id: 'e-1', timestamp: 1767323045, data: { documentId: 'doc-1' } });
    expect(JSON.parse(delivery.body)).toEqual({ event: { id: 'e-1', created: 1767323045, eventType: 'Completed', environment: 'Test' }, data: { documentId: 'doc-1' } });
    const mac = (secret: string) => createHmac('sha256', secret).update(`1767323045.${delivery.body}`).digest('hex');
    expect(delivery.headers['x-boldsign-signature']).toBe(`t=1767323045, s0=${mac('new')}, s1=${mac('old')}`);
    expect(delivery.headers['x-boldsign-event']).toBe('Completed');
    expect(await boldsignSignature('new', 1767323045, delivery.body)).toBe(mac('new'));
    expect(await boldsignSignatureHeader(delivery.body, { secret: 'new', timestamp: 1767323045 })).toBe(`t=1767323045, s0=${mac('new')}`);
  });

  it('is accepted by boldsign() now (t defaults to the current time); a Verification is answered, not dispatched', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { boldsign: boldsign({ secrets: 'secret' }) }, queue });
    const names: string[] = [];
    receiver.onAny((event) => void names.push(event.name));
    const data = { object: 'document', documentId: 'doc-1', status: 'Completed', signerDetails: [] };
    expect((await receiver.handle({ endpoint: 'boldsign', ...(await boldsignDelivery({ secret: 'secret', eventType: 'Completed', data })) })).status).toBe(200);
    expect((await receiver.handle({ endpoint: 'boldsign', ...(await boldsignDelivery({ secret: 'secret', eventType: 'Verification' })) })).status).toBe(200);
    const stale = await boldsignDelivery({ secret: 'secret', eventType: 'Completed', data, timestamp: Math.floor(Date.now() / 1000) - 3600 });
    expect((await receiver.handle({ endpoint: 'boldsign', ...stale })).status).toBe(401);
    await queue.idle();
    expect(names).toEqual(['Completed']);
    await receiver.close();
  });
});
