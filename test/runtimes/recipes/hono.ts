// hono.ts: Hono on Cloudflare Workers, with each request's own keep-alive (`c.executionCtx`).
import { env } from 'cloudflare:workers';
import { Hono } from 'hono';
import { createFetchHandler } from '@countersign/fetch';
import { webhookReceiver } from './receiver.ts';

const handler = createFetchHandler(webhookReceiver(env), { waitUntil: 'per-request' });
const app = new Hono();
app.all('/webhooks/:endpoint', (c) => handler(c.req.raw, c.executionCtx));
export default app;
