import {
  adapterRoute,
  CountersignError,
  errorResponse,
  freezingRuntime,
  notUnderPrefix,
  type AdapterOptions,
  type AnyReceiver,
  type BodyInput,
  type WaitUntil,
  type WebhookResponse,
} from '@countersign/core';

export interface FetchHandlerOptions extends AdapterOptions {
  /**
   * Path prefix the handler owns (`/webhooks`): requests outside it get a coded 404, and only `<prefix>/<name>`
   * reaches an endpoint. Without it the endpoint is the last path segment, whatever comes before: mount the handler
   * behind a framework route that matches exactly one segment (a Next.js `app/api/webhooks/[endpoint]/route.ts`,
   * Hono's `/webhooks/:endpoint`). Either way names are matched literally, never URL-decoded.
   */
  prefix?: string | undefined;
  /** One endpoint for every request (a route that names it, e.g. Next.js `app/api/webhooks/adobe/route.ts`). */
  endpoint?: string | undefined;
  /**
   * The runtime's keep-alive for work after the answer, where the receiver handles events in process (the in-memory
   * queue): each delivery's handlers, retries included, are registered with it. Either the function itself
   * (`waitUntil` from `cloudflare:workers`, `after` from `next/server`, `waitUntil` from `@vercel/functions`), or
   * `'per-request'` when each call passes a context that has one: `handler(request, ctx)` (a Workers
   * `ExecutionContext`, Hono's `c.executionCtx`). A context passed that way wins over the function.
   *
   * Where the runtime freezes after the answer (Cloudflare Workers, edge runtimes: see `freezingRuntime()`), the
   * handler refuses to be created without it (`CONFIG_INVALID`) unless the receiver's queue is durable.
   */
  waitUntil?: WaitUntil | 'per-request';
  /**
   * The size (bytes) at which the runtime cuts request bodies instead of refusing them. Default: 10 MiB on an edge
   * runtime (Next.js hands edge routes at most `experimental.proxyClientMaxBodySize` bytes, 10 MiB unless set), none
   * elsewhere; `false` turns the check off. A body sent without `Content-Length` that ends within 64 KiB of this
   * size may have been cut (the runtime drops the whole network read that crosses it), so it is answered 413. Whatever
   * this option says, a body that ends short of its declared `Content-Length` is answered 413.
   */
  runtimeBodyLimit?: number | false;
}

/**
 * `(request, context?) => Promise<Response>`. `context` is optional; when it has a `waitUntil` method (a Workers
 * `ExecutionContext`), that keep-alive is used for this request.
 */
export type FetchHandler = (request: Request, context?: object) => Promise<Response>;

/** The most one network read hands over: a runtime that cuts a body drops the read that crosses its limit. */
const MAX_READ = 64 * 1024;
/** Next.js's default `experimental.proxyClientMaxBodySize`, which also bounds what its edge routes receive. */
const NEXT_EDGE_BODY_LIMIT = 10 * 1024 * 1024;

function toResponse(answer: WebhookResponse): Response {
  return new Response(answer.body === '' ? null : answer.body, { status: answer.status, headers: answer.headers });
}

function contextWaitUntil(context: object | undefined): WaitUntil | undefined {
  const candidate = context as { waitUntil?: unknown } | undefined;
  if (typeof candidate?.waitUntil !== 'function') return undefined;
  const waitUntil = candidate.waitUntil as (this: unknown, promise: Promise<unknown>) => void;
  return (promise) => waitUntil.call(candidate, promise);
}

function cutShort(received: number, declared: number): CountersignError {
  return new CountersignError(
    'BODY_TOO_LARGE',
    `The runtime handed over ${received} of the ${declared} bytes the sender declared: it cut the body at its own size limit. Raise that limit above the receiver's maxBodyBytes (Next.js: experimental.proxyClientMaxBodySize).`,
  );
}

/**
 * The request body, checked for a cut: a runtime that cuts a body at its own limit ends it cleanly, so the receiver
 * would see a shorter, well-formed-looking body (malformed JSON, a wrong signature) instead of a 413. With a declared
 * length the core reads it with `arrayBuffer()` (once the length fits its limit), checked here against that length;
 * without one it streams it, through a check of where it ended.
 */
function checkedBody(request: Request, runtimeLimit: number | undefined): BodyInput {
  const source = request.body;
  const header = request.headers.get('content-length');
  const declared = header !== null && /^\d+$/.test(header) ? Number(header) : undefined;
  if (source === null) return request;
  if (declared !== undefined) {
    return {
      body: source,
      async arrayBuffer() {
        const buffer = await request.arrayBuffer();
        if (buffer.byteLength < declared) throw cutShort(buffer.byteLength, declared);
        return buffer;
      },
    };
  }
  if (runtimeLimit === undefined) return request;
  const reader = source.getReader();
  let received = 0;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (!done) {
        received += value.byteLength;
        controller.enqueue(value);
      } else if (received > runtimeLimit - MAX_READ) {
        controller.error(
          new CountersignError(
            'BODY_TOO_LARGE',
            `The body came without Content-Length and ended at ${received} bytes, within ${MAX_READ} bytes of the ${runtimeLimit}-byte size at which this runtime cuts bodies: it may have been cut, so it is refused. Raise the runtime's limit above the receiver's maxBodyBytes (Next.js: experimental.proxyClientMaxBodySize) and tell the handler (runtimeBodyLimit).`,
          ),
        );
      } else {
        controller.close();
      }
    },
    cancel(reason) {
      return reader.cancel(reason);
    },
  });
}

/**
 * A Fetch-standard handler, `(Request) => Promise<Response>`, for Next.js, Hono, Bun, Deno and Workers. Web APIs only.
 * Throws `CONFIG_INVALID` on a runtime that freezes after answering (Workers, edge runtimes) when the receiver handles
 * events in process and no `waitUntil` is given: acknowledged events would never be handled there.
 */
export function createFetchHandler(
  receiver: Pick<AnyReceiver, 'handle'> & Partial<Pick<AnyReceiver, 'runsHandlersInProcess'>>,
  options: FetchHandlerOptions = {},
): FetchHandler {
  const prefix = options.prefix?.replace(/\/+$/, '');
  const route = adapterRoute('createFetchHandler', options);
  const runtime = freezingRuntime();
  if (runtime !== undefined && options.waitUntil === undefined && receiver.runsHandlersInProcess !== false) {
    throw new CountersignError(
      'CONFIG_INVALID',
      `${runtime} may freeze or stop as soon as an answer is sent, and this receiver handles events in process after answering (the in-memory queue): they would be acknowledged and never handled. Pass the runtime's keep-alive: createFetchHandler(receiver, { waitUntil }) with waitUntil from 'cloudflare:workers' (Workers), after from 'next/server' (Next.js) or waitUntil from '@vercel/functions' (Vercel); or { waitUntil: 'per-request' } and handler(request, ctx). Handlers must then finish within what the runtime allows after the answer (30 s on Workers): longer work and late retries need a durable queue.`,
    );
  }
  const shared = typeof options.waitUntil === 'function' ? options.waitUntil : undefined;
  const edge = typeof (globalThis as { EdgeRuntime?: unknown }).EdgeRuntime === 'string';
  const runtimeLimit = options.runtimeBodyLimit === false ? undefined : (options.runtimeBodyLimit ?? (edge ? NEXT_EDGE_BODY_LIMIT : undefined));
  return async (request, context) => {
    // `pathname` keeps percent-encoding: the core matches endpoint names literally, so `adob%65` is not `adobe`.
    const url = new URL(request.url);
    const path = url.pathname;
    // `<prefix>/<name>` (`/<name>` exactly, or the core's 404), else the last segment: the framework's route decided the rest.
    const endpoint = route(path);
    if (endpoint === undefined) {
      request.body?.cancel().catch(() => undefined);
      return toResponse(errorResponse(notUnderPrefix(path, prefix ?? '')));
    }
    const waitUntil = contextWaitUntil(context) ?? shared;
    const body = checkedBody(request, runtimeLimit);
    const answer = await receiver.handle({ method: request.method, endpoint, query: url.search, headers: request.headers, body, waitUntil });
    // Refused before its body was read (404, 405, 429...): cancel it, so the runtime drains it and can keep the
    // connection alive for the sender's next request.
    if (!request.bodyUsed) request.body?.cancel().catch(() => undefined);
    return toResponse(answer);
  };
}
