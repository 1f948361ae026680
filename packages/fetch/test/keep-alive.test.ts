import { afterAll, describe, expect, it } from 'vitest';
import { createFetchHandler } from '../src/index.js';
import { conformanceReceiver, signedHeaders, uniqueId } from '../../../test/conformance/support.js';

const harness = conformanceReceiver();
afterAll(() => harness.close());

/** A signed POST of a test event, its body padded to `bytes` when given. */
function post(id: string, bytes?: number): { body: string; headers: Record<string, string> } {
  const head = `{"event":"PING","id":"${id}","pad":"`;
  const body = bytes === undefined ? JSON.stringify({ event: 'PING', id }) : `${head}${'x'.repeat(bytes - head.length - 2)}"}`;
  return { body, headers: signedHeaders(body) };
}

/** A request whose body is a stream (no Content-Length unless `declared` is given) of `body`'s bytes. */
function streamed(url: string, body: string, headers: Record<string, string>, declared?: number): Request {
  const bytes = new TextEncoder().encode(body);
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      for (let at = 0; at < bytes.byteLength; at += 16 * 1024) controller.enqueue(bytes.subarray(at, at + 16 * 1024));
      controller.close();
    },
  });
  const all = declared === undefined ? headers : { ...headers, 'content-length': String(declared) };
  return new Request(url, { method: 'POST', headers: all, body: stream, duplex: 'half' } as RequestInit);
}

async function errorCode(res: Response): Promise<string | undefined> {
  return ((await res.json()) as { error?: { code: string } }).error?.code;
}

describe('createFetchHandler keep-alive (waitUntil)', () => {
  it('registers each accepted delivery with the waitUntil option; the promise settles after its handler ran; duplicates register nothing', async () => {
    const kept: Array<Promise<unknown>> = [];
    const handler = createFetchHandler(harness.receiver, { waitUntil: (promise) => void kept.push(promise) });
    const id = uniqueId('kept');
    const res = await handler(new Request('https://app.example/api/webhooks/test', { method: 'POST', ...post(id) }));
    expect(res.status).toBe(200);
    expect(kept).toHaveLength(1);
    await kept[0];
    expect(harness.dispatched.of('test', id)).toHaveLength(1);
    const again = await handler(new Request('https://app.example/api/webhooks/test', { method: 'POST', ...post(id) }));
    expect(await again.json()).toEqual({ outcome: 'duplicate' });
    expect(kept).toHaveLength(1);
  });

  it('uses the context a call passes (a Workers ExecutionContext: a method called on its object) before the option', async () => {
    const byOption: Array<Promise<unknown>> = [];
    class ExecutionContext {
      readonly kept: Array<Promise<unknown>> = [];
      waitUntil(promise: Promise<unknown>): void {
        this.kept.push(promise);
      }
    }
    const handler = createFetchHandler(harness.receiver, { waitUntil: (promise) => void byOption.push(promise) });
    const ctx = new ExecutionContext();
    const id = uniqueId('ctx');
    const res = await handler(new Request('https://app.example/webhooks/test', { method: 'POST', ...post(id) }), ctx);
    expect(res.status).toBe(200);
    expect([ctx.kept.length, byOption.length]).toEqual([1, 0]);
    await ctx.kept[0];
    expect(harness.dispatched.of('test', id)).toHaveLength(1);
    // A second argument without waitUntil (Deno's `info`, Bun's `server`, Next's `{ params }`) falls back to the option.
    const other = uniqueId('info');
    expect((await handler(new Request('https://app.example/webhooks/test', { method: 'POST', ...post(other) }), { params: {} })).status).toBe(200);
    expect(byOption).toHaveLength(1);
    await byOption[0];
    expect(harness.dispatched.of('test', other)).toHaveLength(1);
  });
});

describe('createFetchHandler: bodies a runtime cut', () => {
  const handler = createFetchHandler(harness.receiver);

  it('answers 413 when fewer bytes arrive than Content-Length declared (the stream ended cleanly), and enqueues nothing', async () => {
    const id = uniqueId('cut');
    const { body, headers } = post(id, 40_000);
    const res = await handler(streamed('https://app.example/webhooks/test', body.slice(0, 30_000), headers, 40_000));
    expect([res.status, await errorCode(res)]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(harness.enqueuedCount('test', id)).toBe(0);
    const whole = uniqueId('whole');
    const complete = post(whole, 40_000);
    expect((await handler(streamed('https://app.example/webhooks/test', complete.body, complete.headers, 40_000))).status).toBe(200);
  });

  it('with runtimeBodyLimit, answers 413 to a body without Content-Length that ends within 64 KiB of it, and accepts one below', async () => {
    const limit = 1024 * 1024;
    const capped = createFetchHandler(harness.receiver, { runtimeBodyLimit: limit });
    const near = uniqueId('near-cap');
    const cut = post(near, limit - 1000);
    const res = await capped(streamed('https://app.example/webhooks/test', cut.body, cut.headers));
    expect([res.status, await errorCode(res)]).toEqual([413, 'BODY_TOO_LARGE']);
    expect(harness.enqueuedCount('test', near)).toBe(0);
    const below = uniqueId('below-cap');
    const fits = post(below, limit - 64 * 1024);
    expect((await capped(streamed('https://app.example/webhooks/test', fits.body, fits.headers))).status).toBe(200);
    // Without the option (outside an edge runtime) the same body is taken as complete.
    const same = uniqueId('no-cap');
    const whole = post(same, limit - 1000);
    expect((await handler(streamed('https://app.example/webhooks/test', whole.body, whole.headers))).status).toBe(200);
  });
});
