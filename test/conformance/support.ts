/**
 * Shared pieces of the adapter conformance suite (also used by the adapters' own tests):
 * a signed test provider, a receiver with switchable faults, and a raw HTTP client.
 */
import { createHmac, randomUUID } from 'node:crypto';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import type { Server } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  CountersignError,
  createReceiver,
  defineProvider,
  fromBase64,
  hmac,
  jsonResponse,
  memoryDedupe,
  memoryQueue,
  timingSafeEqual,
  type DedupeStore,
  type DeliveryInfo,
  type Endpoints,
  type EventQueue,
  type Logger,
  type Receiver,
  silentLogger,
} from '@countersign/core';

export const TEST_CLIENT = 'client-1';
export const TEST_SECRET = 'conformance-secret';

export interface TestPayload {
  event: string;
  id: string;
  [field: string]: unknown;
}

/**
 * A small signed provider with an Adobe-like handshake: `x-test-client` must be allowed and is echoed back,
 * `x-test-signature` is base64(HMAC-SHA256(secret, raw body)) so any change to the bytes is refused.
 */
export function testProvider(options: { timeoutMs?: number } = {}) {
  const echo = (client: string) => ({ 'x-test-client': client });
  const client = (headers: { get(name: string): string | undefined }): string => {
    const id = headers.get('x-test-client');
    if (id === undefined) throw new CountersignError('AUTH_MISSING', 'x-test-client is missing.');
    if (id !== TEST_CLIENT) throw new CountersignError('AUTH_FORBIDDEN', 'x-test-client is not allowed.');
    return id;
  };
  return defineProvider<{ events: { PING: TestPayload & { event: 'PING' } }; topics: {}; base: TestPayload }>({
    kind: 'test',
    timeoutMs: options.timeoutMs,
    handshake: (ctx) => {
      const id = client(ctx.headers);
      return jsonResponse(200, { client: id }, echo(id));
    },
    async authenticate(ctx) {
      client(ctx.headers);
      const given = fromBase64(ctx.headers.get('x-test-signature') ?? '');
      if (given === undefined || !timingSafeEqual(given, await hmac('SHA-256', TEST_SECRET, ctx.body))) {
        throw new CountersignError('AUTH_INVALID', 'x-test-signature does not match the body.');
      }
    },
    parse(ctx) {
      const body = ctx.json();
      if (typeof body.id !== 'string' || typeof body.event !== 'string') {
        throw new CountersignError('PAYLOAD_INVALID', 'The body needs string fields `id` and `event`.');
      }
      return { name: body.event, known: body.event === 'PING', key: body.id, payload: body };
    },
    acknowledge: (ctx, outcome) => jsonResponse(200, { outcome }, echo(ctx.headers.get('x-test-client') ?? '')),
  });
}

/** Headers of a correctly signed delivery of `body` to the test provider. */
export function signedHeaders(body: string | Uint8Array, extra: Record<string, string> = {}): Record<string, string> {
  const signature = createHmac('sha256', TEST_SECRET).update(body).digest('base64');
  return { 'content-type': 'application/json', 'x-test-client': TEST_CLIENT, 'x-test-signature': signature, ...extra };
}

/** A signed POST of `payload` (serialised as JSON unless it is a string already). */
export function delivery(payload: string | Record<string, unknown>, endpoint = 'test', extraHeaders: Record<string, string> = {}): HttpRequest {
  const body = typeof payload === 'string' ? payload : JSON.stringify(payload);
  return { method: 'POST', path: `/${endpoint}`, headers: signedHeaders(body, extraHeaders), body };
}

export const uniqueId = (label: string): string => `${label}-${randomUUID()}`;

export interface Dispatched {
  endpoint: string;
  name: string;
  id: string;
  known: boolean;
  delivery: DeliveryInfo;
  /** For a handler failure (`failed`): the error's code and whether the queue retries it. */
  error?: { code: unknown; willRetry: boolean };
}

/**
 * In-memory stores that fail on demand and count what reached the queue: event ids starting with `hang-` make
 * enqueue hang, `queue-fails-` make it throw, `dedupe-fails-` make the dedupe claim throw.
 */
function faultyStores() {
  const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
  const dedupe = memoryDedupe();
  const enqueued = new Map<string, number>();
  const hanging: Array<(error: Error) => void> = [];
  const faultyQueue: EventQueue = {
    enqueue(event, info) {
      enqueued.set(event.id, (enqueued.get(event.id) ?? 0) + 1);
      if (event.key.startsWith('hang-')) return new Promise<void>((_, reject) => hanging.push(reject));
      if (event.key.startsWith('queue-fails-')) return Promise.reject(new Error('queue is down'));
      return queue.enqueue(event, info);
    },
    consume: (dispatch) => queue.consume?.(dispatch),
    deadLetters: () => queue.deadLetters(),
    replay: (id) => queue.replay(id),
    close: () => queue.close(),
  };
  const faultyDedupe: DedupeStore = {
    claim: (key, leaseMs) => (key.includes(':dedupe-fails-') ? Promise.reject(new Error('dedupe store is down')) : dedupe.claim(key, leaseMs)),
    commit: (key, token) => dedupe.commit(key, token),
    release: (key, token) => dedupe.release(key, token),
  };
  /** Times each event key (`<endpoint>:<id>`) was handed to the queue. */
  const enqueuedCount = (endpoint: string, id: string): number => enqueued.get(`${endpoint}:${id}`) ?? 0;
  const releaseHanging = (): void => {
    for (const reject of hanging.splice(0)) reject(new Error('test over'));
  };
  /** Events of `endpoint` handed to the queue so far, all ids together. */
  const enqueuedTotal = (endpoint: string): number => [...enqueued].filter(([id]) => id.startsWith(`${endpoint}:`)).reduce((n, [, count]) => n + count, 0);
  return { queue: faultyQueue, dedupe: faultyDedupe, enqueuedCount, enqueuedTotal, releaseHanging };
}

/** Records what was dispatched, and lets a test wait for a dispatch instead of sleeping. */
function dispatchRecorder() {
  const all: Dispatched[] = [];
  const waiters = new Set<() => void>();
  /** The dispatches of the event with platform id `id` (exactly, or bound to its body: `<id>#<hash>`). */
  const of = (endpoint: string, id: string): Dispatched[] => all.filter((e) => e.endpoint === endpoint && (e.id === id || e.id.startsWith(`${id}#`)));
  /** Resolves with `probe()`'s first defined value, checked now and after every dispatch. */
  const waitUntil = <T>(probe: () => T | undefined): Promise<T> =>
    new Promise((resolve) => {
      const check = (): void => {
        const value = probe();
        if (value === undefined) return;
        waiters.delete(check);
        resolve(value);
      };
      waiters.add(check);
      check();
    });
  return {
    record(event: Dispatched): void {
      all.push(event);
      for (const wake of [...waiters]) wake();
    },
    of,
    /** The dispatches of one event, once there is at least one. */
    waitFor: (endpoint: string, id: string): Promise<Dispatched[]> => waitUntil(() => (of(endpoint, id).length > 0 ? of(endpoint, id) : undefined)),
    /** How many events of `endpoint` were dispatched so far. */
    count: (endpoint: string): number => all.filter((e) => e.endpoint === endpoint).length,
    /** The `n`-th (0-based) event dispatched for `endpoint`, once it is. */
    nth: (endpoint: string, n: number): Promise<Dispatched> => waitUntil(() => all.filter((e) => e.endpoint === endpoint)[n]),
  };
}

export interface ConformanceReceiver<E extends Endpoints> {
  receiver: Receiver<E>;
  dispatched: ReturnType<typeof dispatchRecorder>;
  /** What `onError` heard: failed handlers and payloads that did not match their schema (dead letters). */
  failed: ReturnType<typeof dispatchRecorder>;
  enqueuedCount(endpoint: string, id: string): number;
  /** Events of `endpoint` handed to the queue so far. */
  enqueuedTotal(endpoint: string): number;
  /** State of handlers of `SLOW` events, which take 10 s unless the suite ends first. */
  slow: { started: Set<string>; finished: Set<string> };
  close(): Promise<void>;
}

/** What the cases see of the harness (the receiver itself stays with the adapter). */
export type Harness = Omit<ConformanceReceiver<Endpoints>, 'receiver'>;

/**
 * A receiver for the suite: `test` (4 s budget) and `test-fast` (300 ms budget) endpoints plus `extra` ones,
 * faulty stores, a recorder on every event, and a 10 s handler for `SLOW` events.
 */
export function conformanceReceiver<const X extends Endpoints = {}>(
  extra?: X,
  logger?: Logger,
): ConformanceReceiver<{ test: ReturnType<typeof testProvider>; 'test-fast': ReturnType<typeof testProvider> } & X> {
  const stores = faultyStores();
  const endpoints = { test: testProvider(), 'test-fast': testProvider({ timeoutMs: 300 }), ...(extra as X) };
  const receiver = createReceiver({ endpoints, queue: stores.queue, dedupe: stores.dedupe, logger: logger ?? silentLogger });
  const dispatched = dispatchRecorder();
  const failed = dispatchRecorder();
  receiver.onError((error, event, info) => {
    failed.record({
      endpoint: event.endpoint,
      name: event.name,
      id: event.key,
      known: event.known,
      delivery: event.delivery,
      error: { code: (error as { code?: unknown }).code, willRetry: info.willRetry },
    });
  });
  const slow = { started: new Set<string>(), finished: new Set<string>() };
  const stop = new AbortController();
  receiver.onAny(async (event) => {
    dispatched.record({ endpoint: event.endpoint, name: event.name, id: event.key, known: event.known, delivery: event.delivery });
    if (event.name !== 'SLOW') return;
    slow.started.add(event.key);
    await sleep(10_000, undefined, { signal: stop.signal }).catch(() => undefined);
    slow.finished.add(event.key);
  });
  return {
    receiver,
    dispatched,
    failed,
    enqueuedCount: stores.enqueuedCount,
    enqueuedTotal: stores.enqueuedTotal,
    slow,
    async close() {
      stop.abort();
      stores.releaseHanging();
      await receiver.close();
    },
  };
}

export interface HttpRequest {
  method: string;
  /** Path below the adapter's base URL, e.g. `/test`. */
  path: string;
  headers?: Record<string, string>;
  body?: string | Uint8Array;
  /** Send the body with `Transfer-Encoding: chunked` (no Content-Length), in 64 kB pieces. */
  chunked?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** The coded error of an error answer. */
  error: { code: string; message: string } | undefined;
  json(): unknown;
}

/** One request over a real socket with node:http(s) (exact headers and bytes, optional chunked upload). */
export function send(baseUrl: string, request: HttpRequest, tls?: https.RequestOptions): Promise<HttpResponse> {
  const url = new URL(baseUrl + request.path);
  const body = typeof request.body === 'string' ? new TextEncoder().encode(request.body) : request.body;
  const headers: Record<string, string> = { ...request.headers };
  if (body !== undefined) {
    if (request.chunked) headers['transfer-encoding'] = 'chunked';
    else headers['content-length'] = String(body.byteLength);
  }
  return new Promise((resolve, reject) => {
    const options = { method: request.method, headers, ...(tls && { agent: false, ...tls }) };
    let answered = false;
    const req = (url.protocol === 'https:' ? https : http).request(url, options, (res) => {
      answered = true;
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('error', reject);
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const json = (): unknown => JSON.parse(text);
        let error: HttpResponse['error'];
        if (res.statusCode !== undefined && res.statusCode >= 400 && text.startsWith('{')) {
          error = (json() as { error?: HttpResponse['error'] }).error;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, error, json });
      });
    });
    // A server may answer early (413) and close before the upload ends (workerd does): the answer counts.
    req.on('error', (error) => {
      if (!answered) reject(error);
    });
    if (body === undefined) return void req.end();
    // Write in pieces with back-pressure, stopping early if the server already answered (e.g. 413).
    const piece = 64 * 1024;
    let offset = 0;
    const pump = (): void => {
      while (offset < body.byteLength) {
        if (req.destroyed) return;
        const next = body.subarray(offset, offset + piece);
        offset += next.byteLength;
        if (!req.write(next)) return void req.once('drain', pump);
      }
      req.end();
    };
    pump();
  });
}

/**
 * Start a request that announces `request.body` in full (Content-Length) but sends only its first half, then
 * drop the connection, as a client that dies mid-upload does. Resolves once the socket is gone.
 */
export function abandon(baseUrl: string, request: HttpRequest & { body: string }): Promise<void> {
  const url = new URL(baseUrl + request.path);
  const body = new TextEncoder().encode(request.body);
  const headers = { ...request.headers, 'content-length': String(body.byteLength) };
  return new Promise((resolve) => {
    const req = (url.protocol === 'https:' ? https : http).request(url, { method: request.method, headers, rejectUnauthorized: false });
    req.on('error', () => undefined); // the socket is destroyed on purpose
    req.on('close', () => resolve());
    req.write(body.subarray(0, body.byteLength >> 1), () => setTimeout(() => req.destroy(), 50));
  });
}

/** Listen on 127.0.0.1, port 0; the base URL is `http(s)://127.0.0.1:<port><prefix>`. */
export async function listen(server: Server, prefix = '/webhooks'): Promise<{ url: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const scheme = server instanceof https.Server ? 'https' : 'http';
  return {
    url: `${scheme}://127.0.0.1:${port}${prefix}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        (server as http.Server).closeAllConnections?.();
      }),
  };
}
