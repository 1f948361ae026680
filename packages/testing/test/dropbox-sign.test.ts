import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { createReceiver, dropboxSign, memoryQueue, silentLogger } from '@countersign/core';
import { dropboxSignDelivery, fakeDropboxSignApi, type FakeDropboxSignApi } from '../src/index.js';

const KEY = 'test-dropbox-sign-api-key';

describe('dropboxSignDelivery', () => {
  it('hashes event_time + event_type with the API key, as Dropbox Sign does, and sends the document in a json form field', async () => {
    const delivery = await dropboxSignDelivery({ apiKey: KEY, eventType: 'signature_request_sent', eventTime: new Date('2025-03-14T11:20:00Z'), boundary: 'b0' });
    const event = delivery.document.event as { event_time: string; event_hash: string };
    expect(event.event_time).toBe('1741951200');
    expect(event.event_hash).toBe(createHmac('sha256', KEY).update('1741951200signature_request_sent').digest('hex'));
    expect(delivery.headers['content-type']).toBe('multipart/form-data; boundary=b0');
    const form = await new Response(delivery.body, { headers: delivery.headers }).formData();
    expect(JSON.parse(form.get('json') as string)).toEqual(delivery.document);
  });

  it('is accepted by dropboxSign() in every format', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { ds: dropboxSign({ apiKey: KEY }) }, queue });
    const names: string[] = [];
    receiver.onAny((event) => void names.push(event.name));
    for (const format of ['multipart', 'json', 'urlencoded'] as const) {
      const delivery = await dropboxSignDelivery({ apiKey: KEY, eventType: 'account_confirmed', eventTime: 1700000000 + names.length, format, metadata: { reported_for_account_id: 'acct' } });
      const response = await receiver.handle({ endpoint: 'ds', ...delivery });
      expect(response.body).toBe('Hello API Event Received');
      await queue.idle();
    }
    expect(names).toEqual(['account_confirmed', 'account_confirmed', 'account_confirmed']);
  });
});

describe('fakeDropboxSignApi', () => {
  let api: FakeDropboxSignApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });
  const get = (path: string, key = KEY) => fetch(`${api?.url}${path}`, { headers: { authorization: `Basic ${Buffer.from(`${key}:`).toString('base64')}` } });

  it('serves GET /v3/signature_request/{id} with Basic auth: the copy, 404 for an unknown id, 401 for another key', async () => {
    api = await fakeDropboxSignApi({ apiKey: KEY, signatureRequests: [{ signature_request_id: 'sr1', title: 'T' }] });
    const found = await get('/v3/signature_request/sr1');
    expect(found.status).toBe(200);
    expect(await found.json()).toEqual({ signature_request: { signature_request_id: 'sr1', title: 'T' }, warnings: [] });
    expect((await get('/v3/signature_request/nope')).status).toBe(404);
    expect((await get('/v3/signature_request/sr1', 'other')).status).toBe(401);
    api.delete('sr1');
    expect((await get('/v3/signature_request/sr1')).status).toBe(404);
    api.set({ signature_request_id: 'sr2' });
    api.setMode('error500');
    expect((await get('/v3/signature_request/sr2')).status).toBe(500);
    expect(api.calls.map((c) => c.status)).toEqual([200, 404, 401, 404, 500]);
  });
});
