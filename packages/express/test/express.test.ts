import http from 'node:http';
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it } from 'vitest';
import express from 'express';
import type { Logger } from '@countersign/core';
import { countersign, type CountersignExpressOptions } from '../src/index.js';
import { conformanceReceiver, delivery, listen, send, uniqueId } from '../../../test/conformance/support.js';

const express4 = createRequire(import.meta.url)('express4') as typeof express;

type Logged = { level: string; obj: object; msg: string | undefined };
function memoryLogger(): Logger & { records: Logged[] } {
  const records: Logged[] = [];
  const at = (level: string) => (obj: object, msg?: string) => void records.push({ level, obj, msg });
  return { records, debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') };
}

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0)) await cleanup();
});

type Mount = (app: express.Express, webhooks: (options?: CountersignExpressOptions) => ReturnType<typeof countersign>) => void;

/** An app built by `mount` around one receiver, served over real HTTP. */
async function serve(framework: typeof express, mount: Mount) {
  const logger = memoryLogger();
  const harness = conformanceReceiver(undefined, logger);
  const app = framework();
  mount(app, (options) => countersign(harness.receiver, options));
  const server = await listen(http.createServer(app), '');
  cleanups.push(() => server.close(), () => harness.close());
  return { url: server.url, harness, logger };
}

describe.each([
  { name: 'Express 5', framework: express },
  { name: 'Express 4', framework: express4 },
])('$name', ({ framework }) => {
  it('routes by mount path, by the :endpoint param, or by the endpoint option; GET handshakes included', async () => {
    const { url, harness } = await serve(framework, (app, webhooks) => {
      app.use('/webhooks', webhooks());
      app.all('/by-param/:endpoint', webhooks());
      app.post('/legacy-hook', webhooks({ endpoint: 'test' }));
    });
    for (const path of ['/webhooks/test', '/by-param/test', '/legacy-hook']) {
      const id = uniqueId('route');
      const res = await send(url, { ...delivery({ event: 'PING', id }), path });
      expect(res.status, path).toBe(200);
      await harness.dispatched.waitFor('test', id);
    }
    const handshake = await send(url, { method: 'GET', path: '/by-param/test', headers: { 'x-test-client': 'client-1' } });
    expect(handshake.status).toBe(200);
    expect(handshake.headers['x-test-client']).toBe('client-1');
  });

  it('answers 500 BODY_ALREADY_PARSED after express.json(), says how to fix the mounting, and logs it', async () => {
    const { url, harness, logger } = await serve(framework, (app, webhooks) => {
      app.use(framework.json());
      app.use('/webhooks', webhooks());
    });
    const id = uniqueId('parsed');
    const res = await send(url, { ...delivery({ event: 'PING', id }), path: '/webhooks/test' });
    expect(res.status).toBe(500);
    expect(res.error?.code).toBe('BODY_ALREADY_PARSED');
    expect(res.error?.message).toContain('before the body parser');
    expect(res.error?.message).toContain('express.raw({ type: "*/*", limit: "10mb" })');
    expect(logger.records).toContainEqual(expect.objectContaining({ level: 'error', obj: expect.objectContaining({ code: 'BODY_ALREADY_PARSED' }) }));
    expect(harness.enqueuedCount('test', id)).toBe(0);
  });

  it('answers 500 BODY_ALREADY_PARSED after express.text() and express.urlencoded() too', async () => {
    const { url } = await serve(framework, (app, webhooks) => {
      app.use(framework.text({ type: 'text/plain' }), framework.urlencoded({ extended: false }));
      app.use('/webhooks', webhooks());
    });
    for (const type of ['text/plain', 'application/x-www-form-urlencoded']) {
      const res = await send(url, { ...delivery({ event: 'PING', id: uniqueId('text') }, 'test', { 'content-type': type }), path: '/webhooks/test' });
      expect(res.error?.code, type).toBe('BODY_ALREADY_PARSED');
    }
  });

  it('accepts the exact bytes from express.raw({ type: "*/*" }) on the webhook route (signature verified)', async () => {
    const { url, harness } = await serve(framework, (app, webhooks) => {
      app.use('/webhooks', framework.raw({ type: '*/*', limit: '10mb' }), webhooks());
    });
    const id = uniqueId('raw');
    const res = await send(url, { ...delivery(`{"event":"PING",\r\n"id":"${id}","note":"déjà"}`), path: '/webhooks/test' });
    expect(res.status, res.body).toBe(200);
    await harness.dispatched.waitFor('test', id);
  });

  it('is unaffected by an app-wide express.json() when the delivery is not JSON-typed (the stream is still unread)', async () => {
    const { url, harness } = await serve(framework, (app, webhooks) => {
      app.use(framework.json());
      app.use('/webhooks', webhooks());
    });
    const id = uniqueId('unparsed');
    const res = await send(url, { ...delivery({ event: 'PING', id }, 'test', { 'content-type': 'application/octet-stream' }), path: '/webhooks/test' });
    expect(res.status, res.body).toBe(200);
    await harness.dispatched.waitFor('test', id);
  });

  it('leaves the app\'s other routes alone when mounted on its own path', async () => {
    const { url } = await serve(framework, (app, webhooks) => {
      app.use('/webhooks', webhooks());
      app.post('/api/echo', framework.json(), (req, res) => {
        res.json({ got: (req.body as { hello: string }).hello });
      });
    });
    const res = await send(url, { method: 'POST', path: '/api/echo', headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' });
    expect(res.json()).toEqual({ got: 'world' });
    const unknown = await send(url, { ...delivery({ event: 'PING', id: 'x' }, 'nope'), path: '/webhooks/nope' });
    expect(unknown.error?.code).toBe('ENDPOINT_NOT_FOUND');
  });
});
