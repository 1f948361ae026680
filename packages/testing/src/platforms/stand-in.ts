import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { listenOnLoopback } from '../loopback.js';

/** A request to a stand-in platform API, read in full (bounded). */
export interface StandInRequest {
  method: string;
  url: URL;
  headers: IncomingHttpHeaders;
  /** The raw body. */
  body: string;
  /** The body parsed as JSON; `undefined` when empty or not JSON. */
  json: unknown;
}

export interface StandInAnswer {
  status: number;
  /** Sent as JSON; left out for `undefined`. */
  body?: unknown;
  headers?: Record<string, string>;
}

/** One call a stand-in received: what tests assert on. Never holds a header value. */
export interface StandInCall {
  method: string;
  path: string;
  status: number;
}

export interface StandInServer {
  url: string;
  /** The calls received, oldest first (the last 1000). */
  calls: StandInCall[];
  /** Answer the next `count` calls with 429 and `Retry-After: retryAfterSeconds` (default 0). */
  throttle(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const MAX_BODY_BYTES = 1024 * 1024;
const MAX_CALLS = 1000;

function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    req.on('data', (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > MAX_BODY_BYTES) {
        resolve(undefined);
        req.pause();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** A JSON HTTP server on 127.0.0.1 (port 0) answering with `handle`; 429 injection and a call log included. */
export async function startStandIn(handle: (request: StandInRequest) => StandInAnswer | Promise<StandInAnswer>): Promise<StandInServer> {
  const calls: StandInCall[] = [];
  let throttled = 0;
  let retryAfter = 0;
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const body = await readBody(req);
      let answer: StandInAnswer;
      if (body === undefined) {
        answer = { status: 413, body: { message: 'Request body too large' } };
      } else if (throttled > 0) {
        throttled--;
        answer = { status: 429, body: { message: 'Too many requests' }, headers: { 'retry-after': String(retryAfter) } };
      } else {
        let json: unknown;
        try {
          json = body === '' ? undefined : JSON.parse(body);
        } catch {
          json = undefined;
        }
        answer = await handle({ method: req.method ?? 'GET', url, headers: req.headers, body, json });
      }
      calls.push({ method: req.method ?? 'GET', path: url.pathname, status: answer.status });
      if (calls.length > MAX_CALLS) calls.shift();
      const text = answer.body === undefined ? '' : JSON.stringify(answer.body);
      res.writeHead(answer.status, { ...(text === '' ? {} : { 'content-type': 'application/json' }), ...answer.headers }).end(text);
    })().catch(() => {
      res.destroy();
    });
  });
  const loopback = await listenOnLoopback(server);
  return {
    url: loopback.url,
    calls,
    throttle(count, seconds = 0) {
      throttled = count;
      retryAfter = seconds;
    },
    close: loopback.close,
  };
}

/** What a receiver answered to a delivery a stand-in fired. */
export interface FiredDelivery {
  /** The receiver's status; `undefined` when it could not be reached or did not answer in time. */
  status: number | undefined;
  /** Lower-case response headers. */
  headers: Record<string, string>;
  /** The answer body (its first 64 kB). */
  body: string;
  /** Why no status: the connection error or the timeout. */
  error?: string;
}

const MAX_ANSWER_BYTES = 64 * 1024;

/** Send one request to a receiver as a platform would, within `timeoutMs`; never throws. */
export async function fire(url: string, request: { method: string; headers: Record<string, string>; body?: string }, timeoutMs: number): Promise<FiredDelivery> {
  try {
    const response = await fetch(url, {
      method: request.method,
      headers: request.headers,
      body: request.method === 'GET' ? undefined : request.body,
      signal: AbortSignal.timeout(timeoutMs),
      redirect: 'manual',
    });
    const headers: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let body = '';
    if (response.body !== null) {
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        body += decoder.decode(value, { stream: true });
        if (body.length > MAX_ANSWER_BYTES) {
          body = body.slice(0, MAX_ANSWER_BYTES);
          await reader.cancel().catch(() => undefined);
          break;
        }
      }
    }
    return { status: response.status, headers, body };
  } catch (error) {
    const reason = error instanceof Error ? (error.name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}`) : String(error);
    return { status: undefined, headers: {}, body: '', error: reason };
  }
}

/** The bearer token of a request, or `undefined`. */
export function bearer(request: StandInRequest): string | undefined {
  const header = request.headers.authorization;
  const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header.trim()) : null;
  return match?.[1];
}

export const isHttpUrl = (value: unknown): value is string => {
  if (typeof value !== 'string') return false;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:';
  } catch {
    return false;
  }
};

/** Keep at most `max` items, dropping the oldest. */
export function pushBounded<T>(list: T[], item: T, max: number): void {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
}
