/**
 * The reference receiver on Hono through @countersign/fetch (the same handler runs on Bun, Deno, Workers and
 * Next.js): same environment, routes and stdout as examples/express. Served here by @hono/node-server.
 */
import { serve } from '@hono/node-server';
import { Hono } from 'hono';
import { createFetchHandler } from '@countersign/fetch';
import { closeOnSignals, createExampleReceiver, startupFailure, type ExampleReceiver } from '@countersign/example-express/receiver';

let example: ExampleReceiver;
try {
  example = createExampleReceiver();
} catch (error) {
  startupFailure(error);
}
const { receiver, production } = example;

const webhooks = createFetchHandler(receiver, { prefix: '/webhooks' });
const app = new Hono();
app.all('/webhooks/:endpoint', (c) => webhooks(c.req.raw));
app.get('/healthz', async (c) => {
  const report = await receiver.ready();
  return c.json(report, report.ready ? 200 : 503);
});

const server = serve({ fetch: app.fetch, port: Number(process.env.PORT ?? 3000), hostname: process.env.HOST ?? '127.0.0.1' }, (info) => {
  receiver.logger.info({ port: info.port, endpoints: Object.keys(receiver.endpoints), production }, `listening on http://127.0.0.1:${info.port}`);
});
closeOnSignals(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await receiver.close();
});
