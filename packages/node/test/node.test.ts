import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { defineProvider, jsonResponse } from '@countersign/core';
import { createListener, type ListenerOptions } from '../src/index.js';
import { conformanceReceiver, delivery, listen, send, uniqueId } from '../../../test/conformance/support.js';

const pem = (name: string): string => readFileSync(new URL(`./fixtures/${name}.pem`, import.meta.url), 'utf8');
const server = { key: pem('server-key'), cert: pem('server-cert') };
const adobe = { key: pem('adobe-key'), cert: pem('adobe-cert') };
const intruder = { key: pem('intruder-key'), cert: pem('intruder-cert') };
const fingerprint = (cert: string): string => new X509Certificate(cert).fingerprint256;

/** An endpoint that answers with what the pipeline saw of the TLS client certificate. */
const whoami = defineProvider({
  kind: 'whoami',
  authenticate() {},
  parse: () => ({ name: 'WHOAMI', known: false, key: uniqueId('whoami'), payload: {} }),
  acknowledge: (ctx) => jsonResponse(200, { peerCertificate: ctx.peerCertificate ?? null }),
});

const harness = conformanceReceiver({ whoami });
const closers: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of closers.splice(0)) await close();
});
afterAll(() => harness.close());

async function serve(make: () => http.Server, prefix = ''): Promise<string> {
  const running = await listen(make(), prefix);
  closers.push(running.close);
  return running.url;
}

describe('createListener as a plain listener', () => {
  it('serves <prefix>/<endpoint> and answers a coded 404 for paths outside the prefix', async () => {
    const url = await serve(() => http.createServer(createListener(harness.receiver)));
    const id = uniqueId('node');
    expect((await send(url, { ...delivery({ event: 'PING', id }), path: '/webhooks/test' })).status).toBe(200);
    await harness.dispatched.waitFor('test', id);
    for (const path of ['/elsewhere/test', '/webhooksX/test', '/webhooks', '/']) {
      const res = await send(url, { ...delivery({ event: 'PING', id: uniqueId('outside') }), path });
      expect(res.status, path).toBe(404);
      expect(res.error?.code, path).toBe('ENDPOINT_NOT_FOUND');
    }
  });

  it('honours a custom prefix (trailing slash ignored)', async () => {
    const url = await serve(() => http.createServer(createListener(harness.receiver, { prefix: '/api/hooks/' })));
    const id = uniqueId('prefix');
    expect((await send(url, { ...delivery({ event: 'PING', id }), path: '/api/hooks/test' })).status).toBe(200);
    expect((await send(url, { ...delivery({ event: 'PING', id }), path: '/webhooks/test' })).status).toBe(404);
  });
});

describe('createListener as connect-style middleware', () => {
  it('calls next() for paths outside its prefix and answers the rest itself', async () => {
    const listener = createListener(harness.receiver);
    const url = await serve(() =>
      http.createServer((req, res) =>
        listener(req, res, () => {
          res.writeHead(200, { 'content-type': 'text/plain' }).end(`next:${req.url}`);
        }),
      ),
    );
    const health = await send(url, { method: 'GET', path: '/health' });
    expect(health.body).toBe('next:/health');
    const prefixLookalike = await send(url, { method: 'POST', path: '/webhooksX/test', body: '{}' });
    expect(prefixLookalike.body).toBe('next:/webhooksX/test');
    const unknown = await send(url, { ...delivery({ event: 'PING', id: uniqueId('mw') }), path: '/webhooks/nope' });
    expect(unknown.error?.code).toBe('ENDPOINT_NOT_FOUND');
  });
});

describe('TLS client certificates', () => {
  const httpsServer = (options: ListenerOptions, ca?: string) => () =>
    https.createServer({ ...server, requestCert: true, rejectUnauthorized: false, ...(ca && { ca }) }, createListener(harness.receiver, options));
  const client = (identity?: { key: string; cert: string }) => ({ ca: server.cert, ...identity });
  const whoamiRequest = { method: 'POST', path: '/webhooks/whoami', body: '{}' };

  it('exposes the peer certificate to the pipeline (fingerprint, subject, authorized)', async () => {
    const url = await serve(httpsServer({}));
    const seen = (await send(url, whoamiRequest, client(adobe))).json() as { peerCertificate: Record<string, unknown> };
    expect(seen.peerCertificate).toEqual({
      fingerprint256: fingerprint(adobe.cert),
      subject: { C: 'US', O: 'Adobe Inc.', CN: 'webhooks.adobesign.com' },
      authorized: false,
    });
    expect((await send(url, whoamiRequest, client())).json()).toEqual({ peerCertificate: null });
  });

  it('with a pinned fingerprint: the matching certificate passes, another or none gets 403 before the pipeline runs', async () => {
    const url = await serve(httpsServer({ requireClientCertificate: { fingerprint256: [fingerprint(intruder.cert).toLowerCase(), fingerprint(adobe.cert).replace(/:/g, '')] } }));
    const bad = await serve(httpsServer({ requireClientCertificate: { fingerprint256: fingerprint(adobe.cert) } }));
    const id = uniqueId('mtls');
    const ok = await send(url, { ...delivery({ event: 'PING', id }), path: '/webhooks/test' }, client(adobe));
    expect(ok.status).toBe(200);
    await harness.dispatched.waitFor('test', id);
    for (const identity of [intruder, undefined]) {
      const refusedId = uniqueId('mtls-refused');
      const res = await send(bad, { ...delivery({ event: 'PING', id: refusedId }), path: '/webhooks/test' }, client(identity));
      expect(res.status).toBe(403);
      expect(res.error?.code).toBe('AUTH_FORBIDDEN');
      expect(harness.enqueuedCount('test', refusedId)).toBe(0);
    }
  });

  it('with a subject only: the certificate must also be validated by the server\'s CA list', async () => {
    const requirement = { requireClientCertificate: { subject: { CN: 'webhooks.adobesign.com', O: 'Adobe Inc.' } } };
    const trusted = await serve(httpsServer(requirement, `${adobe.cert}\n${intruder.cert}`));
    const untrusted = await serve(httpsServer(requirement));
    expect((await send(trusted, whoamiRequest, client(adobe))).status).toBe(200);
    const wrongSubject = await send(trusted, whoamiRequest, client(intruder));
    expect(wrongSubject.status).toBe(403);
    expect(wrongSubject.error?.message).toContain('CN');
    const selfSigned = await send(untrusted, whoamiRequest, client(adobe));
    expect(selfSigned.status).toBe(403);
    expect(selfSigned.error?.message).toContain('not validated');
  });

  it('refuses plain HTTP when a client certificate is required', async () => {
    const url = await serve(() => http.createServer(createListener(harness.receiver, { requireClientCertificate: { fingerprint256: fingerprint(adobe.cert) } })));
    const res = await send(url, whoamiRequest);
    expect(res.status).toBe(403);
    expect(res.error?.message).toContain('none was presented');
  });
});
