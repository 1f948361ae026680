/** The inspector without a browser: its Fetch handler, the token, replay's guards, redaction and the history's bounds. */
import { describe, expect, it } from 'vitest';
import { createReceiver, docstudio, ignisign, memoryQueue, silentLogger, yousign, type WebhookRequest } from '@countersign/core';
import { docstudioDelivery, ignisignDelivery, yousignDelivery } from '@countersign/testing';
import { createInspector, REDACTED, showBody } from '../src/index.js';

const TOKEN = 'inspector-unit-token-0123';

function setup(options: Parameters<typeof createInspector>[0] = {}) {
  const inspector = createInspector(options);
  const queue = memoryQueue({ attempts: 1 });
  const receiver = createReceiver({
    endpoints: { ignisign: ignisign({ appId: 'appId_unit', appEnv: 'DEVELOPMENT', verifyToken: async () => true }) },
    queue,
    logger: silentLogger,
    observers: [inspector],
  });
  let fail = true;
  receiver.onAny(() => {
    if (fail) throw new Error('down');
  });
  const get = (path: string, headers: Record<string, string> = {}) => inspector.fetch(new Request(`http://127.0.0.1/dev/inspector${path}`, { headers }));
  return { inspector, receiver, queue, get, recover: () => void (fail = false) };
}

const deliver = (receiver: { handle(r: WebhookRequest): Promise<unknown> }, body: Record<string, unknown>) =>
  receiver.handle({ ...ignisignDelivery({ appId: 'appId_unit', appEnv: 'DEVELOPMENT', topic: 'SIGNER', action: 'CREATED', content: body }) });

describe('createInspector', () => {
  it("shows each event's lifecycle stage once its handlers ran (none for events without one or failing their schema)", async () => {
    const inspector = createInspector();
    const queue = memoryQueue({ attempts: 1 });
    const receiver = createReceiver({
      endpoints: { docstudio: docstudio({ login: 'hooks', password: 'pw' }), yousign: yousign({ secrets: 'inspector-yousign-secret' }) },
      queue,
      logger: silentLogger,
      observers: [inspector],
    });
    receiver.onAny(() => undefined);
    await receiver.handle({ endpoint: 'docstudio', ...docstudioDelivery({ login: 'hooks', password: 'pw', status: 'COMPLETED' }) });
    const signer = { id: 'b6ba6a38-39bb-4a0b-bf6e-5b7f4ac0d3c1', info: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva' } };
    const signatureRequest = { id: '1755e012-389f-433d-8e75-ac37cad6de75', status: 'ongoing' };
    await receiver.handle({ endpoint: 'yousign', ...(await yousignDelivery({ secret: 'inspector-yousign-secret', eventName: 'signer.done', data: { signature_request: signatureRequest, signer } })) });
    await receiver.handle({ endpoint: 'yousign', ...(await yousignDelivery({ secret: 'inspector-yousign-secret', eventName: 'signature_request.reminder_executed', data: { signature_request: signatureRequest } })) });
    // signer.done without its signature request: acknowledged, then a dead letter at its schema, so no stage.
    await receiver.handle({ endpoint: 'yousign', ...(await yousignDelivery({ secret: 'inspector-yousign-secret', eventName: 'signer.done', data: { signer } })) });
    await queue.idle();
    expect(inspector.deliveries().flatMap((d) => d.events.map((e) => [e.name, e.handler, e.stage]))).toEqual([
      ['COMPLETED', 'handled', 'completed'],
      ['signer.done', 'handled', 'signed'],
      ['signature_request.reminder_executed', 'handled', null],
      ['signer.done', 'dead-letter', null],
    ]);
    await receiver.close();
  });

  it('serves the page under any mount path, and its data only with the token', async () => {
    const { get } = setup({ token: TOKEN });
    const page = await get('/');
    expect([page.status, page.headers.get('content-type'), page.headers.get('content-security-policy')]).toEqual([200, 'text/html; charset=utf-8', expect.stringContaining("script-src 'self'")]);
    expect((await get('')).status).toBe(308);
    expect((await get('/app.js')).headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    const refused = await get('/api/deliveries');
    expect([refused.status, refused.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await get('/api/deliveries', { authorization: 'Bearer wrong-token-0123456789' })).status).toBe(401);
    expect((await get('/api/deliveries', { authorization: `Bearer ${TOKEN}` })).status).toBe(200);
    expect(() => createInspector({ token: 'short' })).toThrow(/16 characters/);
  });

  it('redacts secret fields of the body (Ignisign tokens) and secret headers, and streams deliveries and updates', async () => {
    const { inspector, receiver, queue, get } = setup();
    const stream = await get('/api/stream');
    expect(stream.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const reader = (stream.body as ReadableStream<Uint8Array>).getReader();
    const events: string[] = [];
    const readUntil = async (what: string): Promise<void> => {
      for (let i = 0; i < 50 && !events.join('').includes(what); i++) events.push(new TextDecoder().decode((await reader.read()).value));
    };
    await readUntil('event: snapshot');
    await deliver(receiver, { signerId: 's1', authSecret: 'signer-secret', token: 'session-token' });
    await queue.idle();
    await readUntil('event: update');
    expect(events.join('')).toMatch(/event: delivery\ndata: \{"seq":1,/);
    expect(events.join('')).toMatch(/event: update\ndata: \{"seq":1,.*"handler":"dead-letter"/);
    await reader.cancel();

    const detail = inspector.detail(1)!;
    const body = JSON.parse(detail.body) as { verificationToken: string; content: Record<string, string> };
    expect(body.verificationToken).toBe(REDACTED);
    expect(body.content).toEqual({ signerId: 's1', authSecret: REDACTED, token: REDACTED });
    expect(detail.headers).toEqual([['content-type', 'application/json']]);
  });

  it('replays a dead letter for a JSON request from the page only', async () => {
    const { inspector, receiver, queue, recover } = setup();
    await deliver(receiver, { signerId: 's2' });
    await queue.idle();
    const id = inspector.deliveries()[0]!.events[0]!.id;
    const post = (body: string, headers: Record<string, string>) => inspector.fetch(new Request('http://127.0.0.1/inspector/api/replay', { method: 'POST', body, headers }));
    expect((await post(JSON.stringify({ id }), { 'content-type': 'text/plain' })).status).toBe(403);
    expect((await post(JSON.stringify({ id }), { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' })).status).toBe(403);
    expect((await post(JSON.stringify({ id: 'ignisign:nope' }), { 'content-type': 'application/json' })).status).toBe(404);
    recover();
    expect((await post(JSON.stringify({ id }), { 'content-type': 'application/json' })).status).toBe(200);
    await queue.idle();
    expect(inspector.deliveries()[0]!.events[0]).toMatchObject({ id, handler: 'handled', attempt: 1 });
  });

  it('keeps a bounded history: by count, and by bytes', async () => {
    const byCount = setup({ maxDeliveries: 3 });
    for (let i = 0; i < 7; i++) await deliver(byCount.receiver, { signerId: `c${i}` });
    expect(byCount.inspector.deliveries().map((d) => d.seq)).toEqual([5, 6, 7]);
    const byBytes = setup({ maxBytes: 20_000, maxBodyBytes: 4096 });
    for (let i = 0; i < 30; i++) await deliver(byBytes.receiver, { signerId: `b${i}`, padding: 'x'.repeat(3000) });
    const kept = byBytes.inspector.deliveries();
    expect(kept.length).toBeGreaterThan(1);
    expect(kept.length).toBeLessThan(10);
    expect(kept.at(-1)?.seq).toBe(30);
    expect(showBody(new TextEncoder().encode('{"a":1}'.padEnd(100, ' ')), 10)).toEqual({ body: '{"a":1}   ', clipped: true });
  });

  it('needs a token under NODE_ENV=production', () => {
    const previous = process.env.NODE_ENV;
    process.env.NODE_ENV = 'production';
    try {
      expect(() => createInspector()).toThrow(/production/);
      expect(() => createInspector({ token: TOKEN })).not.toThrow();
    } finally {
      process.env.NODE_ENV = previous;
    }
  });
});
