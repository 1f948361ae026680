/**
 * A receiver process: `@countersign/node`'s listener on node:http, Redis dedupe, BullMQ queue. It only receives.
 * Prints `{"type":"listening","port":N}` once it listens (PORT, default 0 = random). `GET /ready` answers the
 * readiness report (200 ready, 503 not). Run: `npx -y tsx --conditions=source test/production/processes/receiver.ts`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createListener } from '@countersign/node';
import { createApp, report } from './app.js';

const { receiver } = createApp();
const webhooks = createListener(receiver); // POST /webhooks/<endpoint>

const server = createServer((req, res) => {
  const path = (req.url ?? '/').split('?')[0] ?? '/';
  if (path === '/ready') {
    void receiver.ready().then((readiness) => {
      res.writeHead(readiness.ready ? 200 : 503, { 'content-type': 'application/json' });
      res.end(JSON.stringify(readiness));
    });
    return;
  }
  webhooks(req, res);
});

server.listen(Number(process.env.PORT ?? 0), '127.0.0.1', () => {
  report({ type: 'listening', port: (server.address() as AddressInfo).port });
});

async function shutdown(): Promise<void> {
  server.close();
  await receiver.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());
