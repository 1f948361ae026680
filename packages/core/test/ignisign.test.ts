import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import {
  createReceiver,
  ignisign,
  ignisignApi,
  ignisignJwt,
  memoryDedupe,
  memoryQueue,
  memoryTokenMemo,
  TOKEN_MEMO_TTL_MS,
  type DedupeStore,
  type EventQueue,
  type IgnisignAppEnv,
  type IgnisignTokenVerifier,
  type Logger,
  type QueuedEvent,
  type TokenMemoStore,
  type WebhookResponse,
  silentLogger,
} from '@countersign/core';
import { fakeIgnisignApi, ignisignDelivery, type FakeIgnisignApi } from '../../testing/src/ignisign.js';
import { errorOf } from './provider-harness.js';

const APP_ID = 'appId_e5d6bcfb-e9f4-4858-8027-b65e1a170bd7';
const APP_ENV: IgnisignAppEnv = 'DEVELOPMENT';
const FIXTURES = new URL('../../../test/fixtures/ignisign/', import.meta.url);

interface Fixture {
  name: string;
  credentials: { appId: string; appEnv: IgnisignAppEnv; validTokens: string[] };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; topic: string; action: string; msgNature: string };
}

const fixtures: Fixture[] = readdirSync(FIXTURES)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, FIXTURES), 'utf8')) as Fixture);

function fixture(topic: string, action: string): Fixture {
  const found = fixtures.find((f) => f.expect.topic === topic && f.expect.action === action);
  if (!found) throw new Error(`no fixture for ${topic}.${action}`);
  return found;
}

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  await Promise.all(cleanups.splice(0).map((fn) => fn()));
});

interface Seen {
  via: string;
  name: string;
  id: string;
  known: boolean;
  topic: string | undefined;
  payload: unknown;
}

async function setup(
  options: {
    validTokens?: Iterable<string>;
    timeoutMs?: number;
    queue?: EventQueue;
    dedupe?: DedupeStore;
    tokenMemo?: TokenMemoStore;
    verifyToken?: (api: FakeIgnisignApi) => IgnisignTokenVerifier;
  } = {},
) {
  const api = await fakeIgnisignApi({ validTokens: options.validTokens });
  const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
  const verifyToken = options.verifyToken?.(api) ?? ignisignApi({ apiKey: api.apiKey, baseUrl: api.url });
  const logged: Array<{ level: string; fields: Record<string, unknown>; msg: string | undefined }> = [];
  const log =
    (level: string) =>
    (fields: object, msg?: string): void => {
      logged.push({ level, fields: fields as Record<string, unknown>, msg });
    };
  const logger: Logger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  const receiver = createReceiver({
    endpoints: { ignisign: ignisign({ appId: APP_ID, appEnv: APP_ENV, verifyToken, timeoutMs: options.timeoutMs, tokenMemo: options.tokenMemo }) },
    queue: options.queue ?? queue,
    dedupe: options.dedupe,
    logger,
  });
  const seen: Seen[] = [];
  const record = (via: string) => (e: { name: string; key: string; known: boolean; topic: string | undefined; payload: unknown }) => {
    seen.push({ via, name: e.name, id: e.key, known: e.known, topic: e.topic, payload: e.payload });
  };
  receiver.onAny(record('any'));
  cleanups.push(() => receiver.close(), () => api.close());
  const send = (request: { body: string; headers?: Record<string, string> }): Promise<WebhookResponse> =>
    receiver.handle({ method: 'POST', endpoint: 'ignisign', headers: request.headers ?? { 'content-type': 'application/json' }, body: request.body });
  return { api, queue, receiver, seen, send, record, logged };
}

/** The message of a logged error and of its causes, joined: what an operator reads in the log. */
function causeText(error: unknown): string {
  const parts: string[] = [];
  for (let e = error; e instanceof Error && parts.length < 5; e = e.cause) parts.push(e.message);
  return parts.join(' | ');
}

/** The dedupe key of the canonical JSON (keys sorted at every depth) of the event's description, as documented. */
function expectedKey(body: Record<string, unknown>): string {
  const sorted = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(sorted)
      : typeof value === 'object' && value !== null
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, sorted((value as Record<string, unknown>)[k])]),
          )
        : value;
  const { topic, action, msgNature, content, error } = body;
  const hash = createHash('sha256').update(JSON.stringify(sorted({ topic, action, msgNature, content, error }))).digest('hex');
  return `${String(topic)}.${String(action)}.${String(msgNature)}:${hash}`;
}

function delivery(topic: string, action: string, content: unknown, extra: { msgNature?: 'INFO' | 'SUCCESS' | 'WARNING' | 'ERROR'; token?: string } = {}) {
  return ignisignDelivery({ appId: APP_ID, appEnv: APP_ENV, topic, action, content, ...extra });
}

/** The fixture's body with some fields changed or removed (`undefined`). */
function variant(f: Fixture, changes: Record<string, unknown>): string {
  return JSON.stringify({ ...(JSON.parse(f.request.body) as Record<string, unknown>), ...changes });
}

const requestContent = { signatureRequestId: '672d206d10e44e00125eac63', signatureRequestExternalId: 'contract-2024-0042' };

describe('ignisign: fixtures', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('accepts and dispatches %s', async (_name, f) => {
    const { api, queue, seen, send } = await setup({ validTokens: f.credentials.validTokens });
    const res = await send(f.request);
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ received: true });
    await queue.idle();
    const name = `${f.expect.topic}.${f.expect.action}`;
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name, known: true, topic: f.expect.topic });
    expect(seen[0]?.id.startsWith(`${name}.${f.expect.msgNature}:`)).toBe(true);
    expect(seen[0]?.id.length).toBeLessThanOrEqual(200);
    expect(api.calls).toMatchObject([
      { token: f.credentials.validTokens[0], appId: f.credentials.appId, appEnv: f.credentials.appEnv, authorization: `Bearer ${api.apiKey}`, isValid: true },
    ]);

    // Another instance, with its own memo and verification API, derives the same id from the same event.
    const other = await setup({ validTokens: f.credentials.validTokens });
    expect((await other.send(f.request)).status).toBe(200);
    await other.queue.idle();
    expect(other.seen[0]?.id).toBe(seen[0]?.id);
  });

  it('derives the id from TOPIC.ACTION.MSGNATURE and the SHA-256 of the canonical event', async () => {
    const f = fixture('SIGNATURE_REQUEST', 'LAUNCHED');
    const { queue, seen, send } = await setup({ validTokens: f.credentials.validTokens });
    expect((await send(f.request)).status).toBe(200);
    await queue.idle();
    expect(seen[0]?.id).toBe(expectedKey(JSON.parse(f.request.body) as Record<string, unknown>));
    expect(seen[0]?.id).toMatch(/^SIGNATURE_REQUEST\.LAUNCHED\.SUCCESS:[0-9a-f]{64}$/);
  });

  it('keeps ids short whatever the names: a long topic is cut in the readable head, and still told apart by the hash', async () => {
    const { api, send, queue, seen } = await setup();
    // Names differing only past the readable head's 120 characters (the receiver takes names of up to 128).
    const long = 'T'.repeat(115);
    const first = delivery(long, 'DONE1', { a: 1 });
    const second = delivery(long, 'DONE2', { a: 1 });
    const odd = delivery('ODD TOPIC/é', 'DONE', { a: 1 });
    for (const d of [first, second, odd]) api.addToken(d.token);
    for (const d of [first, second, odd]) expect(JSON.parse((await send(d)).body)).toEqual({ received: true });
    await queue.idle();
    expect(seen).toHaveLength(3);
    for (const e of seen) expect(e.id.length).toBeLessThanOrEqual(185);
    expect(seen[0]?.id.slice(0, 120)).toBe(seen[1]?.id.slice(0, 120));
    expect(seen[0]?.id).not.toBe(seen[1]?.id);
    expect(seen[2]?.id).toMatch(/^ODD_TOPIC__\.DONE\.SUCCESS:[0-9a-f]{64}$/);
  });

  it('passes unknown fields through to handlers', async () => {
    const f = fixture('SIGNER', 'CREATED');
    const { queue, seen, send } = await setup({ validTokens: f.credentials.validTokens });
    const body = JSON.parse(f.request.body) as { content: Record<string, unknown> };
    const res = await send({ body: JSON.stringify({ ...body, newEnvelopeField: 1, content: { ...body.content, newContentField: 'x' } }) });
    expect(res.status).toBe(200);
    await queue.idle();
    expect(seen[0]?.payload).toMatchObject({ newEnvelopeField: 1, content: { newContentField: 'x', signerId: '672d1f3a10e44e00125eab10' } });
  });
});

describe('ignisign: the official verification order', () => {
  it('refuses a delivery without a token, naming what is missing, and asks nothing remotely', async () => {
    const f = fixtures[0] as Fixture;
    const { api, send, seen, queue } = await setup({ validTokens: f.credentials.validTokens });
    const res = await send({ body: variant(f, { verificationToken: undefined, appEnv: '' }) });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('AUTH_MISSING');
    expect(errorOf(res).message).toContain('verificationToken, appEnv');
    await queue.idle();
    expect(api.calls).toEqual([]);
    expect(seen).toEqual([]);
  });

  it('refuses a delivery without topic, action or msgNature with a 400 naming them, and asks nothing remotely', async () => {
    const f = fixtures[0] as Fixture;
    const { api, send } = await setup({ validTokens: f.credentials.validTokens });
    const res = await send({ body: variant(f, { topic: undefined, msgNature: 7 }) });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('PAYLOAD_INVALID');
    expect(errorOf(res).message).toContain('topic, msgNature');
    expect(api.calls).toEqual([]);
  });

  it('refuses another appId with 401 and no remote call (the token is not burnt)', async () => {
    const f = fixtures[0] as Fixture;
    const { api, send } = await setup({ validTokens: f.credentials.validTokens });
    const res = await send({ body: variant(f, { appId: 'appId_someone-else' }) });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('AUTH_INVALID');
    expect(errorOf(res).message).toMatch(/appId/);
    expect(errorOf(res).message).not.toContain('someone-else');
    expect(api.calls).toEqual([]);
    // The genuine delivery still goes through afterwards.
    expect((await send(f.request)).status).toBe(200);
  });

  it('refuses another appEnv with 401 and no remote call', async () => {
    const f = fixtures[0] as Fixture;
    const { api, send } = await setup({ validTokens: f.credentials.validTokens });
    const res = await send({ body: variant(f, { appEnv: 'PRODUCTION' }) });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('AUTH_INVALID');
    expect(errorOf(res).message).toMatch(/appEnv/);
    expect(api.calls).toEqual([]);
  });

  it('refuses a malformed body with 400 and no remote call', async () => {
    const { api, send } = await setup();
    const res = await send({ body: '{"appId": ' });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BODY_MALFORMED_JSON');
    expect(api.calls).toEqual([]);
  });
});

describe('ignisign: the remote token check', () => {
  it('answers 401 when the API says isValid: false', async () => {
    const { api, send, queue, seen } = await setup();
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    const res = await send(d);
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('AUTH_INVALID');
    expect(api.calls).toMatchObject([{ token: d.token, isValid: false }]);
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('answers 503 when the API fails, and checks again on the retry', async () => {
    const { api, send, queue, seen } = await setup();
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    api.setMode('error500');
    const res = await send(d);
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(errorOf(res).message).toContain('HTTP 500');
    api.setMode('ok');
    expect((await send(d)).status).toBe(200);
    expect(api.calls.map((c) => c.status)).toEqual([500, 200]);
    await queue.idle();
    expect(seen.map((e) => e.name)).toEqual(['SIGNER.CREATED']);
  });

  it('answers 503 within the endpoint budget when the API hangs', async () => {
    const { api, send } = await setup({ timeoutMs: 300 });
    api.setMode('hang');
    const res = await send(delivery('SIGNER', 'CREATED', { signerId: 's1' }));
    expect(res.status).toBe(503);
    expect(api.calls).toHaveLength(1);
  });

  it("answers 503 when ignisignApi's own timeout runs out first", async () => {
    const { api, send } = await setup({ verifyToken: (a) => ignisignApi({ apiKey: a.apiKey, baseUrl: a.url, timeoutMs: 200 }) });
    api.setMode('hang');
    const res = await send(delivery('SIGNER', 'CREATED', { signerId: 's1' }));
    expect(res.status).toBe(503);
    expect(errorOf(res)).toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' });
    expect(errorOf(res).message).toContain('did not answer within 200 ms');
  });

  it('answers 503 when the API cannot be reached, without telling the sender its address (the log has it)', async () => {
    const closed = await fakeIgnisignApi();
    await closed.close();
    const { send, logged } = await setup({ verifyToken: () => ignisignApi({ apiKey: 'k', baseUrl: closed.url }) });
    const res = await send(delivery('SIGNER', 'CREATED', { signerId: 's1' }));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(errorOf(res).message).toContain('could not be reached');
    const port = new URL(closed.url).port;
    expect(res.body).not.toContain('ECONNREFUSED');
    expect(res.body).not.toContain('127.0.0.1');
    expect(res.body).not.toContain(port);
    const refusal = logged.find((l) => l.fields.code === 'VERIFICATION_UNAVAILABLE');
    expect(causeText(refusal?.fields.err)).toContain(`127.0.0.1:${port}`);
  });

  it('refuses to follow a redirect of the verification call (503), so a GET elsewhere cannot vouch for a token', async () => {
    const seenRequests: Array<{ method: string | undefined; url: string | undefined }> = [];
    const server = createServer((req: IncomingMessage, res) => {
      seenRequests.push({ method: req.method, url: req.url });
      req.resume();
      if (req.url === '/elsewhere') res.writeHead(200, { 'content-type': 'application/json' }).end('{"isValid": true}');
      else res.writeHead(302, { location: '/elsewhere' }).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { send, queue, seen } = await setup({ verifyToken: () => ignisignApi({ apiKey: 'k', baseUrl }) });
    const res = await send(delivery('SIGNER', 'CREATED', { signerId: 's1' }));
    expect(res.status).toBe(503);
    expect(errorOf(res)).toMatchObject({ code: 'VERIFICATION_UNAVAILABLE', message: expect.stringContaining('redirect (HTTP 302)') });
    expect(res.headers['retry-after']).toBe('5');
    expect(seenRequests).toEqual([{ method: 'POST', url: '/v4/tokens/webhook-verification/checking-consumption' }]);
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('bounds the verifications in flight: past maxConcurrent, a delivery answers 503 with Retry-After at once, without a call', async () => {
    const { api, send, queue, seen } = await setup({
      timeoutMs: 15_000,
      verifyToken: (a) => ignisignApi({ apiKey: a.apiKey, baseUrl: a.url, maxConcurrent: 2, timeoutMs: 15_000 }),
    });
    api.setMode('hold');
    const held = [delivery('SIGNER', 'CREATED', { signerId: 's1' }), delivery('SIGNER', 'CREATED', { signerId: 's2' })];
    for (const d of held) api.addToken(d.token);
    const answers = held.map((d) => send(d));
    await vi.waitFor(() => expect(api.open).toBe(2), { timeout: 10_000 });

    const third = delivery('SIGNER', 'CREATED', { signerId: 's3' });
    api.addToken(third.token);
    const refused = await send(third);
    expect(refused.status).toBe(503);
    expect(errorOf(refused)).toMatchObject({ code: 'VERIFICATION_UNAVAILABLE', message: expect.stringContaining('maxConcurrent') });
    expect(refused.headers['retry-after']).toBe('5');
    expect(api.calls).toHaveLength(2);

    api.release();
    expect((await Promise.all(answers)).map((r) => r.status)).toEqual([200, 200]);
    // The slots are free again: the platform's retry of the refused delivery goes through.
    expect((await send(third)).status).toBe(200);
    await queue.idle();
    expect(seen).toHaveLength(3);
  });

  it('makes at most 8 calls at once by default, whatever the number of forged tokens', async () => {
    const { api, send } = await setup({ timeoutMs: 15_000, verifyToken: (a) => ignisignApi({ apiKey: a.apiKey, baseUrl: a.url, timeoutMs: 15_000 }) });
    api.setMode('hold');
    const forged = Array.from({ length: 40 }, (_, i) => send(delivery('SIGNER', 'CREATED', { signerId: `forged-${i}` })));
    await vi.waitFor(() => expect(api.open).toBe(8), { timeout: 10_000 });
    api.release();
    const answers = await Promise.all(forged);
    expect(api.calls).toHaveLength(8);
    expect(answers.filter((r) => r.status === 401)).toHaveLength(8);
    expect(answers.filter((r) => r.status === 503).every((r) => errorOf(r).code === 'VERIFICATION_UNAVAILABLE')).toBe(true);
    expect(answers.filter((r) => r.status === 503)).toHaveLength(32);
  });

  it('answers 503, not 401, when the API refuses our API key, and says so', async () => {
    const { api, send } = await setup({ verifyToken: (a) => ignisignApi({ apiKey: 'wrong-key', baseUrl: a.url }) });
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    const res = await send(d);
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(errorOf(res).message).toMatch(/refused our API key.*apiKey/);
  });

  it('answers 503 when the API answers something unreadable', async () => {
    const server = createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).end('{"valid": true}'));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    const { send } = await setup({ verifyToken: () => ignisignApi({ apiKey: 'k', baseUrl }) });
    const res = await send(delivery('SIGNER', 'CREATED', { signerId: 's1' }));
    expect(res.status).toBe(503);
    expect(errorOf(res).message).toContain('isValid');
  });

  it("answers 503 when a custom verifier throws, without the error's text (logged as the cause), and 401 when it says no", async () => {
    let answer: boolean | Error = new Error('directory at 10.0.0.7:389 down');
    const { send, logged } = await setup({
      verifyToken: () => () => {
        if (answer instanceof Error) throw answer;
        return answer;
      },
    });
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    const down = await send(d);
    expect(down.status).toBe(503);
    expect(errorOf(down).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(down.body).not.toContain('10.0.0.7');
    expect(causeText(logged.find((l) => l.fields.code === 'VERIFICATION_UNAVAILABLE')?.fields.err)).toContain('directory at 10.0.0.7:389 down');
    answer = false;
    expect((await send(d)).status).toBe(401);
    answer = true;
    expect((await send(d)).status).toBe(200);
  });
});

describe('ignisign: each token is checked once', () => {
  it('lets a copy arriving after the acknowledgement go to Ignisign, which refuses the used token, and dispatches once', async () => {
    const f = fixture('SIGNATURE', 'FINALIZED');
    const { api, send, queue, seen } = await setup({ validTokens: f.credentials.validTokens });
    expect(JSON.parse((await send(f.request)).body)).toEqual({ received: true });
    const again = await send(f.request);
    expect(again.status).toBe(401);
    expect(errorOf(again).code).toBe('AUTH_INVALID');
    expect(api.calls.map((c) => c.isValid)).toEqual([true, false]);
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('does not believe a replay once a flood pushed the event out of the dedupe store (the memo ends with the acknowledgement)', async () => {
    const { api, send, queue, seen } = await setup({ dedupe: memoryDedupe({ maxEntries: 2 }) });
    const genuine = delivery('SIGNATURE', 'FINALIZED', { signatureRequestId: 'r1', signerId: 's1', documentId: 'd1', signatureId: 'sig1' });
    const flood = Array.from({ length: 5 }, (_, i) => delivery('SIGNER', 'CREATED', { signerId: `flood-${i}` }));
    for (const d of [genuine, ...flood]) api.addToken(d.token);
    expect((await send(genuine)).status).toBe(200);
    for (const d of flood) expect((await send(d)).status).toBe(200);

    const replay = await send(genuine); // byte-identical, within the hour
    expect(replay.status).toBe(401);
    expect(errorOf(replay).code).toBe('AUTH_INVALID');
    await queue.idle();
    expect(seen.filter((e) => e.name === 'SIGNATURE.FINALIZED')).toHaveLength(1);
  });

  it('keeps refusing the token on another body after the acknowledgement, for verifiers that do not consume tokens', async () => {
    const { send, queue, seen } = await setup({ verifyToken: () => () => true });
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' }, { token: 'reusable-token' });
    expect((await send(d)).status).toBe(200);
    const forged = await send(delivery('SIGNER', 'CREATED', { signerId: 'attacker' }, { token: 'reusable-token' }));
    expect(forged.status).toBe(401);
    expect(errorOf(forged).message).toContain('different body');
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it("accepts the platform's retry after a queue failure without burning the token again", async () => {
    const f = fixture('SIGNATURE', 'FINALIZED');
    const inner = memoryQueue();
    let failures = 1;
    const flaky: EventQueue = {
      ...inner,
      enqueue: (event: QueuedEvent) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : inner.enqueue(event)),
    };
    const { api, send, seen } = await setup({ validTokens: f.credentials.validTokens, queue: flaky });
    const first = await send(f.request);
    expect(first.status).toBe(503);
    expect(errorOf(first).code).toBe('QUEUE_UNAVAILABLE');
    const retry = await send(f.request);
    expect(retry.status).toBe(200);
    expect(JSON.parse(retry.body)).toEqual({ received: true });
    expect(api.calls).toHaveLength(1);
    await inner.idle();
    expect(seen.map((e) => e.name)).toEqual(['SIGNATURE.FINALIZED']);
  });

  it("accepts the retry on another receiver sharing the token memo store, after the first one's queue failed", async () => {
    const f = fixture('SIGNATURE', 'FINALIZED');
    const shared = memoryTokenMemo();
    const broken = memoryQueue();
    await broken.close(); // instance A's queue takes no more events
    const a = await setup({ validTokens: f.credentials.validTokens, queue: broken, tokenMemo: shared });
    const b = await setup({ validTokens: f.credentials.validTokens, tokenMemo: shared });
    // One platform: B's verification API is told A consumed the token.
    b.api.setMode('invalid');
    const first = await a.send(f.request);
    expect(first.status).toBe(503);
    expect(errorOf(first).code).toBe('QUEUE_UNAVAILABLE');
    const retry = await b.send(f.request);
    expect(JSON.parse(retry.body)).toEqual({ received: true });
    expect(b.api.calls).toEqual([]);
    await b.queue.idle();
    expect(b.seen.map((e) => e.name)).toEqual(['SIGNATURE.FINALIZED']);
  });

  it('answers 503 without checking the token when the memo store cannot be read, and accepts the retry', async () => {
    const inner = memoryTokenMemo();
    let down = true;
    const flaky: TokenMemoStore = {
      get: (key) => (down ? Promise.reject(new Error('memo store at 10.0.0.9:6379 unreachable')) : inner.get(key)),
      set: (key, value, ttlMs) => inner.set(key, value, ttlMs),
    };
    const { api, send, queue, seen } = await setup({ tokenMemo: flaky });
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    const res = await send(d);
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(res.headers['retry-after']).toBe('5');
    expect(res.body).not.toContain('10.0.0.9');
    expect(api.calls).toEqual([]); // the token was not burnt
    down = false;
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('accepts a genuine delivery even when the memo store cannot be written (the token is already consumed)', async () => {
    const inner = memoryTokenMemo();
    const readOnly: TokenMemoStore = { get: (key) => inner.get(key), set: () => Promise.reject(new Error('READONLY')) };
    const { api, send, queue, seen } = await setup({ tokenMemo: readOnly });
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    expect(JSON.parse((await send(d)).body)).toEqual({ received: true });
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('refuses the same token on a different body', async () => {
    const f = fixture('SIGNATURE', 'FINALIZED');
    const { api, send, queue, seen } = await setup({ validTokens: f.credentials.validTokens });
    expect((await send(f.request)).status).toBe(200);
    const forged = variant(f, { content: { ...(JSON.parse(f.request.body) as { content: object }).content, signerId: 'attacker' } });
    const res = await send({ body: forged });
    expect(res.status).toBe(401);
    expect(errorOf(res).code).toBe('AUTH_INVALID');
    expect(errorOf(res).message).toContain('different body');
    expect(api.calls).toHaveLength(1);
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('8 concurrent copies lead to one check and one dispatch', async () => {
    const f = fixture('SIGNATURE_REQUEST', 'LAUNCHED');
    const { api, send, queue, seen } = await setup({ validTokens: f.credentials.validTokens });
    const answers = await Promise.all(Array.from({ length: 8 }, () => send(f.request)));
    for (const res of answers) expect([200, 503]).toContain(res.status);
    expect(answers.filter((res) => res.status === 200 && JSON.parse(res.body).duplicate === undefined)).toHaveLength(1);
    for (const res of answers.filter((r) => r.status === 503)) expect(errorOf(res).code).toBe('DUPLICATE_IN_FLIGHT');
    expect(api.calls).toHaveLength(1);
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('does not swallow a later status of the same request, but does a retry of the same one with a new token', async () => {
    const { api, send, queue, seen } = await setup();
    const inProgress = delivery('SIGNATURE_REQUEST', 'UPDATED', { ...requestContent, status: 'IN_PROGRESS' });
    const sameAgain = delivery('SIGNATURE_REQUEST', 'UPDATED', { ...requestContent, status: 'IN_PROGRESS' });
    const signed = delivery('SIGNATURE_REQUEST', 'UPDATED', { ...requestContent, status: 'SIGNED' });
    for (const d of [inProgress, sameAgain, signed]) api.addToken(d.token);
    expect(JSON.parse((await send(inProgress)).body)).toEqual({ received: true });
    expect(JSON.parse((await send(sameAgain)).body)).toEqual({ received: true, duplicate: true });
    expect(JSON.parse((await send(signed)).body)).toEqual({ received: true });
    await queue.idle();
    expect(seen.map((e) => (e.payload as { content: { status: string } }).content.status)).toEqual(['IN_PROGRESS', 'SIGNED']);
  });
});

describe('ignisign: distinct events are never merged, retries are', () => {
  const proofError = (errorCode: string) =>
    ignisignDelivery({
      appId: APP_ID,
      appEnv: APP_ENV,
      topic: 'SIGNATURE_PROOF',
      action: 'GENERATED',
      msgNature: 'ERROR',
      content: { signatureRequestId: 'r1', documentId: 'd1' },
      error: { errorCode, message: 'proof failed' },
    });
  const pairs = [
    [
      'two SIGNER.INPUTS_ADDED for one signer with different inputs',
      delivery('SIGNER', 'INPUTS_ADDED', { signerId: 's1', signerExternalId: 'customer-17', inputsAdded: ['FIRST_NAME'] }),
      delivery('SIGNER', 'INPUTS_ADDED', { signerId: 's1', signerExternalId: 'customer-17', inputsAdded: ['BIRTH_DATE'] }),
    ],
    [
      'two APP.SETTINGS_UPDATED by one user',
      delivery('APP', 'SETTINGS_UPDATED', { userId: 'u1', settings: { defaultLanguage: 'FR' } }),
      delivery('APP', 'SETTINGS_UPDATED', { userId: 'u1', settings: { defaultLanguage: 'EN' } }),
    ],
    [
      'a SIGNATURE_REQUEST.UPDATED with a new title',
      delivery('SIGNATURE_REQUEST', 'UPDATED', { ...requestContent, status: 'DRAFT', title: 'Contract' }),
      delivery('SIGNATURE_REQUEST', 'UPDATED', { ...requestContent, status: 'DRAFT', title: 'Contract, amended' }),
    ],
    ['content {"a":{"bId":"1"}} after {"a.bId":"1"}', delivery('CUSTOM', 'CHANGED', { 'a.bId': '1' }), delivery('CUSTOM', 'CHANGED', { a: { bId: '1' } })],
    ['two proof errors with different error codes', proofError('PROOF_TIMEOUT'), proofError('PROOF_INVALID_DOCUMENT')],
  ] as const;

  it.each(pairs)('dispatches both of %s', async (_what, first, second) => {
    const { api, send, queue, seen } = await setup();
    for (const d of [first, second]) api.addToken(d.token);
    expect(JSON.parse((await send(first)).body)).toEqual({ received: true });
    expect(JSON.parse((await send(second)).body)).toEqual({ received: true });
    await queue.idle();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.id).not.toBe(seen[1]?.id);
  });

  it("acknowledges the platform's retry (same event, a new token, keys in another order) as a duplicate", async () => {
    const { api, send, queue, seen } = await setup();
    const original = delivery('SIGNER', 'INPUTS_ADDED', { signerId: 's1', signerExternalId: 'customer-17', inputsAdded: ['FIRST_NAME'] });
    const body = JSON.parse(original.body) as Record<string, unknown>;
    const retryToken = 'retry-token';
    // The same event as Ignisign sends it again: a new token, fields (and content fields) in another order.
    const retry = JSON.stringify({
      verificationToken: retryToken,
      content: { inputsAdded: ['FIRST_NAME'], signerExternalId: 'customer-17', signerId: 's1' },
      msgNature: body.msgNature,
      action: body.action,
      topic: body.topic,
      appEnv: body.appEnv,
      appId: body.appId,
    });
    api.addToken(original.token);
    api.addToken(retryToken);
    expect(JSON.parse((await send(original)).body)).toEqual({ received: true });
    expect(JSON.parse((await send({ body: retry })).body)).toEqual({ received: true, duplicate: true });
    await queue.idle();
    expect(seen).toHaveLength(1);
  });
});

describe('ignisign: events and handlers', () => {
  it('runs the event handler and the topic handler for SIGNATURE_REQUEST.LAUNCHED', async () => {
    const f = fixture('SIGNATURE_REQUEST', 'LAUNCHED');
    const { receiver, send, queue } = await setup({ validTokens: f.credentials.validTokens });
    const tokens: string[] = [];
    const topics: string[] = [];
    receiver.on('ignisign:SIGNATURE_REQUEST.LAUNCHED', (e) => {
      for (const s of e.payload.content.signers?.signersEmbedded ?? []) tokens.push(s.token);
    });
    receiver.on('ignisign:SIGNATURE_REQUEST', (e) => {
      topics.push(e.name);
    });
    receiver.on('ignisign:SIGNER', (e) => {
      topics.push(`wrong topic: ${e.name}`);
    });
    expect((await send(f.request)).status).toBe(200);
    await queue.idle();
    expect(tokens).toEqual(['Q1x8cJd2RkWpZt7mVbN4yLs0aHf5uEo9iGr3kTqPwDnCAA']);
    expect(topics).toEqual(['SIGNATURE_REQUEST.LAUNCHED']);
  });

  it('passes an unknown action of a known topic through to the topic, * and onAny handlers', async () => {
    const { api, receiver, send, queue, seen, record } = await setup();
    receiver.on('ignisign:SIGNATURE_REQUEST', record('topic'));
    receiver.on('ignisign:*', record('star'));
    const d = delivery('SIGNATURE_REQUEST', 'TELEPORTED', { ...requestContent, newField: true });
    api.addToken(d.token);
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(seen.map((e) => e.via).sort()).toEqual(['any', 'star', 'topic']);
    expect(seen[0]).toMatchObject({ name: 'SIGNATURE_REQUEST.TELEPORTED', known: false, topic: 'SIGNATURE_REQUEST', payload: { content: { newField: true } } });
  });

  it('passes an unknown topic through to * and onAny only', async () => {
    const { api, receiver, send, queue, seen, record } = await setup();
    receiver.on('ignisign:SIGNATURE_REQUEST', record('topic'));
    receiver.on('ignisign:*', record('star'));
    const d = delivery('ID_PROOFING', 'COMPLETED', { idProofingId: 'p1' });
    api.addToken(d.token);
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(seen.map((e) => e.via).sort()).toEqual(['any', 'star']);
    expect(seen[0]).toMatchObject({ name: 'ID_PROOFING.COMPLETED', known: false, id: expectedKey(JSON.parse(d.body) as Record<string, unknown>) });
  });

  it('accepts a proof error, whose content differs from a proof success', async () => {
    const { api, send, queue, seen } = await setup();
    const d = ignisignDelivery({
      appId: APP_ID,
      appEnv: APP_ENV,
      topic: 'SIGNATURE_PROOF',
      action: 'GENERATED',
      msgNature: 'ERROR',
      content: { signatureRequestId: 'r1', documentId: 'd1' },
      error: { errorCode: 'PROOF_GENERATION_FAILED', message: 'boom' },
    });
    api.addToken(d.token);
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(seen[0]).toMatchObject({ name: 'SIGNATURE_PROOF.GENERATED', known: true, id: expectedKey(JSON.parse(d.body) as Record<string, unknown>) });
    expect(seen[0]?.id).toMatch(/^SIGNATURE_PROOF\.GENERATED\.ERROR:[0-9a-f]{64}$/);
    expect(seen[0]?.payload).toMatchObject({ error: { errorCode: 'PROOF_GENERATION_FAILED' } });
  });

  it('acknowledges a known event whose content lacks a required id, and dead-letters it naming the field', async () => {
    const { api, send, queue, receiver, seen } = await setup();
    const d = delivery('SIGNATURE_PROOF', 'GENERATED', { signatureRequestId: 'r1' });
    api.addToken(d.token);
    const res = await send(d);
    expect(res.status).toBe(200);
    await queue.idle();
    expect(seen).toHaveLength(0);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.code).toBe('PAYLOAD_INVALID');
    expect(letter?.error.message).toContain('content.documents');
  });

  it('acknowledges an msgNature outside the documented values, and dead-letters it', async () => {
    const { api, send, queue, receiver } = await setup();
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    const res = await send({ body: d.body.replace('"SUCCESS"', '"DEBUG"') });
    expect(res.status).toBe(200);
    await queue.idle();
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.message).toContain('msgNature');
  });

  it('still refuses with 400 a delivery whose topic or action is not a string, before the token is checked', async () => {
    const { api, send } = await setup();
    const d = delivery('SIGNER', 'CREATED', { signerId: 's1' });
    api.addToken(d.token);
    const res = await send({ body: variant({ request: { body: d.body } } as Fixture, { action: 42 }) });
    expect([res.status, errorOf(res).code]).toEqual([400, 'PAYLOAD_INVALID']);
    expect(api.calls).toHaveLength(0);
  });

  it('acknowledges an event whose field changed type, dead-letters it with the issue, tells onError, and can replay it', async () => {
    const { api, send, queue, receiver, seen } = await setup();
    const errors: Array<{ code: unknown; willRetry: boolean }> = [];
    receiver.onError((error, _event, info) => void errors.push({ code: (error as { code?: unknown }).code, willRetry: info.willRetry }));
    // Ignisign starts sending `signerId` as a number.
    const d = delivery('SIGNATURE', 'FINALIZED', { signatureRequestId: 'r1', signerId: 7, documentId: 'd1', signatureId: 'sig1' });
    api.addToken(d.token);
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(seen).toHaveLength(0);
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', willRetry: false }]);
    const [letter] = await receiver.deadLetters();
    expect(letter?.id).toBe(`ignisign:${expectedKey(JSON.parse(d.body) as Record<string, unknown>)}`);
    expect(letter?.error.details).toEqual([expect.objectContaining({ path: 'content.signerId' })]);
    await receiver.replay(letter!.id);
    await queue.idle();
    expect(errors).toHaveLength(2);
    expect(await receiver.deadLetters()).toHaveLength(1);
  });
});

describe('ignisign: lifecycle', () => {
  it.each([
    ['SIGNATURE_REQUEST', 'LAUNCHED', 'SUCCESS', 'sent'],
    ['SIGNATURE_SESSION', 'INITIALIZED', 'INFO', 'viewed'],
    ['SIGNATURE', 'FINALIZED', 'SUCCESS', 'signed'],
    ['SIGNATURE_REQUEST', 'COMPLETED', 'SUCCESS', 'completed'],
    ['SIGNATURE_REQUEST', 'EXPIRED', 'INFO', 'expired'],
    ['SIGNATURE_REQUEST', 'CANCELLED', 'INFO', 'cancelled'],
    ['SIGNATURE_REQUEST', 'FAILED', 'ERROR', 'failed'],
    ['SIGNATURE', 'FAILED', 'ERROR', 'failed'],
    ['SIGNATURE_REQUEST', 'LAUNCHED', 'ERROR', 'failed'],
    ['SIGNATURE_REQUEST', 'READY', 'SUCCESS', undefined],
    ['SIGNER', 'CREATED', 'SUCCESS', undefined],
    ['SIGNATURE_PROOF', 'ADV_GENERATED', 'SUCCESS', undefined],
  ] as const)('%s.%s (%s) is %s', async (topic, action, msgNature, stage) => {
    const { api, send, queue, receiver } = await setup();
    const records: unknown[] = [];
    receiver.onAny((event) => void records.push(event.lifecycle));
    const content = { signatureRequestId: 'sr-9', signerId: 'sg-1', documentId: 'doc-1', signatureId: 'sig-1', signatureProfileId: 'p-1' };
    const d = delivery(topic, action, content, { msgNature });
    api.addToken(d.token);
    expect((await send(d)).status).toBe(200);
    await queue.idle();
    expect(await receiver.deadLetters()).toEqual([]);
    expect(records).toEqual([stage === undefined ? undefined : { stage, documentId: 'sr-9', signer: undefined, occurredAt: undefined }]);
  });
});

describe('ignisign: several apps, each with its API key looked up', () => {
  const OTHER_APP = 'appId_other-customer';

  async function multiSetup(lookup: (appId: string) => string | undefined | Promise<string | undefined>) {
    const api = await fakeIgnisignApi();
    const calls: string[] = [];
    const queue = memoryQueue();
    const receiver = createReceiver({
      logger: silentLogger,
      queue,
      endpoints: {
        ignisign: ignisign({
          appId: [APP_ID, OTHER_APP],
          appEnv: APP_ENV,
          verifyToken: ignisignApi({
            baseUrl: api.url,
            apiKey: (appId) => {
              calls.push(appId);
              return lookup(appId);
            },
          }),
        }),
      },
    });
    const accounts: unknown[] = [];
    receiver.onAny((event) => void accounts.push(event.delivery.account));
    cleanups.push(() => receiver.close(), () => api.close());
    const send = (d: { body: string }) => receiver.handle({ method: 'POST', endpoint: 'ignisign', headers: { 'content-type': 'application/json' }, body: d.body });
    return { api, calls, accounts, send, queue };
  }

  const forApp = (appId: string, signerId: string) =>
    ignisignDelivery({ appId, appEnv: APP_ENV, topic: 'SIGNER', action: 'CREATED', content: { signerId } });

  it('checks each app\'s token with its own key, asks the lookup once per app (cached), and names the app', async () => {
    const { api, calls, accounts, send, queue } = await multiSetup((appId) => (appId === OTHER_APP ? api.apiKey : 'key-of-the-first-app'));
    for (const d of [forApp(OTHER_APP, 's1'), forApp(OTHER_APP, 's2')]) {
      api.addToken(d.token);
      expect((await send(d)).status).toBe(200);
    }
    // The fake API knows one key only: the first app's key is refused there, which is a 503 (our key, not the delivery).
    const first = forApp(APP_ID, 's3');
    api.addToken(first.token);
    expect((await send(first)).status).toBe(503);
    await queue.idle();
    expect(accounts).toEqual([OTHER_APP, OTHER_APP]);
    expect(calls).toEqual([OTHER_APP, APP_ID]);
    expect(api.calls.map((call) => [call.appId, call.authorization])).toEqual([
      [OTHER_APP, `Bearer ${api.apiKey}`],
      [OTHER_APP, `Bearer ${api.apiKey}`],
      [APP_ID, 'Bearer key-of-the-first-app'],
    ]);
  });

  it('refuses an app whose key the lookup does not know with 401, and an app not configured without asking', async () => {
    const { api, calls, send } = await multiSetup(() => undefined);
    const d = forApp(OTHER_APP, 's1');
    api.addToken(d.token);
    const res = await send(d);
    expect([res.status, errorOf(res).code]).toEqual([401, 'AUTH_INVALID']);
    const stranger = forApp('appId_stranger', 's2');
    expect((await send(stranger)).status).toBe(401);
    expect(calls).toEqual([OTHER_APP]);
    expect(api.calls).toHaveLength(0);
  });

  it('answers 503 when the lookup fails (the token is not burnt), and accepts the retry', async () => {
    let down = true;
    const { api, calls, send } = await multiSetup(() => {
      if (down) throw new Error('vault sealed');
      return api.apiKey;
    });
    const d = forApp(OTHER_APP, 's1');
    api.addToken(d.token);
    const first = await send(d);
    expect([first.status, errorOf(first).code]).toEqual([503, 'VERIFICATION_UNAVAILABLE']);
    expect(first.body).not.toContain('vault sealed');
    expect(api.calls).toHaveLength(0);
    down = false;
    expect((await send(d)).status).toBe(200);
    expect(calls).toEqual([OTHER_APP, OTHER_APP]);
  });

  it('refuses a configuration without an app id or with an empty one', () => {
    const verifyToken = () => true;
    expect(() => ignisign({ appId: [], appEnv: APP_ENV, verifyToken })).toThrow(/appId/);
    expect(() => ignisign({ appId: [APP_ID, ''], appEnv: APP_ENV, verifyToken })).toThrow(/appId/);
  });
});

describe('memoryTokenMemo', () => {
  it('keeps at most maxEntries, dropping the oldest, and forgets entries past their TTL', async () => {
    let now = 0;
    const memo = memoryTokenMemo({ maxEntries: 2, now: () => now });
    await memo.set('a', '1', TOKEN_MEMO_TTL_MS);
    await memo.set('b', '2', TOKEN_MEMO_TTL_MS);
    await memo.set('c', '3', TOKEN_MEMO_TTL_MS);
    expect(memo.size).toBe(2);
    expect([await memo.get('a'), await memo.get('b'), await memo.get('c')]).toEqual([undefined, '2', '3']);
    await memo.set('b', '2 again', 10);
    now = 10;
    expect(await memo.get('b')).toBeUndefined();
    expect(await memo.get('c')).toBe('3');
    now = TOKEN_MEMO_TTL_MS;
    expect(await memo.get('c')).toBeUndefined();
    expect(memo.size).toBe(0);
  });

  it('keeps the store bounded under a stream of accepted tokens', async () => {
    const memo = memoryTokenMemo({ maxEntries: 3 });
    const { api, send } = await setup({ tokenMemo: memo });
    for (let i = 0; i < 10; i++) {
      const d = delivery('SIGNER', 'CREATED', { signerId: `s${i}` });
      api.addToken(d.token);
      expect((await send(d)).status).toBe(200);
    }
    expect(memo.size).toBe(3);
  });

  it('refuses a maxEntries that is not a positive integer', () => {
    expect(() => memoryTokenMemo({ maxEntries: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('ignisign: configuration', () => {
  const verifyToken: IgnisignTokenVerifier = () => true;

  it('refuses a missing appId, an unknown appEnv or a missing verifier at construction', () => {
    expect(() => ignisign({ appId: '', appEnv: APP_ENV, verifyToken })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('appId') }));
    expect(() => ignisign({ appId: APP_ID, appEnv: 'PROD' as IgnisignAppEnv, verifyToken })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('DEVELOPMENT, STAGING, PRODUCTION') }),
    );
    expect(() => ignisign({ appId: APP_ID, appEnv: APP_ENV } as Parameters<typeof ignisign>[0])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('verifyToken') }),
    );
  });

  it('refuses a token memo that is not a store', () => {
    expect(() => ignisign({ appId: APP_ID, appEnv: APP_ENV, verifyToken, tokenMemo: {} as TokenMemoStore })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('tokenMemo') }),
    );
  });

  it('refuses an ignisignApi without an API key (empty or unset), with a bad base URL or a bad maxConcurrent', () => {
    expect(() => ignisignApi({ apiKey: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => ignisignApi({ apiKey: process.env.COUNTERSIGN_TEST_UNSET_IGNISIGN_KEY } as Parameters<typeof ignisignApi>[0])).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('apiKey') }),
    );
    for (const maxConcurrent of [0, 1.5, Number.NaN]) {
      expect(() => ignisignApi({ apiKey: 'k', maxConcurrent })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
    expect(() => ignisignApi({ apiKey: 'k', baseUrl: 'not a url' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => ignisignJwt({})).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('ignisign: JWT tokens (ignisignJwt)', () => {
  const issuer = 'https://signing.example';
  const audience = 'countersign-tests';

  async function keys() {
    const { publicKey, privateKey } = await generateKeyPair('ES256');
    const sign = (claims: Record<string, unknown> = {}, expiresIn: string | number = '5m', key: CryptoKey = privateKey) =>
      new SignJWT({ appId: APP_ID, appEnv: APP_ENV, ...claims })
        .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
        .setIssuer(issuer)
        .setAudience(audience)
        .setIssuedAt()
        .setExpirationTime(expiresIn)
        .sign(key);
    return { publicKey, privateKey, sign };
  }

  it('accepts a valid token and refuses a forged, expired or foreign one', async () => {
    const { publicKey, sign } = await keys();
    const other = await generateKeyPair('ES256');
    const { send, queue, seen } = await setup({ verifyToken: () => ignisignJwt({ key: publicKey, issuer, audience, algorithms: ['ES256'] }) });
    const content = { signerId: 's1' };

    expect((await send(delivery('SIGNER', 'CREATED', content, { token: await sign() }))).status).toBe(200);
    const refused = [
      await sign({}, '5m', other.privateKey),
      await sign({}, Math.floor(Date.now() / 1000) - 60),
      await sign({ appEnv: 'PRODUCTION' }),
      'not-a-jwt',
    ];
    for (const token of refused) {
      const res = await send(delivery('SIGNER', 'CREATED', { signerId: token.slice(-8) }, { token }));
      expect(res.status).toBe(401);
      expect(errorOf(res).code).toBe('AUTH_INVALID');
    }
    const expired = await send(delivery('SIGNER', 'CREATED', content, { token: refused[1] }));
    expect(errorOf(expired).message).toContain('"exp"');
    await queue.idle();
    expect(seen).toHaveLength(1);
  });

  it('fetches the keys from a JWKS URL, and answers 503 when it cannot', async () => {
    const { publicKey, sign } = await keys();
    const jwks = { keys: [{ ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' }] };
    let up = true;
    const server = createServer((_req, res) => {
      if (up) res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(jwks));
      else res.writeHead(502).end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    cleanups.push(() => new Promise((resolve) => server.close(resolve)));
    const jwksUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`;

    const ok = await setup({ verifyToken: () => ignisignJwt({ jwksUrl, issuer, audience }) });
    expect((await ok.send(delivery('SIGNER', 'CREATED', { signerId: 's1' }, { token: await sign() }))).status).toBe(200);

    up = false;
    const down = await setup({ verifyToken: () => ignisignJwt({ jwksUrl, issuer, audience }) });
    const res = await down.send(delivery('SIGNER', 'CREATED', { signerId: 's1' }, { token: await sign() }));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('VERIFICATION_UNAVAILABLE');
  });
});
