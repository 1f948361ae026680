import { describe, expect, it, vi } from 'vitest';
import { PassThrough, Readable } from 'node:stream';
import {
  createReceiver,
  defineProvider,
  memoryDedupe,
  memoryQueue,
  type DedupeStore,
  type EventQueue,
  type QueuedEvent,
  silentLogger,
} from '@countersign/core';
import { delivery, headers, toy } from './toy-provider.js';
import { errorOf } from './provider-harness.js';

function setup(options: Partial<Parameters<typeof createReceiver>[0]> = {}, provider = toy()) {
  const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
  const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: provider }, queue, ...options });
  const seen: string[] = [];
  receiver.onAny((event) => {
    seen.push(`${event.name}:${event.key}`);
  });
  return { receiver, queue, seen };
}

function deferred<T = void>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

async function* chunks(size: number, count: number, pulled: { n: number }) {
  for (let i = 0; i < count; i++) {
    pulled.n++;
    yield new Uint8Array(size).fill(32);
  }
}

describe('routing', () => {
  it('routes by the endpoint name, with or without a leading slash and a query', async () => {
    const { receiver, queue, seen } = setup();
    for (const endpoint of ['toy', '/toy', '/toy?x=1']) {
      const res = await receiver.handle({ ...delivery(`r-${endpoint}`), endpoint });
      expect(res.status).toBe(200);
    }
    await queue.idle();
    expect(seen).toHaveLength(3);
  });

  it('refuses a batch of more than 1000 events in one delivery with 400, claiming none of them', async () => {
    const claimed: string[] = [];
    const dedupe = memoryDedupe();
    const batch = defineProvider({
      kind: 'batch',
      authenticate() {},
      parse: (ctx) => (ctx.jsonValue() as Array<{ id: string }>).map((item) => ({ name: 'PING', known: false, key: item.id, payload: item })),
      acknowledge: () => ({ status: 200, headers: {}, body: '' }),
    });
    const receiver = createReceiver({ endpoints: { batch }, dedupe: { ...dedupe, claim: (key, lease) => (claimed.push(key), dedupe.claim(key, lease)) } });
    const send = (n: number) =>
      receiver.handle({ method: 'POST', endpoint: 'batch', headers: {}, body: JSON.stringify(Array.from({ length: n }, (_, i) => ({ id: `e${i}` }))) });
    const refused = await send(1001);
    expect([refused.status, errorOf(refused).code]).toEqual([400, 'PAYLOAD_INVALID']);
    expect(claimed).toEqual([]);
    expect((await send(1000)).status).toBe(200);
    expect(claimed).toHaveLength(1000);
  });

  it('answers one endpoint on one path only: no extra segments, no URL-decoding, no case folding', async () => {
    const { receiver, queue, seen } = setup();
    for (const endpoint of ['/webhooks/toy', '//toy', '/x/y/z/toy', 'to%79', '/%74oy', '/Toy', '/toy/', 'toy%2F']) {
      const res = await receiver.handle({ ...delivery(`r-${endpoint}`), endpoint });
      expect(res.status, endpoint).toBe(404);
      expect(errorOf(res).code).toBe('ENDPOINT_NOT_FOUND');
    }
    await queue.idle();
    expect(seen).toHaveLength(0);
  });

  it('answers 404 with a coded error for an unknown endpoint', async () => {
    const { receiver } = setup();
    const res = await receiver.handle({ ...delivery('x'), endpoint: 'nope' });
    expect(res.status).toBe(404);
    expect(errorOf(res)).toMatchObject({ code: 'ENDPOINT_NOT_FOUND' });
    expect(errorOf(res).message).toContain('"nope"');
  });

  it('answers 405 with Allow for other methods, and GET where there is no handshake', async () => {
    const { receiver } = setup();
    for (const method of ['PUT', 'DELETE', 'GET']) {
      const res = await receiver.handle({ ...delivery('x'), method });
      expect(res.status).toBe(405);
      expect(res.headers.allow).toBe('POST');
      expect(errorOf(res).code).toBe('METHOD_NOT_ALLOWED');
    }
  });

  it('rejects endpoint names that cannot be a path segment, and handler names of unknown endpoints', () => {
    expect(() => createReceiver({ logger: silentLogger, endpoints: { 'a/b': toy() } })).toThrow(/path segment/);
    expect(() => createReceiver({ logger: silentLogger, endpoints: {} })).toThrow(/at least one endpoint/);
    const { receiver } = setup();
    // @ts-expect-error unknown endpoint in a handler name
    expect(() => receiver.on('nope:PING', () => undefined)).toThrow(/configured endpoint/);
  });
});

describe('size limit', () => {
  it('refuses a declared Content-Length over the limit before reading anything', async () => {
    const { receiver, queue, seen } = setup({ maxBodyBytes: 1000 });
    const pulled = { n: 0 };
    const res = await receiver.handle({ ...delivery('big'), headers: { ...headers, 'content-length': '5000' }, body: chunks(1000, 5, pulled) });
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('BODY_TOO_LARGE');
    expect(pulled.n).toBe(0);
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('stops reading a stream as soon as it passes the limit', async () => {
    const { receiver } = setup({ maxBodyBytes: 1000 });
    const pulled = { n: 0 };
    const res = await receiver.handle({ ...delivery('big'), body: chunks(400, 100, pulled) });
    expect(res.status).toBe(413);
    expect(pulled.n).toBe(3);
  });

  it('takes a body of exactly the limit, and honours a per-endpoint limit', async () => {
    const body = JSON.stringify({ event: 'PING', id: 'exact' });
    const exact = setup({}, toy({ maxBodyBytes: body.length }));
    expect((await exact.receiver.handle({ ...delivery('exact'), body })).status).toBe(200);
    const smaller = setup({}, toy({ maxBodyBytes: body.length - 1 }));
    expect((await smaller.receiver.handle({ ...delivery('exact'), body })).status).toBe(413);
  });

  it('reads Web ReadableStreams too', async () => {
    const { receiver, queue, seen } = setup();
    const bytes = new TextEncoder().encode(JSON.stringify({ event: 'PING', id: 'stream' }));
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(bytes.subarray(0, 5));
        controller.enqueue(bytes.subarray(5));
        controller.close();
      },
    });
    expect((await receiver.handle({ ...delivery('stream'), body })).status).toBe(200);
    await queue.idle();
    expect(seen).toEqual(['PING:stream']);
  });

  it('reads a Node stream with data/end listeners and leaves none behind', async () => {
    const { receiver, queue, seen } = setup();
    const stream = new PassThrough();
    const answer = receiver.handle({ ...delivery('node-stream'), body: stream });
    stream.write('{"event":"PING",');
    stream.end('"id":"node-stream"}');
    expect((await answer).status).toBe(200);
    for (const event of ['data', 'end', 'error', 'close']) expect(stream.listenerCount(event)).toBe(0);
    await queue.idle();
    expect(seen).toEqual(['PING:node-stream']);
  });

  it('stops listening to a Node stream at the limit, so the adapter can drain the rest', async () => {
    const { receiver } = setup({ maxBodyBytes: 1000 });
    const stream = new PassThrough();
    const answer = receiver.handle({ ...delivery('big'), body: stream });
    stream.write(new Uint8Array(600));
    stream.write(new Uint8Array(600));
    const res = await answer;
    expect(res.status).toBe(413);
    expect(errorOf(res).code).toBe('BODY_TOO_LARGE');
    expect(stream.listenerCount('data')).toBe(0);
    stream.resume();
    stream.end(new Uint8Array(600));
  });

  it('answers 400 when a Node stream fails, closes early or was already read', async () => {
    const { receiver } = setup();
    const failing = new PassThrough();
    const failed = receiver.handle({ ...delivery('x'), body: failing });
    failing.write('{"event":');
    failing.destroy(new Error('aborted'));
    expect(errorOf(await failed).code).toBe('BODY_READ_FAILED');

    const closing = new PassThrough();
    const closed = receiver.handle({ ...delivery('x'), body: closing });
    closing.write('{"event":');
    closing.destroy();
    expect(errorOf(await closed).code).toBe('BODY_READ_FAILED');

    const read = Readable.from(['{}']);
    for await (const chunk of read) void chunk;
    const res = await receiver.handle({ ...delivery('x'), body: read });
    expect(res.status).toBe(400);
    expect(errorOf(res).message).toMatch(/already read/);
  });

  it('reads a Fetch Request whole when its declared length fits, and streams it otherwise', async () => {
    const { receiver, queue, seen } = setup({ maxBodyBytes: 1000 });
    const text = JSON.stringify({ event: 'PING', id: 'fetch' });
    const request = new Request('http://localhost/webhooks/toy', { method: 'POST', body: text });
    const declared = { ...headers, 'content-length': String(text.length) };
    expect((await receiver.handle({ ...delivery('fetch'), headers: declared, body: request })).status).toBe(200);
    // No declared length: streamed, and refused as soon as it passes the limit.
    const big = new Request('http://localhost/webhooks/toy', { method: 'POST', body: 'x'.repeat(5000) });
    const res = await receiver.handle({ ...delivery('big'), body: big });
    expect(res.status).toBe(413);
    await queue.idle();
    expect(seen).toEqual(['PING:fetch']);
  });

  it('answers 400 when the body stream fails', async () => {
    const { receiver } = setup();
    async function* broken() {
      yield new Uint8Array([123]);
      throw new Error('socket hang up');
    }
    const res = await receiver.handle({ ...delivery('x'), body: broken() });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('BODY_READ_FAILED');
  });
});

describe('authentication and validation', () => {
  it('refuses before claiming or enqueuing anything', async () => {
    const dedupe = memoryDedupe();
    const { receiver, queue, seen } = setup({ dedupe });
    const res = await receiver.handle({ ...delivery('forged'), headers: { 'x-token': 'nope' } });
    expect(res.status).toBe(401);
    expect(dedupe.size).toBe(0);
    // the forged copy did not mark the real event as seen
    expect((await receiver.handle(delivery('forged'))).status).toBe(200);
    await queue.idle();
    expect(seen).toEqual(['PING:forged']);
  });

  it.each([
    ['{"event": "PING", "id": ', 'BODY_MALFORMED_JSON', /not valid JSON/],
    ['[{"event":"PING","id":"1"}]', 'BODY_NOT_OBJECT', /an array/],
    ['"text"', 'BODY_NOT_OBJECT', /a string/],
    ['null', 'BODY_NOT_OBJECT', /null/],
    ['', 'BODY_EMPTY', /empty/],
    ['{"event":"PING"}', 'PAYLOAD_INVALID', /id and event/],
  ])('answers 400 for %j', async (body, code, message) => {
    const { receiver, queue, seen } = setup();
    const res = await receiver.handle({ ...delivery('x'), body });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe(code);
    expect(errorOf(res).message).toMatch(message);
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('answers 500 INTERNAL, not a crash, when a provider throws something unexpected', async () => {
    const provider = toy();
    const broken = { ...provider, parse: () => { throw new TypeError('boom'); } };
    const { receiver } = setup({}, broken);
    const res = await receiver.handle(delivery('x'));
    expect(res.status).toBe(500);
    expect(errorOf(res).code).toBe('INTERNAL');
    expect(res.body).not.toContain('boom');
  });
});

describe('deduplication', () => {
  it('acknowledges a duplicate without dispatching it again', async () => {
    const { receiver, queue, seen } = setup();
    const first = await receiver.handle(delivery('dup'));
    const second = await receiver.handle(delivery('dup'));
    expect(JSON.parse(first.body)).toEqual({ outcome: 'accepted' });
    expect(second.status).toBe(200);
    expect(JSON.parse(second.body)).toEqual({ outcome: 'duplicate' });
    await queue.idle();
    expect(seen).toEqual(['PING:dup']);
  });

  it('dispatches 8 concurrent copies exactly once; the others get a duplicate ack or a 503 to retry', async () => {
    const { receiver, queue, seen } = setup();
    const answers = await Promise.all(Array.from({ length: 8 }, () => receiver.handle(delivery('concurrent'))));
    for (const a of answers) expect([200, 503]).toContain(a.status);
    expect(answers.filter((a) => JSON.parse(a.body).outcome === 'accepted')).toHaveLength(1);
    await queue.idle();
    expect(seen).toEqual(['PING:concurrent']);
  });

  it('answers 503 + Retry-After to a copy that arrives while the first is still being enqueued', async () => {
    const gate = deferred();
    const queue: EventQueue = { ...memoryQueue(), enqueue: () => gate.promise };
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy() }, queue });
    const first = receiver.handle(delivery('slow'));
    await new Promise((r) => setTimeout(r, 10));
    const second = await receiver.handle(delivery('slow'));
    expect(second.status).toBe(503);
    expect(errorOf(second).code).toBe('DUPLICATE_IN_FLIGHT');
    expect(second.headers['retry-after']).toBeDefined();
    gate.resolve();
    expect((await first).status).toBe(200);
  });

  it('keys dedupe per endpoint: the same id on two endpoints is two events', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy(), other: toy() }, queue });
    const seen: string[] = [];
    receiver.onAny((e) => {
      seen.push(e.id); // `<endpoint>:<key>`
    });
    await receiver.handle(delivery('same'));
    await receiver.handle({ ...delivery('same'), endpoint: 'other' });
    await queue.idle();
    expect(seen.sort()).toEqual(['other:same', 'toy:same']);
  });
});

describe('failures of the store, the queue and the budget', () => {
  it('answers 503 and dispatches nothing when the dedupe store throws', async () => {
    const dedupe: DedupeStore = { ...memoryDedupe(), claim: () => Promise.reject(new Error('ECONNREFUSED')) };
    const { receiver, queue, seen } = setup({ dedupe });
    const res = await receiver.handle(delivery('x'));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('DEDUPE_UNAVAILABLE');
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('answers 503 when the queue throws, releases the claim, and accepts the retry', async () => {
    const inner = memoryQueue();
    let fail = true;
    const queue: EventQueue = { ...inner, enqueue: (e) => (fail ? Promise.reject(new Error('queue down')) : inner.enqueue(e)) };
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy() }, queue });
    const seen: string[] = [];
    receiver.onAny((e) => {
      seen.push(e.id);
    });
    const res = await receiver.handle(delivery('retry-me'));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('QUEUE_UNAVAILABLE');
    fail = false;
    const retry = await receiver.handle(delivery('retry-me'));
    expect(JSON.parse(retry.body)).toEqual({ outcome: 'accepted' });
    await inner.idle();
    expect(seen).toEqual(['toy:retry-me']);
  });

  it('answers the 503 only once the claim is released, so a retry sent at once (another instance) is accepted', async () => {
    // A store shared by two instances whose release takes a while to reach it (a network round trip).
    const shared = memoryDedupe();
    const slowRelease: DedupeStore = { ...shared, release: (key, token) => new Promise((r) => setTimeout(r, 30)).then(() => shared.release(key, token)) };
    const failing: EventQueue = { ...memoryQueue(), enqueue: () => Promise.reject(new Error('queue down')) };
    const a = createReceiver({ logger: silentLogger, endpoints: { toy: toy() }, dedupe: slowRelease, queue: failing });
    const b = setup({ dedupe: shared });
    expect((await a.handle(delivery('moved'))).status).toBe(503);
    const retry = await b.receiver.handle(delivery('moved'));
    expect(JSON.parse(retry.body)).toEqual({ outcome: 'accepted' });
    await b.queue.idle();
    expect(b.seen).toEqual(['PING:moved']);
  });

  it('answers 503 TIMEOUT when the queue hangs past the budget; a late success makes the retry a duplicate', async () => {
    const inner = memoryQueue();
    const gate = deferred();
    const queue: EventQueue = { ...inner, enqueue: async (e) => { await gate.promise; await inner.enqueue(e); } };
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy({ timeoutMs: 50 }) }, queue });
    const seen: string[] = [];
    receiver.onAny((e) => {
      seen.push(e.id);
    });
    const res = await receiver.handle(delivery('late'));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('TIMEOUT');
    gate.resolve();
    await vi.waitFor(async () => {
      const retry = await receiver.handle(delivery('late'));
      expect(JSON.parse(retry.body)).toEqual({ outcome: 'duplicate' });
    });
    await inner.idle();
    expect(seen).toEqual(['toy:late']);
  });

  it('a late failure after the budget releases the claim so the retry is accepted', async () => {
    const inner = memoryQueue();
    const gate = deferred();
    let calls = 0;
    const queue: EventQueue = {
      ...inner,
      enqueue: async (e) => {
        if (++calls === 1) {
          await gate.promise;
          throw new Error('lost connection');
        }
        await inner.enqueue(e);
      },
    };
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy({ timeoutMs: 50 }) }, queue });
    expect((await receiver.handle(delivery('late-fail'))).status).toBe(503);
    gate.resolve();
    await vi.waitFor(async () => {
      const retry = await receiver.handle(delivery('late-fail'));
      expect(JSON.parse(retry.body)).toEqual({ outcome: 'accepted' });
    });
  });

  it('does not claim or enqueue when the budget ran out during authentication', async () => {
    const gate = deferred();
    const dedupe = memoryDedupe();
    const { receiver, queue, seen } = setup({ dedupe }, toy({ timeoutMs: 30, slowAuth: gate.promise }));
    const res = await receiver.handle(delivery('slow-auth'));
    expect(res.status).toBe(503);
    gate.resolve();
    await new Promise((r) => setTimeout(r, 20));
    expect(dedupe.size).toBe(0);
    await queue.idle();
    expect(seen).toEqual([]);
  });

  it('acknowledges while a 10 s handler is still running', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy() }, queue });
    let finished = false;
    const started = deferred();
    receiver.on('toy:PING', async () => {
      started.resolve();
      await new Promise((r) => setTimeout(r, 10_000).unref());
      finished = true;
    });
    const res = await receiver.handle(delivery('slow-handler'));
    expect(res.status).toBe(200);
    await started.promise;
    expect(finished).toBe(false);
  });
});

describe('dispatch', () => {
  it('runs name, topic, endpoint-wildcard and onAny handlers in that order', async () => {
    const { receiver, queue } = setup();
    const order: string[] = [];
    receiver.onAny(() => void order.push('any'));
    receiver.on('toy:*', () => void order.push('wildcard'));
    receiver.on('toy:TABLE_TENNIS', () => void order.push('topic'));
    receiver.on('toy:PING', () => void order.push('name'));
    receiver.on('toy:PONG', () => void order.push('other-name'));
    await receiver.handle(delivery('order'));
    await queue.idle();
    expect(order).toEqual(['name', 'topic', 'wildcard', 'any']);
  });

  it('passes unknown events to wildcard and onAny handlers', async () => {
    const { receiver, queue } = setup();
    const got: unknown[] = [];
    receiver.on('toy:*', (e) => void got.push({ name: e.name, known: e.known }));
    await receiver.handle(delivery('future', 'SERVE'));
    await queue.idle();
    expect(got).toEqual([{ name: 'SERVE', known: false }]);
  });

  it('gives handlers the event id (the one dead letters and replay take), key, endpoint, payload, receivedAt, attempt and delivery', async () => {
    const { receiver, queue } = setup();
    const events: unknown[] = [];
    receiver.on('toy:PING', (e) => void events.push(e));
    await receiver.handle(delivery('shape', 'PING', { value: 3 }));
    await queue.idle();
    expect(events[0]).toMatchObject({ id: 'toy:shape', key: 'shape', endpoint: 'toy', name: 'PING', topic: 'TABLE_TENNIS', known: true, attempt: 1, payload: { value: 3 } });
    expect((events[0] as { receivedAt: unknown }).receivedAt).toBeInstanceOf(Date);
    expect((events[0] as { delivery: { receivedAt: unknown; headers: unknown } }).delivery).toEqual({
      receivedAt: expect.any(Date),
      attempt: undefined,
      account: undefined,
      headers: {},
    });
  });

  it('retries a failing handler, reports to onError, dead-letters after the last attempt, and replays', async () => {
    const queue = memoryQueue({ attempts: 3, backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: toy() }, queue });
    const errors: Array<{ attempt: number; willRetry: boolean }> = [];
    let fail = true;
    let handled = 0;
    receiver.on('toy:PING', () => {
      if (fail) throw new Error('database down');
      handled++;
    });
    receiver.onError((_error, _event, info) => void errors.push(info));
    await receiver.handle(delivery('flaky'));
    await queue.idle();
    expect(errors).toEqual([
      { attempt: 1, willRetry: true },
      { attempt: 2, willRetry: true },
      { attempt: 3, willRetry: false },
    ]);
    const dead = await receiver.deadLetters();
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ id: 'toy:flaky', attempts: 3, error: { message: 'database down' } });
    fail = false;
    await receiver.replay('toy:flaky');
    await queue.idle();
    expect(handled).toBe(1);
    expect(await receiver.deadLetters()).toEqual([]);
  });
});

describe('lifecycle', () => {
  it('calls the logger as a method (pino reads `this`), on refusals as on acceptances', async () => {
    const lines: string[] = [];
    class ThisLogger {
      readonly prefix = 'log';
      write(level: string, msg?: string, obj?: unknown): void {
        const cause = (obj as { err?: unknown } | undefined)?.err;
        lines.push(`${this.prefix}:${level}:${msg ?? ''}${cause instanceof Error ? ` (${cause.message})` : ''}`);
      }
      debug(_: unknown, msg?: string): void {
        this.write('debug', msg);
      }
      info(_: unknown, msg?: string): void {
        this.write('info', msg);
      }
      warn(_: unknown, msg?: string): void {
        this.write('warn', msg);
      }
      error(obj: unknown, msg?: string): void {
        this.write('error', msg, obj);
      }
    }
    const failing: EventQueue = { ...memoryQueue(), enqueue: () => Promise.reject(new Error('disk full')) };
    const { receiver } = setup({ logger: new ThisLogger(), queue: failing });
    expect((await receiver.handle({ ...delivery('x'), headers: {} })).status).toBe(401);
    expect((await receiver.handle(delivery('y'))).status).toBe(503);
    expect(lines.some((l) => l.startsWith('log:warn:'))).toBe(true);
    expect(lines.some((l) => l.startsWith('log:error:') && l.includes('disk full'))).toBe(true);
  });

  it('reports readiness from the store and the queue', async () => {
    const dedupe: DedupeStore = { ...memoryDedupe(), ping: () => Promise.reject(new Error('redis down')) };
    const { receiver } = setup({ dedupe });
    expect(await receiver.ready()).toEqual({ ready: false, checks: { dedupe: { ok: false, error: 'redis down' }, queue: { ok: true } } });
    expect((await setup().receiver.ready()).ready).toBe(true);
  });

  it('close() drains queued handlers, then refuses deliveries with 503', async () => {
    const { receiver, seen } = setup();
    let release!: () => void;
    receiver.on('toy:PING', () => new Promise<void>((r) => (release = r)));
    await receiver.handle(delivery('drain'));
    await vi.waitFor(() => expect(release).toBeDefined());
    const closed = receiver.close();
    release();
    await closed;
    expect(seen).toEqual(['PING:drain']);
    const res = await receiver.handle(delivery('after-close'));
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('SHUTTING_DOWN');
  });

  it('handles a QueuedEvent from a durable queue, reviving its payload', async () => {
    const provider = { ...toy(), revive: ({ payload }: { payload: unknown }) => ({ ...(payload as object), revived: true }) };
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy: provider }, queue: memoryQueue() });
    const got: unknown[] = [];
    receiver.on('toy:PING', (e) => void got.push(e.payload));
    const event: QueuedEvent = { id: 'toy:q', endpoint: 'toy', name: 'PING', topic: 'TABLE_TENNIS', known: true, key: 'q', payload: { event: 'PING', id: 'q' }, receivedAt: new Date().toISOString() };
    await receiver.dispatch(event, { attempt: 1, maxAttempts: 1 });
    expect(got).toEqual([{ event: 'PING', id: 'q', revived: true }]);
  });
});
