import { isCountersignError, LIFECYCLE_STAGES, timingSafeEqual, type AnyReceiver, type LifecycleStage, type QueuedEvent, type ReceiverObserver } from '@countersign/core';
import { APP_CSS, APP_JS, PAGE_HTML } from './assets.js';
import { History, summaryOf, type DeliveryDetail, type DeliverySummary } from './history.js';

export type { DeliveryDetail, DeliverySummary, EventSummary, HandlerState } from './history.js';
export { REDACTED, showBody } from './history.js';

export interface InspectorOptions {
  /**
   * A bearer token every data request must carry (`Authorization: Bearer <token>`); the page asks for it once, or
   * reads it from its address (`.../inspector/#token=<token>`, never sent to the server). Required when
   * `NODE_ENV` is `production`.
   */
  token?: string;
  /** Deliveries kept (oldest forgotten first). Default 200. */
  maxDeliveries?: number;
  /** Bytes kept for all deliveries together (bodies, headers, answers). Default 8 MiB. */
  maxBytes?: number;
  /** Bytes of each body kept for the detail view. Default 64 KiB. */
  maxBodyBytes?: number;
  /** Pages connected at once. Default 10. */
  maxClients?: number;
}

/** A Node `IncomingMessage`, as far as the inspector reads it (structurally: no Node types needed). */
export interface NodeRequestLike {
  method?: string | undefined;
  url?: string | undefined;
  /** Set by Express: the URL before the mount path was stripped. */
  originalUrl?: string | undefined;
  headers: Record<string, string | string[] | undefined>;
  on(event: 'data', listener: (chunk: Uint8Array | string) => void): unknown;
  on(event: 'end' | 'close', listener: () => void): unknown;
  on(event: 'error', listener: (error: unknown) => void): unknown;
}

/** A Node `ServerResponse`, as far as the inspector writes it. */
export interface NodeResponseLike {
  writeHead(status: number, headers: Record<string, string>): unknown;
  write(chunk: string): boolean;
  end(chunk?: string): unknown;
  on(event: 'close', listener: () => void): unknown;
  readonly writableLength?: number;
}

export interface Inspector extends ReceiverObserver {
  /** Serve the page and its data for a Fetch-standard request (Hono, Next.js, Bun, Deno, Workers). */
  fetch(request: Request): Promise<Response>;
  /** Serve the page and its data on Node (`http.createServer`, Express's `app.use('/inspector', inspector.node)`, connect). */
  node(req: NodeRequestLike, res: NodeResponseLike, next?: (error?: unknown) => void): void;
  /** The deliveries kept, oldest first. */
  deliveries(): DeliverySummary[];
  /** One delivery with its headers (redacted), body and answer. */
  detail(seq: number): DeliveryDetail | undefined;
  /** Disconnect every page (e.g. before closing the server). */
  close(): void;
}

interface Reply {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Anything an adapter can stream to a page: a line of SSE text at a time. */
interface Client {
  send(chunk: string): boolean;
  close(): void;
}

const MAX_REQUEST_BODY = 4096;
const HEARTBEAT_MS = 15_000;
/** Most bytes a page may leave unread before it is disconnected (it reconnects and gets a fresh snapshot). */
const MAX_BACKLOG = 1024 * 1024;

const SECURITY_HEADERS = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'content-security-policy': "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; frame-ancestors 'none'; base-uri 'none'; form-action 'none'",
};

const json = (status: number, body: unknown): Reply => ({ status, headers: { ...SECURITY_HEADERS, 'content-type': 'application/json; charset=utf-8' }, body: JSON.stringify(body) });
const sse = (event: string, data: unknown): string => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;

/**
 * A live page of the deliveries a receiver gets: pass it as an observer, then mount it on a development server.
 * Nothing is recorded or served unless it is both.
 *
 * ```ts
 * const inspector = createInspector();
 * const receiver = createReceiver({ endpoints, observers: [inspector] });
 * app.use('/inspector', inspector.node); // Express; or inspector.fetch(request) on Fetch runtimes
 * ```
 */
export function createInspector(options: InspectorOptions = {}): Inspector {
  const token = options.token;
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
  if (token === undefined && env?.NODE_ENV === 'production') {
    throw new Error('createInspector: NODE_ENV is production and no `token` is set. The inspector shows customer data: give it a token, or leave it out of production.');
  }
  if (token !== undefined && token.length < 16) throw new Error('createInspector: `token` must be at least 16 characters.');
  const history = new History({
    maxDeliveries: options.maxDeliveries ?? 200,
    maxBytes: options.maxBytes ?? 8 * 1024 * 1024,
    maxBodyBytes: options.maxBodyBytes ?? 64 * 1024,
  });
  const maxClients = options.maxClients ?? 10;
  const receivers: AnyReceiver[] = [];
  const clients = new Set<Client>();
  let heartbeat: ReturnType<typeof setTimeout> | undefined;

  function broadcast(chunk: string): void {
    for (const client of clients) if (!client.send(chunk)) dropClient(client);
  }
  function dropClient(client: Client): void {
    clients.delete(client);
    client.close();
    if (clients.size === 0 && heartbeat !== undefined) {
      clearInterval(heartbeat);
      heartbeat = undefined;
    }
  }
  function addClient(client: Client): void {
    clients.add(client);
    client.send(`retry: 2000\n${sse('snapshot', { deliveries: history.summaries(), maxDeliveries: history.limits.maxDeliveries })}`);
    if (heartbeat === undefined) {
      heartbeat = setInterval(() => broadcast(': keep-alive\n\n'), HEARTBEAT_MS);
      (heartbeat as { unref?: () => void }).unref?.();
    }
  }

  function authorised(header: string | undefined): boolean {
    if (token === undefined) return true;
    return header !== undefined && timingSafeEqual(header, `Bearer ${token}`);
  }

  /**
   * The lifecycle stage of a queued event, as its handlers see it: the endpoint's platform validates the payload and
   * maps it (`null` when it has no stage or its payload fails the schema: the run then dead-letters it).
   */
  function stageOf(event: QueuedEvent): LifecycleStage | null {
    for (const receiver of receivers) {
      const platform = Object.hasOwn(receiver.endpoints, event.endpoint) ? receiver.endpoints[event.endpoint] : undefined;
      if (platform?.lifecycle === undefined) continue;
      try {
        const payload = platform.validate ? platform.validate(event) : platform.revive ? platform.revive(event) : event.payload;
        const stage = platform.lifecycle({ name: event.name, known: event.known, payload })?.stage;
        return stage !== undefined && (LIFECYCLE_STAGES as readonly string[]).includes(stage) ? stage : null;
      } catch {
        return null;
      }
    }
    return null;
  }

  async function replay(body: string): Promise<Reply> {
    let id: unknown;
    try {
      id = (JSON.parse(body) as { id?: unknown }).id;
    } catch {
      id = undefined;
    }
    if (typeof id !== 'string' || id === '' || id.length > 1000) return json(400, { error: { code: 'BAD_REQUEST', message: 'Send {"id":"<event id>"}.' } });
    const endpoint = id.slice(0, id.indexOf(':'));
    const candidates = receivers.filter((r) => Object.hasOwn(r.endpoints, endpoint));
    if (candidates.length === 0) return json(404, { error: { code: 'NOT_FOUND', message: `No receiver observed by this inspector has the endpoint of ${id}.` } });
    let last: unknown;
    for (const receiver of candidates) {
      // Pending first: the replayed run may start, and even end, before replay() returns.
      const restore = history.pending(id);
      try {
        await receiver.replay(id);
        const detail = history.deliveryOf(id);
        if (detail !== undefined) broadcast(sse('update', summaryOf(detail)));
        return json(200, { replayed: id });
      } catch (error) {
        restore();
        last = error;
      }
    }
    const code = isCountersignError(last) ? last.code : 'INTERNAL';
    return json(code === 'NOT_FOUND' ? 404 : 503, { error: { code, message: last instanceof Error ? last.message : String(last) } });
  }

  /** Route a request by the end of its path, so the inspector works under any mount path. */
  async function route(method: string, path: string, header: (name: string) => string | undefined, readBody: () => Promise<string>): Promise<Reply | 'stream'> {
    if (method === 'GET' && path.endsWith('/app.js')) return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/javascript; charset=utf-8' }, body: APP_JS };
    if (method === 'GET' && path.endsWith('/app.css')) return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/css; charset=utf-8' }, body: APP_CSS };
    const api = /\/api\/(stream|deliveries|deliveries\/(\d{1,15})|replay)$/.exec(path);
    if (api === null) {
      if (method !== 'GET' && method !== 'HEAD') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'The inspector page answers GET.' } });
      return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': 'text/html; charset=utf-8' }, body: PAGE_HTML };
    }
    if (!authorised(header('authorization'))) {
      return { ...json(401, { error: { code: 'AUTH_MISSING', message: 'This inspector needs its token: Authorization: Bearer <token>.' } }), headers: { ...json(401, {}).headers, 'www-authenticate': 'Bearer' } };
    }
    const [, what, seq] = api;
    if (what === 'replay') {
      if (method !== 'POST') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'POST {"id":"<event id>"}.' } });
      // Only the page's own script can make this request: a JSON body forces a CORS preflight on any other site.
      if (!/^application\/json\b/i.test(header('content-type') ?? '') || header('sec-fetch-site') === 'cross-site') {
        return json(403, { error: { code: 'AUTH_FORBIDDEN', message: 'Replays are sent by the inspector page itself, as JSON.' } });
      }
      return replay(await readBody());
    }
    if (method !== 'GET') return json(405, { error: { code: 'METHOD_NOT_ALLOWED', message: 'GET only.' } });
    if (what === 'stream') {
      if (clients.size >= maxClients) return json(503, { error: { code: 'TOO_MANY_PAGES', message: `At most ${maxClients} pages can watch at once.` } });
      return 'stream';
    }
    if (seq !== undefined) {
      const detail = history.get(Number(seq));
      return detail === undefined ? json(404, { error: { code: 'NOT_FOUND', message: `Delivery ${seq} is not (or no longer) kept.` } }) : json(200, detail);
    }
    return json(200, { deliveries: history.summaries() });
  }

  const streamHeaders = { ...SECURITY_HEADERS, 'content-type': 'text/event-stream; charset=utf-8', connection: 'keep-alive', 'x-accel-buffering': 'no' };

  const inspector: Inspector = {
    attach(receiver) {
      receivers.push(receiver);
    },
    delivery(start) {
      return {
        end(result) {
          const detail = history.add(start, result);
          if (clients.size > 0) broadcast(sse('delivery', summaryOf(detail)));
        },
      };
    },
    handlerRun(start) {
      const stage = stageOf(start.event);
      return {
        end(result) {
          const detail = history.run(start.event.id, result.outcome, start.attempt, start.maxAttempts, result.error, stage);
          if (detail !== undefined && clients.size > 0) broadcast(sse('update', summaryOf(detail)));
        },
      };
    },
    async fetch(request) {
      const url = new URL(request.url);
      const reply = await route(request.method.toUpperCase(), url.pathname, (name) => request.headers.get(name) ?? undefined, async () => (await request.text()).slice(0, MAX_REQUEST_BODY));
      if (reply !== 'stream') {
        if (reply.headers['content-type']?.startsWith('text/html') && !url.pathname.endsWith('/')) {
          return new Response(null, { status: 308, headers: { location: `${url.pathname}/${url.search}` } });
        }
        return new Response(request.method === 'HEAD' ? null : reply.body, { status: reply.status, headers: reply.headers });
      }
      const encoder = new TextEncoder();
      let client: Client | undefined;
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          client = {
            send(chunk) {
              if ((controller.desiredSize ?? 0) < -MAX_BACKLOG) return false;
              controller.enqueue(encoder.encode(chunk));
              return true;
            },
            close() {
              try {
                controller.close();
              } catch {
                // already closed
              }
            },
          };
          addClient(client);
        },
        cancel() {
          if (client !== undefined) dropClient(client);
        },
      });
      request.signal?.addEventListener('abort', () => client !== undefined && dropClient(client));
      return new Response(body, { status: 200, headers: streamHeaders });
    },
    node(req, res, next) {
      const url = req.url ?? '/';
      const path = url.split('?', 1)[0] as string;
      const header = (name: string): string | undefined => {
        const value = req.headers[name];
        return Array.isArray(value) ? value.join(', ') : value;
      };
      const readBody = (): Promise<string> =>
        new Promise((resolve, reject) => {
          let text = '';
          req.on('data', (chunk) => {
            if (text.length < MAX_REQUEST_BODY) text += typeof chunk === 'string' ? chunk : new TextDecoder().decode(chunk);
          });
          req.on('end', () => resolve(text.slice(0, MAX_REQUEST_BODY)));
          req.on('error', reject);
        });
      route((req.method ?? 'GET').toUpperCase(), path, header, readBody).then(
        (reply) => {
          if (reply !== 'stream') {
            const full = (req.originalUrl ?? url).split('?', 1)[0] as string;
            if (reply.headers['content-type']?.startsWith('text/html') && !full.endsWith('/')) {
              res.writeHead(308, { location: `${full}/` });
              res.end();
              return;
            }
            res.writeHead(reply.status, reply.headers);
            res.end(req.method === 'HEAD' ? undefined : reply.body);
            return;
          }
          res.writeHead(200, streamHeaders);
          const client: Client = {
            send(chunk) {
              if ((res.writableLength ?? 0) > MAX_BACKLOG) return false;
              res.write(chunk);
              return true;
            },
            close: () => void res.end(),
          };
          res.on('close', () => dropClient(client));
          addClient(client);
        },
        (error: unknown) => {
          if (next !== undefined) next(error);
          else {
            res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
            res.end('inspector error');
          }
        },
      );
    },
    deliveries: () => history.summaries(),
    detail: (seq) => history.get(seq),
    close() {
      for (const client of [...clients]) dropClient(client);
    },
  };
  return inspector;
}
