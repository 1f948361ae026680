import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Fastify, { type FastifyInstance } from 'fastify';
import countersign from '../src/index.js';
import { conformanceReceiver, delivery, send, uniqueId } from '../../../test/conformance/support.js';

describe('fastify plugin', () => {
  const webhooks = conformanceReceiver();
  const other = conformanceReceiver();
  let app: FastifyInstance;
  let url: string;

  beforeAll(async () => {
    app = Fastify({ forceCloseConnections: true });
    app.post('/api/before', async (request) => ({ parsed: request.body }));
    await app.register(countersign, { receiver: webhooks.receiver, prefix: '/webhooks' });
    await app.register(countersign, { receiver: other.receiver, prefix: '/other-hooks' });
    app.post('/api/after', async (request) => ({ parsed: request.body }));
    await app.register(async (child) => {
      child.post('/api/child', async (request) => ({ parsed: request.body }));
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await app.close();
    await Promise.all([webhooks.close(), other.close()]);
  });

  it('leaves the app\'s JSON parsing (and its 1 MB body limit) working on every other route', async () => {
    for (const path of ['/api/before', '/api/after', '/api/child']) {
      const res = await send(url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: '{"hello":"world"}' });
      expect(res.json(), path).toEqual({ parsed: { hello: 'world' } });
      const text = await send(url, { method: 'POST', path, headers: { 'content-type': 'text/plain' }, body: 'plain' });
      expect(text.json(), path).toEqual({ parsed: 'plain' });
      const bad = await send(url, { method: 'POST', path, headers: { 'content-type': 'application/json' }, body: '{oops' });
      expect(bad.status, path).toBe(400);
      const unknownType = await send(url, { method: 'POST', path, headers: { 'content-type': 'application/x-custom' }, body: 'x' });
      expect(unknownType.status, path).toBe(415);
    }
    expect(app.hasContentTypeParser('application/json')).toBe(true);
    expect(app.hasContentTypeParser('*')).toBe(false);
    const big = await send(url, { method: 'POST', path: '/api/after', headers: { 'content-type': 'application/json' }, body: `{"pad":"${'x'.repeat(2 * 1024 * 1024)}"}` });
    expect(big.status).toBe(413);
  });

  it('hands JSON deliveries to the core as raw bytes, past fastify\'s 1 MB default limit', async () => {
    const id = uniqueId('fastify-2mb');
    const body = `{"event":"PING", "id":"${id}", "pad":"${'x'.repeat(2 * 1024 * 1024)}"}`;
    const res = await send(url, { ...delivery(body), path: '/webhooks/test' });
    expect(res.status, res.body).toBe(200);
    await webhooks.dispatched.waitFor('test', id);
  });

  it('can be registered more than once, one receiver per prefix', async () => {
    const id = uniqueId('fastify-other');
    const res = await send(url, { ...delivery({ event: 'PING', id }), path: '/other-hooks/test' });
    expect(res.status).toBe(200);
    await other.dispatched.waitFor('test', id);
    expect(webhooks.dispatched.of('test', id)).toHaveLength(0);
  });

  it('refuses to register on a Fastify that is not 5.x', async () => {
    const fake = Fastify();
    Object.defineProperty(fake, 'version', { value: '4.28.0' });
    await expect(fake.register(countersign, { receiver: webhooks.receiver }).ready()).rejects.toThrow(/expected '5.x' fastify version/);
  });
});
