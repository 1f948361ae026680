import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { fakeAdobeSignApi, fakeDocstudioApi, fakeIgnisignWebhooksApi, fakeSignitApi, type FakeSignitApi } from '@countersign/testing';
import type {
  SubscriptionError} from '../src/index.js';
import {
  adobeSignWebhooks,
  docstudioCallbacks,
  ignisignWebhooks,
  isSubscriptionError,
  retryAfterMs,
  signitHeaders,
  signitStringToSign,
  signitWebhooks
} from '../src/index.js';
import { recordingLogger } from './support.js';

async function caught(promise: Promise<unknown>): Promise<SubscriptionError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(isSubscriptionError(error), String(error)).toBe(true);
  return error as SubscriptionError;
}

describe('SignIt request signing', () => {
  let api: FakeSignitApi;
  beforeEach(async () => {
    api = await fakeSignitApi({ apiKey: 'key-1', apiSecret: 'secret-of-key-1', userId: 'u-1' });
  });
  afterEach(() => api.close());

  const client = (overrides: Partial<Parameters<typeof signitWebhooks>[0]> = {}) =>
    signitWebhooks({ baseUrl: api.url, apiKey: 'key-1', apiSecret: 'secret-of-key-1', userId: 'u-1', ...overrides });

  it('signs the documented values in order, the body only when there is one', () => {
    const parts = { apiKey: 'k', contentType: 'application/json', date: 'Tue, 01 Dec 2026 10:00:00 GMT', host: 'api.signit.cn', method: 'post', nonce: 'n-1', body: '{"a":1}', resource: '/ws-rest/v1/users/u/webhooks', scheme: 'https' };
    expect(signitStringToSign(parts)).toBe('k\napplication/json\nTue, 01 Dec 2026 10:00:00 GMT\napi.signit.cn\nPOST\nn-1\n{"a":1}\n/ws-rest/v1/users/u/webhooks\nhttps\n');
    expect(signitStringToSign({ ...parts, body: '' })).toBe('k\napplication/json\nTue, 01 Dec 2026 10:00:00 GMT\napi.signit.cn\nPOST\nn-1\n/ws-rest/v1/users/u/webhooks\nhttps\n');
  });

  it('a signed management request built by the client verifies in the stand-in (create, update, list with paging)', async () => {
    const signit = client();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) {
      const { webhookId } = await signit.create({ webhookName: `hook-${i}`, webhookUrl: `https://hooks.example.com/${i}`, events: ['envelopeCompleted'], status: 1 });
      ids.push(webhookId as string);
    }
    await signit.update(ids[0] as string, { webhookName: 'hook-0', webhookUrl: 'https://hooks.example.com/0', events: ['envelopeStart', 'recipientReject'], status: 0 });
    const page = await signit.list({ limit: 2, fields: ['webhookId', 'webhookUrl'] });
    expect(page).toEqual({ webhooks: [{ webhookId: ids[0], webhookUrl: 'https://hooks.example.com/0', webhookName: undefined, events: undefined, active: undefined }, expect.objectContaining({ webhookId: ids[1] })], nextOffset: 2 });
    const all = await signit.listAll({ limit: 2 });
    expect(all.map((w) => w.webhookId)).toEqual(ids);
    expect(all[0]).toMatchObject({ events: ['envelopeStart', 'recipientReject'], active: false });
    expect((await signit.list({ filters: 'active=false' })).webhooks.map((w) => w.webhookId)).toEqual([ids[0]]);
    expect(api.refusals).toEqual([]);
  });

  it('a tampered request is refused: body, path or method changed after signing, a reused nonce, the wrong secret', async () => {
    const url = new URL(`${api.url}/ws-rest/v1/users/u-1/webhooks`);
    const body = JSON.stringify({ webhookName: 'h', webhookUrl: 'https://hooks.example.com/h', events: ['envelopeCompleted'], status: 1 });
    const headers = await signitHeaders({ apiKey: 'key-1', apiSecret: 'secret-of-key-1' }, { method: 'POST', url, body });
    const send = (init: { method?: string; body?: string; url?: URL; headers?: Record<string, string> }) =>
      fetch(init.url ?? url, { method: init.method ?? 'POST', headers: init.headers ?? headers, body: init.method === 'GET' ? undefined : (init.body ?? body) });

    expect((await send({ body: body.replace('hooks.example.com', 'evil.example.com') })).status).toBe(401);
    expect((await send({ url: new URL(`${api.url}/ws-rest/v1/users/u-1/webhooks?x=1`), method: 'GET' })).status).toBe(401);
    expect((await send({})).status).toBe(200); // the genuine one
    expect((await send({})).status).toBe(401); // the same again: its nonce is spent
    const forged = await signitHeaders({ apiKey: 'key-1', apiSecret: 'not-the-secret' }, { method: 'POST', url, body });
    expect((await send({ headers: forged })).status).toBe(401);
    expect(api.refusals.map((r) => r.reason)).toEqual(['signature', 'signature', 'replay', 'signature']);
    expect(api.webhooks()).toHaveLength(1);
  });

  it('the wrong secret is an API_UNAUTHORIZED error that never shows the secret', async () => {
    const logger = recordingLogger();
    const error = await caught(client({ apiSecret: 'wrong-secret-value', logger }).list());
    expect(error).toMatchObject({ code: 'API_UNAUTHORIZED', platform: 'signit', status: 401 });
    expect(error.message).toContain('check the API credentials');
    expect(`${error.message}${JSON.stringify(error)}${logger.lines.join('')}`).not.toContain('wrong-secret-value');
    expect(logger.lines.length).toBeGreaterThan(0);
  });

  it('the signing choices are one option: signing the query string too', async () => {
    await api.close();
    api = await fakeSignitApi({ apiKey: 'key-1', apiSecret: 'secret-of-key-1', userId: 'u-1', signing: { resourceIncludesQuery: true } });
    await expect(client().list()).rejects.toMatchObject({ code: 'API_UNAUTHORIZED' });
    await expect(client({ signing: { resourceIncludesQuery: true } }).list()).resolves.toMatchObject({ webhooks: [] });
  });
});

describe('429 with Retry-After', () => {
  it('retries after the time asked, within the bound', async () => {
    const api = await fakeDocstudioApi();
    try {
      const callbacks = docstudioCallbacks({ baseUrl: api.url, token: api.token, mailbox: api.mailbox });
      api.throttle(2, 0);
      expect(await callbacks.list()).toEqual([]);
      expect(api.calls.map((c) => c.status)).toEqual([429, 429, 200]);
    } finally {
      await api.close();
    }
  });

  it('gives up after the bounded number of retries, and at once when asked to wait longer than allowed', async () => {
    const api = await fakeAdobeSignApi();
    try {
      const webhooks = adobeSignWebhooks({ baseUrl: api.url, accessToken: api.accessToken, retry: { retries: 2 } });
      api.throttle(10, 0);
      expect(await caught(webhooks.list())).toMatchObject({ code: 'API_RATE_LIMITED', status: 429, message: expect.stringContaining('after 3 attempts') });
      expect(api.calls).toHaveLength(3);
      api.throttle(1, 3600);
      const error = await caught(webhooks.list());
      expect(error).toMatchObject({ code: 'API_RATE_LIMITED', retryAfterMs: 3_600_000 });
      expect(api.calls).toHaveLength(4);
    } finally {
      await api.close();
    }
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7')).toBe(7000);
    expect(retryAfterMs('Tue, 01 Dec 2026 10:00:30 GMT', Date.parse('Tue, 01 Dec 2026 10:00:00 GMT'))).toBe(30_000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe('platform errors become coded errors', () => {
  it('DocStudio: a wrong token, a wrong mailbox, an invalid callback, an unknown callback', async () => {
    const api = await fakeDocstudioApi({ token: 'the-real-docstudio-token' });
    try {
      const good = docstudioCallbacks({ baseUrl: api.url, token: api.token, mailbox: api.mailbox });
      const badToken = await caught(docstudioCallbacks({ baseUrl: api.url, token: 'a-wrong-docstudio-token', mailbox: api.mailbox }).list());
      expect(badToken).toMatchObject({ code: 'API_UNAUTHORIZED', status: 401 });
      expect(badToken.message).not.toContain('a-wrong-docstudio-token');
      expect(await caught(docstudioCallbacks({ baseUrl: api.url, token: api.token, mailbox: 'another-mailbox' }).list())).toMatchObject({ code: 'API_FORBIDDEN' });
      expect(await caught(good.add({ filter: {}, url: 'https://h.example.com', timeout: 99 }))).toMatchObject({ code: 'CONFIG_INVALID' });
      expect(await caught(good.remove('no-such-callback'))).toMatchObject({ code: 'API_NOT_FOUND', status: 404 });
      expect(api.calls.filter((c) => c.method === 'POST')).toEqual([]); // the invalid callback never left the client
    } finally {
      await api.close();
    }
  });

  it('Acrobat Sign: a duplicate is API_CONFLICT; the URL cannot be updated', async () => {
    const api = await fakeAdobeSignApi();
    const receiver = createServer((req, res) => res.writeHead(200, { 'x-adobesign-clientid': String(req.headers['x-adobesign-clientid']) }).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/webhooks/adobe-sign`;
      const webhooks = adobeSignWebhooks({ baseUrl: `${api.url}/api/rest/v6`, accessToken: api.accessToken });
      const input = { name: 'w', scope: 'ACCOUNT' as const, state: 'ACTIVE' as const, webhookSubscriptionEvents: ['AGREEMENT_ALL'], webhookUrlInfo: { url: target } };
      const { id } = await webhooks.create(input);
      expect(await caught(webhooks.create({ ...input, webhookSubscriptionEvents: ['AGREEMENT_CREATED'] }))).toMatchObject({ code: 'API_CONFLICT', platformCode: 'DUPLICATE_WEBHOOK_CONFIGURATION' });
      expect(await caught(webhooks.update(id, { ...input, webhookUrlInfo: { url: `${target}/elsewhere` } }))).toMatchObject({ code: 'API_REJECTED' });
      await webhooks.setState(id, 'INACTIVE');
      expect(await webhooks.get(id)).toMatchObject({ id, state: 'INACTIVE' });
      await webhooks.reactivate(id);
      expect((await webhooks.list()).webhooks).toMatchObject([{ id, status: 'ACTIVE' }]);
      await webhooks.remove(id);
      expect(await caught(webhooks.get(id))).toMatchObject({ code: 'API_NOT_FOUND', platformCode: 'INVALID_WEBHOOK_ID' });
    } finally {
      receiver.close();
      await api.close();
    }
  });

  it('Acrobat Sign: lists every page', async () => {
    const api = await fakeAdobeSignApi({ maxPageSize: 2 });
    const receiver = createServer((req, res) => res.writeHead(200, { 'x-adobesign-clientid': String(req.headers['x-adobesign-clientid']) }).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const target = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
      const webhooks = adobeSignWebhooks({ baseUrl: api.url, accessToken: api.accessToken });
      for (let i = 0; i < 5; i++) await webhooks.create({ name: `w${i}`, scope: 'ACCOUNT', state: 'ACTIVE', webhookSubscriptionEvents: ['AGREEMENT_ALL'], webhookUrlInfo: { url: `${target}/${i}` } });
      expect((await webhooks.listAll()).map((w) => w.name)).toEqual(['w0', 'w1', 'w2', 'w3', 'w4']);
      await expect(webhooks.listAll({ maxPages: 2 })).rejects.toMatchObject({ code: 'API_BAD_ANSWER' });
    } finally {
      receiver.close();
      await api.close();
    }
  });

  it('Ignisign: endpoints, topic filter, history and resend', async () => {
    const api = await fakeIgnisignWebhooksApi({ apiKey: 'ignisign-key-abcdef' });
    const receiver = createServer((_req, res) => res.writeHead(500).end());
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    try {
      const webhooks = ignisignWebhooks({ baseUrl: api.url, apiKey: api.apiKey, appId: api.appId, appEnv: api.appEnv });
      const added = await webhooks.add({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`, description: 'd' });
      await webhooks.update(added._id, { url: added.url, description: 'updated' });
      expect(await webhooks.list()).toMatchObject([{ _id: added._id, description: 'updated', isDisabled: false }]);
      await webhooks.disableTopics(added._id, ['APP']);
      expect(await api.emit({ topic: 'APP', action: 'ARCHIVED', content: {} })).toEqual([]);
      const [event] = await api.emit({ topic: 'SIGNER', action: 'CREATED', content: { signerId: 's' } });
      const page = await webhooks.events(added._id, { filter: 'FAILED' });
      expect(page.events).toMatchObject([{ _id: event!._id, status: 'FAILED', response: { status: 500 } }]);
      await webhooks.resend(added._id, event!._id);
      expect(api.events()).toHaveLength(1);
      await webhooks.remove(added._id);
      expect(await caught(webhooks.event(added._id, event!._id))).toMatchObject({ code: 'API_NOT_FOUND' });
      const bad = await caught(ignisignWebhooks({ baseUrl: api.url, apiKey: 'ignisign-wrong-key-123', appId: api.appId, appEnv: api.appEnv }).list());
      expect(bad).toMatchObject({ code: 'API_UNAUTHORIZED' });
      expect(bad.message).not.toContain('ignisign-wrong-key-123');
    } finally {
      receiver.close();
      await api.close();
    }
  });
});

describe('bad answers from a platform are coded errors, never crashes', () => {
  let server: Server;
  let answer: (res: ServerResponse) => void;
  let base: string;
  beforeAll(async () => {
    server = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const callbacks = () => docstudioCallbacks({ baseUrl: base, token: 'a-token-value', mailbox: 'm', maxResponseBytes: 4096, timeoutMs: 2000 });

  it('not JSON', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>');
    expect(await caught(callbacks().list())).toMatchObject({ code: 'API_BAD_ANSWER', message: expect.stringContaining('not JSON') });
  });

  it('JSON of the wrong shape', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end('[{"id":"1"}]');
    expect(await caught(callbacks().list())).toMatchObject({ code: 'API_BAD_ANSWER', message: expect.stringContaining('url') });
  });

  it('an answer larger than the bound', async () => {
    answer = (res) => res.writeHead(200, { 'content-type': 'application/json' }).end(`[${'{"id":"1","url":"https://x"},'.repeat(500)}{"id":"2","url":"u"}]`);
    expect(await caught(callbacks().list())).toMatchObject({ code: 'API_BAD_ANSWER', message: expect.stringContaining('larger than 4096') });
  });

  it('a 500 with an error body that repeats the token', async () => {
    answer = (res) => res.writeHead(500, { 'content-type': 'application/json' }).end('{"message":"token a-token-value rejected by backend"}');
    const error = await caught(callbacks().list());
    expect(error).toMatchObject({ code: 'API_UNAVAILABLE', status: 500 });
    expect(error.message).toContain('[redacted]');
    expect(error.message).not.toContain('a-token-value');
  });

  it('no answer in time, and nothing listening', async () => {
    answer = () => undefined; // never answers
    const slow = docstudioCallbacks({ baseUrl: base, token: 't-value', mailbox: 'm', timeoutMs: 200 });
    expect(await caught(slow.list())).toMatchObject({ code: 'API_UNREACHABLE', message: expect.stringContaining('no answer within 200 ms') });
    expect(await caught(docstudioCallbacks({ baseUrl: 'http://127.0.0.1:1', token: 't-value', mailbox: 'm' }).list())).toMatchObject({ code: 'API_UNREACHABLE' });
  });

  it('bad options are CONFIG_INVALID before any call', () => {
    expect(() => docstudioCallbacks({ baseUrl: 'ftp://x', token: 't', mailbox: 'm' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => signitWebhooks({ baseUrl: base, apiKey: 'k', apiSecret: '', userId: 'u' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => adobeSignWebhooks({ baseUrl: base, accessToken: 't', retry: { retries: 50 } })).toThrow(/retry.retries/);
  });
});
