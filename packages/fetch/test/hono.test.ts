import { afterAll, describe, expect, it } from 'vitest';
import { Hono } from 'hono';
import { createFetchHandler } from '../src/index.js';
import { conformanceReceiver, signedHeaders, uniqueId } from '../../../test/conformance/support.js';

const harness = conformanceReceiver();
afterAll(() => harness.close());

const handler = createFetchHandler(harness.receiver);
const app = new Hono();
app.all('/webhooks/:endpoint', (c) => handler(c.req.raw));
app.post('/api/echo', async (c) => c.json({ parsed: await c.req.json<unknown>() }));

/** A signed POST of a test event. */
function post(id: string): RequestInit {
  const body = JSON.stringify({ event: 'PING', id });
  return { method: 'POST', headers: signedHeaders(body), body };
}

async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code: string } }).error?.code;
}

describe('through Hono (app.request, no server)', () => {
  it('accepts a signed delivery and dispatches it', async () => {
    const id = uniqueId('hono');
    const res = await app.request('/webhooks/test', post(id));
    expect(res.status).toBe(200);
    expect(res.headers.get('x-test-client')).toBe('client-1');
    expect(await res.json()).toEqual({ outcome: 'accepted' });
    expect(await harness.dispatched.waitFor('test', id)).toHaveLength(1);
  });

  it('answers the handshake (GET with a body, HEAD without), 405 and the coded 404', async () => {
    const get = await app.request('/webhooks/test', { headers: { 'x-test-client': 'client-1' } });
    expect(await get.json()).toEqual({ client: 'client-1' });
    const head = await app.request('/webhooks/test', { method: 'HEAD', headers: { 'x-test-client': 'client-1' } });
    expect(head.status).toBe(200);
    expect(head.headers.get('x-test-client')).toBe('client-1');
    expect(await head.text()).toBe('');
    const put = await app.request('/webhooks/test', { method: 'PUT', body: '{}' });
    expect([put.status, put.headers.get('allow'), await errorCode(put)]).toEqual([405, 'GET, POST', 'METHOD_NOT_ALLOWED']);
    const unknown = await app.request('/webhooks/nope', { method: 'POST', body: '{}' });
    expect([unknown.status, await errorCode(unknown)]).toEqual([404, 'ENDPOINT_NOT_FOUND']);
  });

  it('leaves the app\'s other routes and their JSON parsing alone', async () => {
    const res = await app.request('/api/echo', { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"a":1}' });
    expect(await res.json()).toEqual({ parsed: { a: 1 } });
  });
});

describe('createFetchHandler', () => {
  it('without a prefix, takes the endpoint from the last path segment (Next.js app/api/webhooks/[endpoint]/route.ts)', async () => {
    const id = uniqueId('next');
    const res = await handler(new Request('https://app.example/api/webhooks/test?via=next', post(id)));
    expect(res.status).toBe(200);
    await harness.dispatched.waitFor('test', id);
  });

  it('with a prefix, answers a coded 404 outside it', async () => {
    const scoped = createFetchHandler(harness.receiver, { prefix: '/webhooks/' });
    for (const url of ['https://app.example/other/test', 'https://app.example/webhooksX/test']) {
      const res = await scoped(new Request(url, post(uniqueId('outside'))));
      expect([res.status, await errorCode(res)], url).toEqual([404, 'ENDPOINT_NOT_FOUND']);
    }
    expect((await scoped(new Request('https://app.example/webhooks/test', post(uniqueId('inside'))))).status).toBe(200);
  });

  it('reads a streamed body only up to the limit: 11 MB gets 413 and the stream is cancelled, not drained', async () => {
    const chunk = new Uint8Array(64 * 1024).fill(0x20);
    const total = 11 * 1024 * 1024;
    let pulled = 0;
    let cancelled = false;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (pulled >= total) return controller.close();
        pulled += chunk.byteLength;
        controller.enqueue(chunk);
      },
      cancel() {
        cancelled = true;
      },
    });
    const init = { method: 'POST', headers: signedHeaders('irrelevant'), body: stream, duplex: 'half' };
    const res = await handler(new Request('https://app.example/webhooks/test', init as RequestInit));
    expect([res.status, await errorCode(res)]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(cancelled).toBe(true);
    expect(pulled).toBeLessThan(total);
  });
});
