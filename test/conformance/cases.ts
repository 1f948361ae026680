/**
 * The conformance table: HTTP cases every adapter must pass identically, over real sockets.
 * Each case gets a running adapter (base URL) and the receiver harness behind it; ids are unique per case.
 */
import { expect } from 'vitest';
import type { FixtureCase } from './fixtures.js';
import { abandon, delivery, send, uniqueId, type Harness, type HttpRequest, type HttpResponse } from './support.js';

export interface CaseContext {
  send(request: HttpRequest): Promise<HttpResponse>;
  /** Send half of the announced body, then drop the connection. */
  abandon(request: HttpRequest & { body: string }): Promise<void>;
  harness: Harness;
}

export interface ConformanceCase {
  name: string;
  run(ctx: CaseContext): Promise<void>;
}

export function caseContext(url: string, harness: Harness): CaseContext {
  return { send: (request) => send(url, request), abandon: (request) => abandon(url, request), harness };
}

const MB = 1024 * 1024;

function expectError(res: HttpResponse, status: number, code: string): void {
  expect({ status: res.status, code: res.error?.code }).toEqual({ status, code });
  expect(res.error?.message).toEqual(expect.any(String));
}

/** POST one event and expect it accepted (with the echo), enqueued once and dispatched under its name and id. */
async function expectAccepted(ctx: CaseContext, request: HttpRequest, endpoint: string, id: string, name: string): Promise<void> {
  const res = await ctx.send(request);
  expect(res.status, res.body).toBe(200);
  expect(res.json()).toEqual({ outcome: 'accepted' });
  expect(res.headers['x-test-client']).toBe('client-1');
  expect(ctx.harness.enqueuedCount(endpoint, id)).toBe(1);
  const [event] = await ctx.harness.dispatched.waitFor(endpoint, id);
  expect(event).toMatchObject({ endpoint, id, name });
}

/** A case with one request answered by a coded error, without the echo. */
function refused(name: string, request: () => HttpRequest, status: number, code: string, extra?: (res: HttpResponse) => void): ConformanceCase {
  return {
    name,
    async run(ctx) {
      const req = request();
      const res = await ctx.send(req);
      expectError(res, status, code);
      expect(res.headers['x-test-client']).toBeUndefined();
      extra?.(res);
    },
  };
}

export const pipelineCases: ConformanceCase[] = [
  {
    name: 'GET handshake echoes the client id (header and body)',
    async run(ctx) {
      const res = await ctx.send({ method: 'GET', path: '/test', headers: { 'x-test-client': 'client-1' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-test-client']).toBe('client-1');
      expect(res.json()).toEqual({ client: 'client-1' });
    },
  },
  {
    name: 'HEAD handshake answers the same headers without a body',
    async run(ctx) {
      const res = await ctx.send({ method: 'HEAD', path: '/test', headers: { 'x-test-client': 'client-1' } });
      expect(res.status).toBe(200);
      expect(res.headers['x-test-client']).toBe('client-1');
      expect(res.body).toBe('');
    },
  },
  refused('GET handshake without a client id: 401, no echo', () => ({ method: 'GET', path: '/test' }), 401, 'AUTH_MISSING'),
  refused('GET handshake with an unknown client id: 403, no echo', () => ({ method: 'GET', path: '/test', headers: { 'x-test-client': 'intruder' } }), 403, 'AUTH_FORBIDDEN'),
  {
    name: 'POST is acknowledged with the echo and dispatched once with its name and id',
    async run(ctx) {
      const id = uniqueId('post');
      await expectAccepted(ctx, delivery({ event: 'PING', id }), 'test', id, 'PING');
      expect(ctx.harness.enqueuedCount('test', id)).toBe(1);
    },
  },
  refused('POST without a client id: 401, no echo', () => {
    const req = delivery({ event: 'PING', id: uniqueId('no-client') });
    delete req.headers?.['x-test-client'];
    return req;
  }, 401, 'AUTH_MISSING'),
  refused('POST with an unknown client id: 403, no echo', () => delivery({ event: 'PING', id: uniqueId('bad-client') }, 'test', { 'x-test-client': 'intruder' }), 403, 'AUTH_FORBIDDEN'),
  refused('POST whose bytes differ from what was signed: 401', () => ({ ...delivery({ event: 'PING', id: 'x' }), body: '{"event":"PING","id":"y"}' }), 401, 'AUTH_INVALID'),
  {
    name: 'the exact bytes reach the core whatever the content type (none, JSON, text, form, binary; UTF-8 and CRLF kept)',
    async run(ctx) {
      for (const type of [undefined, 'application/json', 'text/plain; charset=utf-8', 'application/x-www-form-urlencoded', 'application/octet-stream']) {
        const id = uniqueId(`bytes-${type ?? 'none'}`);
        const request = delivery(`{ "event" : "PING",\r\n  "id": "${id}", "note": "déjà vu ✓ \\u00e9" }\r\n`);
        if (type === undefined) delete request.headers?.['content-type'];
        else (request.headers as Record<string, string>)['content-type'] = type;
        await expectAccepted(ctx, request, 'test', id, 'PING');
      }
    },
  },
  {
    name: 'a query string does not change the endpoint',
    async run(ctx) {
      const id = uniqueId('query');
      await expectAccepted(ctx, { ...delivery({ event: 'PING', id }), path: '/test?source=adobe&x=1' }, 'test', id, 'PING');
    },
  },
  refused('PUT: 405 with Allow', () => ({ ...delivery({ event: 'PING', id: uniqueId('put') }), method: 'PUT' }), 405, 'METHOD_NOT_ALLOWED', (res) =>
    expect(res.headers.allow).toBe('GET, POST'),
  ),
  refused('unknown endpoint: coded 404', () => delivery({ event: 'PING', id: uniqueId('nope') }, 'nope'), 404, 'ENDPOINT_NOT_FOUND'),
  {
    name: 'one endpoint answers on one path: extra segments, doubled slashes and encoded names are 404s, nothing dispatched',
    async run(ctx) {
      const before = ctx.harness.dispatched.count('test');
      for (const path of ['/x/y/test', '//test', '/te%73t', '/test%2F', '/x/test']) {
        const res = await ctx.send({ ...delivery({ event: 'PING', id: uniqueId('alias') }), path });
        expect(res.status, path).toBe(404);
      }
      expect(ctx.harness.dispatched.count('test')).toBe(before);
    },
  },
  refused('malformed JSON: 400 that says so', () => delivery('{"event": "PING", "id": '), 400, 'BODY_MALFORMED_JSON'),
  refused('a JSON array: 400', () => delivery('[{"event":"PING","id":"1"}]'), 400, 'BODY_NOT_OBJECT'),
  refused('an empty body: 400', () => delivery(''), 400, 'BODY_EMPTY'),
  refused('an event without its id: 400', () => delivery({ event: 'PING' }), 400, 'PAYLOAD_INVALID'),
  {
    name: 'an unknown (future) event passes and is dispatched as unknown',
    async run(ctx) {
      const id = uniqueId('future');
      await expectAccepted(ctx, delivery({ event: 'AGREEMENT_TELEPORTED', id, addedIn2031: { x: 1 } }), 'test', id, 'AGREEMENT_TELEPORTED');
      expect(ctx.harness.dispatched.of('test', id)[0]?.known).toBe(false);
    },
  },
  {
    name: 'a duplicate is acknowledged (with the echo) and not dispatched again',
    async run(ctx) {
      const id = uniqueId('dup');
      await expectAccepted(ctx, delivery({ event: 'PING', id }), 'test', id, 'PING');
      const again = await ctx.send(delivery({ event: 'PING', id }));
      expect(again.status).toBe(200);
      expect(again.json()).toEqual({ outcome: 'duplicate' });
      expect(again.headers['x-test-client']).toBe('client-1');
      expect(ctx.harness.enqueuedCount('test', id)).toBe(1);
      expect(ctx.harness.dispatched.of('test', id)).toHaveLength(1);
    },
  },
  {
    name: '8 concurrent copies: exactly one enqueue and one dispatch; the others are acknowledged or told to retry',
    async run(ctx) {
      const id = uniqueId('burst');
      const answers = await Promise.all(Array.from({ length: 8 }, () => ctx.send(delivery({ event: 'PING', id }))));
      const outcomes = answers.map((res) => (res.status === 200 ? (res.json() as { outcome: string }).outcome : res.error?.code));
      expect(outcomes.filter((o) => o === 'accepted')).toHaveLength(1);
      for (const o of outcomes) expect(['accepted', 'duplicate', 'DUPLICATE_IN_FLIGHT']).toContain(o);
      for (const res of answers.filter((r) => r.status === 503)) expect(res.headers['retry-after']).toBeDefined();
      expect(ctx.harness.enqueuedCount('test', id)).toBe(1);
      await ctx.harness.dispatched.waitFor('test', id);
      expect(ctx.harness.dispatched.of('test', id)).toHaveLength(1);
    },
  },
  {
    name: 'time budget: a queue whose enqueue hangs gets 503 + Retry-After and nothing is dispatched',
    async run(ctx) {
      const id = uniqueId('hang');
      const res = await ctx.send(delivery({ event: 'PING', id }, 'test-fast'));
      expectError(res, 503, 'TIMEOUT');
      expect(res.headers['retry-after']).toBeDefined();
      expect(ctx.harness.enqueuedCount('test-fast', id)).toBe(1);
      expect(ctx.harness.dispatched.of('test-fast', id)).toHaveLength(0);
    },
  },
  {
    name: 'a dedupe store that throws: 503, nothing enqueued',
    async run(ctx) {
      const id = uniqueId('dedupe-fails');
      expectError(await ctx.send(delivery({ event: 'PING', id })), 503, 'DEDUPE_UNAVAILABLE');
      expect(ctx.harness.enqueuedCount('test', id)).toBe(0);
    },
  },
  {
    name: 'a queue that throws: 503, nothing dispatched',
    async run(ctx) {
      const id = uniqueId('queue-fails');
      expectError(await ctx.send(delivery({ event: 'PING', id })), 503, 'QUEUE_UNAVAILABLE');
      expect(ctx.harness.dispatched.of('test', id)).toHaveLength(0);
    },
  },
  {
    name: 'a 10 s handler does not delay the answer',
    async run(ctx) {
      const id = uniqueId('slow');
      const res = await ctx.send(delivery({ event: 'SLOW', id }));
      expect(res.status).toBe(200);
      expect(ctx.harness.slow.finished.has(id)).toBe(false);
      await ctx.harness.dispatched.waitFor('test', id);
      expect(ctx.harness.slow.started.has(id)).toBe(true);
      expect(ctx.harness.slow.finished.has(id)).toBe(false);
    },
  },
];

function bigDelivery(id: string, bytes: number): HttpRequest {
  const head = `{"event":"PING","id":"${id}","pad":"`;
  const tail = '"}';
  return delivery(head + 'x'.repeat(bytes - head.length - tail.length) + tail);
}

export const limitCases: ConformanceCase[] = [
  {
    name: 'a client that drops the connection mid-body: nothing is enqueued and the server keeps serving',
    async run(ctx) {
      const id = uniqueId('abandoned');
      const abandoned = bigDelivery(id, 256 * 1024);
      await ctx.abandon({ ...abandoned, body: abandoned.body as string });
      const after = uniqueId('after-abandon');
      await expectAccepted(ctx, delivery({ event: 'PING', id: after }), 'test', after, 'PING');
      expect(ctx.harness.enqueuedCount('test', id)).toBe(0);
    },
  },
  {
    name: '9 MB is accepted and dispatched',
    async run(ctx) {
      const id = uniqueId('nine');
      await expectAccepted(ctx, bigDelivery(id, 9 * MB), 'test', id, 'PING');
    },
  },
  ...[false, true].map(
    (chunked): ConformanceCase => ({
      name: `11 MB is refused with 413 (${chunked ? 'chunked, no Content-Length' : 'with Content-Length'}) and nothing is enqueued`,
      async run(ctx) {
        const id = uniqueId('eleven');
        const res = await ctx.send({ ...bigDelivery(id, 11 * MB), chunked });
        expectError(res, 413, 'BODY_TOO_LARGE');
        expect(ctx.harness.enqueuedCount('test', id)).toBe(0);
        // The server is still healthy afterwards.
        const after = uniqueId('after-413');
        await expectAccepted(ctx, delivery({ event: 'PING', id: after }), 'test', after, 'PING');
      },
    }),
  ),
];

/** One provider fixture (and its byte-identical copies): accepted with the platform's success answer, dispatched once. */
export function fixtureCase(f: FixtureCase): ConformanceCase {
  const copies = f.files.length > 1 ? ` (and its identical copy ${f.files.slice(1).join(', ')}, acknowledged as a duplicate)` : '';
  const path = f.request.query === undefined ? `/${f.endpoint}` : `/${f.endpoint}?${f.request.query}`;
  if (f.answeredOnly) {
    return {
      name: `${f.files[0]}: answered ${f.status} as ${f.name}, nothing queued`,
      async run(ctx) {
        const res = await ctx.send({ method: f.request.method, path, headers: f.request.headers, body: f.request.body });
        expect(res.status, res.body).toBe(f.status);
        expect(ctx.harness.enqueuedCount(f.endpoint, f.id as string)).toBe(0);
      },
    };
  }
  return {
    name: `${f.files[0]}${copies}: accepted and dispatched once as ${f.name}`,
    async run(ctx) {
      const before = ctx.harness.dispatched.count(f.endpoint);
      const request: HttpRequest = { method: f.request.method, path, headers: f.request.headers, body: f.request.body };
      const res = await ctx.send(request);
      expect(res.status, res.body).toBe(f.status);
      if (f.body !== undefined) expect(res.body).toBe(f.body);
      if (f.provider === 'adobe-sign') expectAdobeEcho(res, f.request.headers['x-adobesign-clientid'] as string);
      const event = await ctx.harness.dispatched.nth(f.endpoint, before);
      expect(event.name).toBe(f.name);
      // Without OAuth, Adobe Sign's key is the notification id bound to the body (`<id>#<32 hex>`).
      if (typeof f.id === 'string' && f.provider === 'adobe-sign') expect(event.id.startsWith(`${f.id}#`) && /#[0-9a-f]{32}$/.test(event.id), event.id).toBe(true);
      else if (typeof f.id === 'string') expect(event.id).toBe(f.id);
      else if (f.id) for (const part of f.id) expect(event.id).toContain(part);
      else expect(event.id).not.toBe('');
      for (const _copy of f.files.slice(1)) {
        const again = await ctx.send(request);
        expect(again.status).toBe(f.status);
        if (f.body !== undefined) expect(again.body).toBe(f.body);
        expect(ctx.harness.enqueuedCount(f.endpoint, event.id)).toBe(1);
      }
    },
  };
}

function expectAdobeEcho(res: HttpResponse, clientId: string): void {
  expect(res.headers['x-adobesign-clientid']).toBe(clientId);
  expect(res.json()).toEqual({ xAdobeSignClientId: clientId });
}

/** Adobe Acrobat Sign's own protocol on a fixture endpoint: the intent GET, the echo, the client-id allow-list. */
export function adobeCases(sample: FixtureCase): ConformanceCase[] {
  const clientId = sample.request.headers['x-adobesign-clientid'] as string;
  const path = `/${sample.endpoint}`;
  const notification = (changes: Record<string, unknown>, headers: Record<string, string> = { 'x-adobesign-clientid': clientId }): HttpRequest => {
    const body: Record<string, unknown> = { ...(JSON.parse(sample.request.body) as Record<string, unknown>), ...changes };
    for (const [field, value] of Object.entries(changes)) if (value === undefined) delete body[field];
    return { method: 'POST', path, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
  };
  return [
    {
      name: 'adobe-sign: the intent GET is answered 200 with the client id echoed (header and body)',
      async run(ctx) {
        const res = await ctx.send({ method: 'GET', path, headers: { 'x-adobesign-clientid': clientId } });
        expect(res.status).toBe(200);
        expectAdobeEcho(res, clientId);
      },
    },
    {
      name: 'adobe-sign: an unknown or missing client id is refused (4xx, no echo), on GET and POST',
      async run(ctx) {
        for (const headers of [{ 'x-adobesign-clientid': 'UNKNOWN_CLIENT' }, {}] as Array<Record<string, string>>) {
          for (const request of [{ method: 'GET', path, headers }, notification({ webhookNotificationId: uniqueId('adobe-refused') }, headers)]) {
            const res = await ctx.send(request);
            expect(res.status, `${request.method} ${JSON.stringify(headers)}`).toBeGreaterThanOrEqual(400);
            expect(res.status).toBeLessThan(500);
            expect(res.headers['x-adobesign-clientid']).toBeUndefined();
          }
        }
      },
    },
    {
      name: 'adobe-sign: a notification without webhookNotificationId gets a 400 that names the field',
      async run(ctx) {
        const res = await ctx.send(notification({ webhookNotificationId: undefined }));
        expectError(res, 400, 'PAYLOAD_INVALID');
        expect(res.error?.message).toContain('webhookNotificationId');
      },
    },
    {
      name: 'adobe-sign: a notification whose resource does not match the schema is acknowledged (echo), then dead-lettered, not refused',
      async run(ctx) {
        const id = uniqueId('adobe-mismatch');
        // Acrobat Sign retries a refused notification for 72 h and then disables the webhook: a field it changed
        // must not be answered 4xx. The envelope is fine; the full schema runs before the handlers.
        const res = await ctx.send(notification({ webhookNotificationId: id, agreement: { id: 'a-1', status: { changed: true } } }));
        expect(res.status).toBe(200);
        expectAdobeEcho(res, clientId);
        const [failure] = await ctx.harness.failed.waitFor(sample.endpoint, id);
        expect(failure?.error).toEqual({ code: 'PAYLOAD_INVALID', willRetry: false });
        expect(ctx.harness.dispatched.of(sample.endpoint, id)).toEqual([]);
      },
    },
    {
      name: 'adobe-sign: an unknown future event passes, echoed and dispatched under its own name',
      async run(ctx) {
        const id = uniqueId('adobe-future');
        const res = await ctx.send(notification({ webhookNotificationId: id, event: 'AGREEMENT_TELEPORTED', fieldFrom2031: { x: 1 } }));
        expect(res.status).toBe(200);
        expectAdobeEcho(res, clientId);
        const [event] = await ctx.harness.dispatched.waitFor(sample.endpoint, id);
        expect(event).toMatchObject({ name: 'AGREEMENT_TELEPORTED', known: false });
      },
    },
  ];
}
