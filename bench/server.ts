/**
 * One benchmark server, run in a child process by run.ts: `server.ts <kind>`.
 * It listens on 127.0.0.1 (port chosen by the OS), reports `{ type: 'ready', port }` over IPC, and on
 * `{ type: 'stop' }` (or when the parent goes away) reports what its handlers saw and exits.
 * Frameworks and countersign are imported lazily, so a bare server loads nothing it does not use.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import type { DispatchCounter } from './lib/receivers.js';
import { GITHUB_SECRET } from './lib/payloads.js';
import { isServerKind, SLOW_CONCURRENCY, SLOW_HANDLER_MS, type ChildMessage, type ParentMessage, type ServerKind } from './lib/protocol.js';

type Next = (error?: unknown) => void;
type Listener = (req: IncomingMessage, res: ServerResponse) => void;

/** The few parts of Express 5 the bench uses (express ships no types; @types/express is not a bench dependency). */
interface ExpressResponse extends ServerResponse {
  status(code: number): ExpressResponse;
}
type ExpressHandler = (req: IncomingMessage, res: ExpressResponse, next: Next) => void;
interface ExpressApp extends Listener {
  use(path: string, ...handlers: Array<(req: IncomingMessage, res: ServerResponse, next: Next) => void>): void;
  post(path: string, ...handlers: ExpressHandler[]): void;
  disable(setting: string): void;
}
interface ExpressFactory {
  (): ExpressApp;
  raw(options: { type: string; limit: string }): ExpressHandler;
}

const require = createRequire(import.meta.url);
const loadExpress = (): ExpressFactory => require('express') as ExpressFactory;

const counter: DispatchCounter = { dispatched: 0 };

function listen(server: Server): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

/** Read and drop the body, then answer an empty 200: what a bare node:http webhook endpoint at least does. */
function bareNode(req: IncomingMessage, res: ServerResponse): void {
  const chunks: Buffer[] = [];
  req.on('data', (chunk: Buffer) => chunks.push(chunk));
  req.on('end', () => {
    Buffer.concat(chunks);
    res.writeHead(200, { 'content-length': '0' });
    res.end();
  });
}

/**
 * The floor: what any receiver must at least do for one Adobe notification, written by hand with no library and none
 * of countersign's bounds, validation or observability. Read the body, check the client id, decode and parse the
 * JSON, read `event` and `webhookNotificationId`, bind the key to the body's SHA-256 (no OAuth), remember the key
 * (a Set, cleared at 100,000), queue the event (an array drained after the answer, one no-op handler call each), and
 * answer the echo Acrobat Sign requires (header and JSON body). Not a receiver to use: the reference the throughput
 * targets can be read against (`cpu-per-delivery.ts --only=node-floor`).
 */
async function nodeFloor(): Promise<Listener> {
  const { createHash } = await import('node:crypto');
  const { ADOBE_CLIENT_ID } = await import('./lib/payloads.js');
  const decoder = new TextDecoder();
  const seen = new Set<string>();
  const queue: unknown[] = [];
  const echo = JSON.stringify({ xAdobeSignClientId: ADOBE_CLIENT_ID });
  const drain = (): void => {
    for (const event of queue.splice(0)) if (event !== undefined) counter.dispatched += 1;
  };
  return (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.headers['x-adobesign-clientid'] !== ADOBE_CLIENT_ID) {
        res.writeHead(401, { 'content-length': '0' }).end();
        return;
      }
      const json = JSON.parse(decoder.decode(body)) as { event?: unknown; webhookNotificationId?: unknown };
      if (typeof json.event !== 'string' || typeof json.webhookNotificationId !== 'string') {
        res.writeHead(400, { 'content-length': '0' }).end();
        return;
      }
      const key = `${json.webhookNotificationId}#${createHash('sha256').update(body).digest('hex')}`;
      if (!seen.has(key)) {
        if (seen.size >= 100_000) seen.clear();
        seen.add(key);
        if (queue.push({ name: json.event, key, payload: json }) === 1) setImmediate(drain);
      }
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(echo)), 'x-adobesign-clientid': ADOBE_CLIENT_ID });
      res.end(echo);
    });
  };
}

async function start(kind: ServerKind): Promise<Server> {
  switch (kind) {
    case 'express-bare': {
      const express = loadExpress();
      const app = express();
      app.disable('x-powered-by');
      app.post('/webhooks/adobe', express.raw({ type: '*/*', limit: '10mb' }), (_req, res) => {
        res.status(200).end();
      });
      return createServer(app);
    }
    case 'express':
    case 'express-slow': {
      const express = loadExpress();
      const [{ countersign }, { fastReceiver, slowReceiver }] = await Promise.all([import('@countersign/express'), import('./lib/receivers.js')]);
      const receiver = kind === 'express' ? fastReceiver(counter) : slowReceiver(counter, SLOW_HANDLER_MS, SLOW_CONCURRENCY);
      const app = express();
      app.disable('x-powered-by');
      app.use('/webhooks', countersign(receiver));
      return createServer(app);
    }
    case 'fastify-bare': {
      const { fastify } = await import('fastify');
      const app = fastify({ bodyLimit: 10 * 1024 * 1024 });
      app.post('/webhooks/adobe', async (_request, reply) => reply.code(200).send());
      await app.ready();
      return app.server;
    }
    case 'fastify': {
      const [{ fastify }, { countersign }, { fastReceiver }] = await Promise.all([
        import('fastify'),
        import('@countersign/fastify'),
        import('./lib/receivers.js'),
      ]);
      const app = fastify();
      await app.register(countersign, { receiver: fastReceiver(counter), prefix: '/webhooks' });
      await app.ready();
      return app.server;
    }
    case 'node-bare':
      return createServer(bareNode);
    case 'node-floor':
      return createServer(await nodeFloor());
    case 'node': {
      const [{ createListener }, { fastReceiver }] = await Promise.all([import('@countersign/node'), import('./lib/receivers.js')]);
      const listener = createListener(fastReceiver(counter), { prefix: '/webhooks' });
      return createServer((req, res) => listener(req, res));
    }
    case 'fetch-bare': {
      const { createAdaptorServer } = await import('@hono/node-server');
      return createAdaptorServer({
        fetch: async (request: Request) => {
          await request.arrayBuffer();
          return new Response(null, { status: 200 });
        },
      }) as Server;
    }
    case 'fetch': {
      const [{ createAdaptorServer }, { createFetchHandler }, { fastReceiver }] = await Promise.all([
        import('@hono/node-server'),
        import('@countersign/fetch'),
        import('./lib/receivers.js'),
      ]);
      const handler = createFetchHandler(fastReceiver(counter), { prefix: '/webhooks' });
      return createAdaptorServer({ fetch: (request: Request) => handler(request) }) as Server;
    }
    case 'octokit': {
      const { Webhooks, createNodeMiddleware } = await import('@octokit/webhooks');
      const silent = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
      const webhooks = new Webhooks({ secret: GITHUB_SECRET, log: silent });
      webhooks.onAny(() => {
        counter.dispatched += 1;
      });
      const middleware = createNodeMiddleware(webhooks, { path: '/webhooks/github', log: silent });
      return createServer((req, res) => {
        void middleware(req, res);
      });
    }
  }
}

function report(message: ChildMessage): Promise<void> {
  return new Promise((resolve) => {
    if (process.send === undefined) resolve();
    else process.send(message, undefined, {}, () => resolve());
  });
}

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (!isServerKind(kind)) throw new Error(`server.ts: unknown server kind "${String(kind)}".`);
  if (process.send === undefined) throw new Error('server.ts runs as a child of run.ts (it needs an IPC channel).');
  const server = await start(kind);
  server.keepAliveTimeout = 60_000;
  const port = await listen(server);

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    server.closeAllConnections();
    server.close();
    // Exit without draining sleeping handlers (the slow scenario); process.exit still writes --cpu-prof output.
    void report({ type: 'stats', dispatched: counter.dispatched, rssMb: Math.round(process.memoryUsage().rss / 1048576) }).then(() => process.exit(0));
  };
  process.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') stop();
    else if (message.type === 'cpu') {
      const { user, system } = process.cpuUsage();
      void report({ type: 'cpu', us: user + system, dispatched: counter.dispatched });
    }
  });
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  await report({ type: 'ready', port });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
