/**
 * Mutual TLS as an endpoint option, checked in the core: every Node-based adapter passes the client certificate,
 * so `clientCertificate` works the same behind each of them (the Fetch adapter cannot see the TLS layer).
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import https from 'node:https';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import Fastify from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CountersignError, createReceiver, defineProvider, jsonResponse, type AnyReceiver } from '@countersign/core';
import { countersign as expressCountersign } from '@countersign/express';
import { countersign as fastifyCountersign } from '@countersign/fastify';
import { createListener } from '@countersign/node';
import { listen, send, uniqueId } from './support.js';

const pem = (name: string): string => readFileSync(new URL(`../../packages/node/test/fixtures/${name}.pem`, import.meta.url), 'utf8');
const server = { key: pem('server-key'), cert: pem('server-cert') };
const adobe = { key: pem('adobe-key'), cert: pem('adobe-cert') };
const intruder = { key: pem('intruder-key'), cert: pem('intruder-cert') };
const tlsOptions = { ...server, requestCert: true, rejectUnauthorized: false };

type ExpressApp = https.ServerOptions & ((req: unknown, res: unknown) => void) & { use(path: string, handler: unknown): ExpressApp };
const load = createRequire(import.meta.url);

/** An endpoint requiring Adobe's certificate (pinned), with a plain token check behind it. */
function receiver() {
  const pinned = defineProvider({
    kind: 'pinned',
    clientCertificate: { fingerprint256: new X509Certificate(adobe.cert).fingerprint256 },
    authenticate(ctx) {
      if (ctx.headers.get('x-token') !== 'ok') throw new CountersignError('AUTH_INVALID', 'bad token');
    },
    parse: (ctx) => ({ name: 'PING', known: false, key: String(ctx.json().id), payload: ctx.json() }),
    acknowledge: () => jsonResponse(200, { accepted: true }),
  });
  return createReceiver({ endpoints: { pinned } });
}

const adapters: Array<{ name: string; start(receiver: AnyReceiver): Promise<{ url: string; close(): Promise<void> }> }> = [
  { name: 'express 5', start: (r) => listen(https.createServer(tlsOptions, (load('express') as () => ExpressApp)().use('/webhooks', expressCountersign(r)))) },
  { name: 'express 4', start: (r) => listen(https.createServer(tlsOptions, (load('express4') as () => ExpressApp)().use('/webhooks', expressCountersign(r)))) },
  {
    name: 'fastify',
    async start(r) {
      const app = Fastify({ https: tlsOptions, forceCloseConnections: true });
      await app.register(fastifyCountersign, { receiver: r, prefix: '/webhooks' });
      await app.listen({ port: 0, host: '127.0.0.1' });
      return { url: `https://127.0.0.1:${(app.server.address() as AddressInfo).port}/webhooks`, close: () => app.close() };
    },
  },
  { name: 'node', start: (r) => listen(https.createServer(tlsOptions, createListener(r))) },
];

describe.each(adapters)('$name adapter: an endpoint requiring a client certificate', (adapter) => {
  let running: { url: string; close(): Promise<void> };
  let target: ReturnType<typeof receiver>;
  beforeAll(async () => {
    target = receiver();
    running = await adapter.start(target);
  });
  afterAll(async () => {
    await running.close();
    await target.close();
  });
  const post = (identity?: { key: string; cert: string }) =>
    send(running.url, { method: 'POST', path: '/pinned', headers: { 'x-token': 'ok', 'content-type': 'application/json' }, body: JSON.stringify({ id: uniqueId('tls') }) }, { ca: server.cert, ...identity });

  it('accepts the pinned certificate, refuses another or none with 403 before authenticating', async () => {
    expect((await post(adobe)).status).toBe(200);
    for (const identity of [intruder, undefined]) {
      const res = await post(identity);
      expect([res.status, res.error?.code]).toEqual([403, 'AUTH_FORBIDDEN']);
    }
  });
});
