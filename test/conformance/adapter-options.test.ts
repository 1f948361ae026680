/**
 * One adapter shape: the four adapters take the same routing options (`AdapterOptions` of @countersign/core: `prefix`
 * and `endpoint`), with the same meaning, over real HTTP. The same options object is given to each, mounted at the
 * root of its host; the defaults that follow from how each host mounts an adapter are pinned below.
 */
import http from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import { createReceiver, defineProvider, jsonResponse, silentLogger, type AdapterOptions, type AnyReceiver } from '@countersign/core';
import { countersign as expressCountersign, type CountersignExpressOptions } from '@countersign/express';
import { countersign as fastifyCountersign, type CountersignFastifyOptions } from '@countersign/fastify';
import { createFetchHandler, type FetchHandlerOptions } from '@countersign/fetch';
import { createListener, type ListenerOptions } from '@countersign/node';
import { serveFetch } from './adapters.js';
import { listen, send, uniqueId } from './support.js';

type Running = { url: string; close(): Promise<void> };
type ExpressApp = http.RequestListener & { use(handler: unknown): ExpressApp; use(path: string, handler: unknown): ExpressApp };
const load = createRequire(import.meta.url);

/** Each adapter, mounted at the root of its host with `options` (Fastify's `prefix` is its register option). */
const adapters: Array<{ name: string; start(receiver: AnyReceiver, options: AdapterOptions): Promise<Running> }> = [
  { name: 'express 5', start: (r, options) => listen(http.createServer((load('express') as () => ExpressApp)().use(expressCountersign(r, options))), '') },
  { name: 'express 4', start: (r, options) => listen(http.createServer((load('express4') as () => ExpressApp)().use(expressCountersign(r, options))), '') },
  {
    name: 'fastify',
    async start(r, options) {
      const app = Fastify({ forceCloseConnections: true });
      await app.register(fastifyCountersign, { receiver: r, ...options });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() };
    },
  },
  { name: 'node', start: (r, options) => listen(http.createServer(createListener(r, options)), '') },
  { name: 'fetch', start: (r, options) => listen(http.createServer(serveFetch(createFetchHandler(r, options))), '') },
];

/** Endpoints `a` and `fixed`, each answering with its own name. */
function receiver() {
  const named = (name: string) =>
    defineProvider({
      kind: name,
      authenticate: () => undefined,
      parse: (ctx) => ({ name: 'PING', known: false, key: String(ctx.json().id), payload: ctx.json() }),
      acknowledge: () => jsonResponse(200, { endpoint: name }),
    });
  return createReceiver({ endpoints: { a: named('a'), fixed: named('fixed') }, logger: silentLogger });
}

/** The endpoint that answered a POST to `path`, or the status when none did. */
async function reached(running: Running, path: string): Promise<string | number> {
  const res = await send(running.url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id: uniqueId('route') }) });
  return res.status === 200 ? (res.json() as { endpoint: string }).endpoint : res.status;
}

describe('adapter options', () => {
  it('have the same names in every adapter', () => {
    expectTypeOf<CountersignExpressOptions>().toExtend<AdapterOptions>();
    expectTypeOf<Omit<CountersignFastifyOptions, 'receiver'>>().toExtend<AdapterOptions>();
    expectTypeOf<ListenerOptions>().toExtend<AdapterOptions>();
    expectTypeOf<FetchHandlerOptions>().toExtend<AdapterOptions>();
    expectTypeOf<AdapterOptions>().toEqualTypeOf<{ prefix?: string | undefined; endpoint?: string | undefined }>();
    expect(adapters).toHaveLength(5);
  });
});

describe.each(adapters)('$name adapter', (adapter) => {
  const target = receiver();
  const running: Running[] = [];
  const start = async (options: AdapterOptions): Promise<Running> => {
    const server = await adapter.start(target, options);
    running.push(server);
    return server;
  };
  afterAll(async () => {
    await Promise.all(running.map((server) => server.close()));
    await target.close();
  });

  describe('{ prefix }: the name is the path segment below it', () => {
    let server: Running;
    beforeAll(async () => {
      server = await start({ prefix: '/hooks/' });
    });
    it('serves <prefix>/<name>', async () => {
      expect(await reached(server, '/hooks/a')).toBe('a');
      expect(await reached(server, '/hooks/fixed')).toBe('fixed');
    });
    it('serves nothing outside the prefix or deeper than one segment', async () => {
      expect(await reached(server, '/elsewhere/a')).toBe(404);
      expect(await reached(server, '/hooks/x/a')).toBe(404);
      expect(await reached(server, '/hooks/nope')).toBe(404);
    });
  });

  describe('{ prefix, endpoint }: one endpoint for every request under the prefix', () => {
    let server: Running;
    beforeAll(async () => {
      server = await start({ prefix: '/hooks/adobe', endpoint: 'fixed' });
    });
    it('serves <prefix> and what is below it as that endpoint', async () => {
      expect(await reached(server, '/hooks/adobe')).toBe('fixed');
      expect(await reached(server, '/hooks/adobe/a')).toBe('fixed');
    });
    it('serves nothing outside the prefix', async () => {
      expect(await reached(server, '/hooks/a')).toBe(404);
    });
  });
});

describe('defaults, from how each host mounts its adapter', () => {
  const target = receiver();
  const running: Running[] = [];
  afterAll(async () => {
    await Promise.all(running.map((server) => server.close()));
    await target.close();
  });
  const keep = (server: Running): Running => (running.push(server), server);

  it('node: the prefix is /webhooks, nothing mounts it', async () => {
    const server = keep(await listen(http.createServer(createListener(target)), ''));
    expect(await reached(server, '/webhooks/a')).toBe('a');
    expect(await reached(server, '/a')).toBe(404);
  });

  it('fetch: the last path segment, the framework route decided the rest', async () => {
    const server = keep(await listen(http.createServer(serveFetch(createFetchHandler(target))), ''));
    expect(await reached(server, '/api/webhooks/a')).toBe('a');
    expect(await reached(server, '/a')).toBe('a');
  });

  it.each(['express', 'express4'])('%s: the mount path is the prefix, or the :endpoint segment is the name', async (module) => {
    const app = (load(module) as () => ExpressApp & { all(path: string, handler: unknown): unknown })();
    app.use('/webhooks', expressCountersign(target));
    app.all('/by-param/:endpoint', expressCountersign(target));
    const server = keep(await listen(http.createServer(app), ''));
    expect(await reached(server, '/webhooks/a')).toBe('a');
    expect(await reached(server, '/by-param/fixed')).toBe('fixed');
  });

  it('fastify: the register prefix is the prefix', async () => {
    const app = Fastify({ forceCloseConnections: true });
    await app.register(fastifyCountersign, { receiver: target, prefix: '/webhooks' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    const server = keep({ url: `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`, close: () => app.close() });
    expect(await reached(server, '/webhooks/a')).toBe('a');
  });

  it('refuses a malformed option at creation with CONFIG_INVALID', () => {
    expect(() => createListener(target, { endpoint: 'a/b' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createFetchHandler(target, { prefix: 'hooks' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => expressCountersign(target, { endpoint: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
