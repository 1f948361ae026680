import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  CountersignError,
  createHandlers,
  createReceiver,
  defineProvider,
  jsonResponse,
  lifecycleTime,
  memoryQueue,
  parsePayload,
  silentLogger,
  type Logger,
} from '@countersign/core';
import { delivery, toy } from './toy-provider.js';

const docSchema = z.object({ event: z.string(), id: z.string(), doc: z.string(), signer: z.string().optional(), at: z.coerce.date() });

/** A provider whose envelope is `{event, id}` and whose full payload (validated before handlers) needs `doc` and `at`. */
function staged() {
  return defineProvider<{ events: { DONE: z.infer<typeof docSchema>; OPENED: z.infer<typeof docSchema> }; topics: Record<never, never>; base: z.infer<typeof docSchema> }>({
    kind: 'staged',
    events: ['DONE', 'OPENED'],
    authenticate() {},
    parse(ctx) {
      const body = ctx.json();
      if (typeof body.id !== 'string' || typeof body.event !== 'string') throw new CountersignError('PAYLOAD_INVALID', 'id and event must be strings');
      return { name: body.event, known: true, key: body.id, payload: body };
    },
    validate: ({ payload }) => parsePayload(docSchema, payload, { what: 'not a staged event' }),
    lifecycle({ name, payload }) {
      const p = payload as z.infer<typeof docSchema>;
      if (name === 'DONE') return { stage: 'completed', documentId: p.doc, occurredAt: p.at };
      if (name === 'OPENED') return { stage: 'viewed', documentId: p.doc, signer: { email: p.signer }, occurredAt: p.at };
      return undefined;
    },
    acknowledge: (_ctx, outcome) => jsonResponse(200, { outcome }),
  });
}

function post(id: string, body: Record<string, unknown>) {
  return { method: 'POST', endpoint: 'staged', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ id, ...body }) };
}

function recorder(): Logger & { errors: Array<{ fields: unknown; message: string }> } {
  const errors: Array<{ fields: unknown; message: string }> = [];
  const noop = () => undefined;
  return { errors, debug: noop, info: noop, warn: noop, error: (fields: unknown, message?: string) => void errors.push({ fields, message: message ?? '' }) } as never;
}

describe('lifecycle stages', () => {
  it('runs lifecycle:<stage> and lifecycle:* handlers across endpoints, with the normalized record', async () => {
    const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { staged: staged(), toy: toy() }, queue });
    const seen: unknown[] = [];
    const order: string[] = [];
    receiver.on('lifecycle:completed', (event) => {
      order.push('completed');
      seen.push({ endpoint: event.endpoint, id: event.id, lifecycle: event.lifecycle });
    });
    receiver.on('lifecycle:*', (event) => void order.push(`any-stage:${event.lifecycle.stage}`));
    receiver.on('staged:DONE', () => void order.push('name'));
    receiver.onAny((event) => void order.push(`any:${event.lifecycle?.stage ?? 'none'}`));
    for (const request of [post('d1', { event: 'DONE', doc: 'doc-1', at: '2026-01-02T03:04:05Z' }), post('v1', { event: 'OPENED', doc: 'doc-1', signer: 'ann@example.com', at: 1767323045 }), delivery('p1')]) {
      expect((await receiver.handle(request)).status).toBe(200);
      await queue.idle();
    }
    expect(seen).toEqual([
      { endpoint: 'staged', id: 'staged:d1', lifecycle: { stage: 'completed', documentId: 'doc-1', signer: undefined, occurredAt: new Date('2026-01-02T03:04:05Z') } },
    ]);
    expect(order).toEqual(['name', 'completed', 'any-stage:completed', 'any:completed', 'any-stage:viewed', 'any:viewed', 'any:none']);
  });

  it('refuses an endpoint named "lifecycle" and an unknown stage, at start', () => {
    expect(() => createReceiver({ logger: silentLogger, endpoints: { lifecycle: toy() } })).toThrow(/cannot name an endpoint/);
    const handlers = createHandlers({ toy: toy() }, { logger: silentLogger });
    expect(() => handlers.on('lifecycle:finished' as 'lifecycle:completed', () => undefined)).toThrow(/not a lifecycle stage.*lifecycle:completed/);
  });

  it('reads times as platforms write them', () => {
    expect(lifecycleTime('1767323045')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(lifecycleTime(1767323045000)?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(lifecycleTime('2026-01-02T03:04:05Z')?.toISOString()).toBe('2026-01-02T03:04:05.000Z');
    expect(lifecycleTime('not a date')).toBeUndefined();
    expect(lifecycleTime(undefined)).toBeUndefined();
  });
});

describe('validation before the handlers', () => {
  it('acknowledges an event whose payload fails the full schema, then dead-letters it at once with the issues', async () => {
    const queue = memoryQueue({ attempts: 5, backoff: { delayMs: 1, jitter: 0 } });
    const logger = recorder();
    const receiver = createReceiver({ logger, endpoints: { staged: staged() }, queue });
    let handled = 0;
    const errors: Array<{ code: unknown; willRetry: boolean; attempt: number }> = [];
    receiver.on('staged:DONE', () => void handled++);
    receiver.onError((error, _event, info) => void errors.push({ code: (error as CountersignError).code, willRetry: info.willRetry, attempt: info.attempt }));
    const res = await receiver.handle(post('bad', { event: 'DONE', at: 'yesterday-ish' }));
    expect(res.status).toBe(200);
    await queue.idle();
    expect(handled).toBe(0);
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', willRetry: false, attempt: 1 }]);
    const [letter] = await receiver.deadLetters();
    expect(letter).toMatchObject({ id: 'staged:bad', attempts: 1, error: { code: 'PAYLOAD_INVALID' } });
    expect(letter?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'doc' })]));
    expect(logger.errors[0]?.message).toMatch(/does not match the staged schema.*dead letter.*replay/);
  });

  it('gives handlers the validated payload (coerced), and a replayed dead letter runs once the payload is fixed upstream', async () => {
    const queue = memoryQueue({ backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { staged: staged() }, queue });
    const dates: unknown[] = [];
    receiver.on('staged:DONE', (event) => void dates.push(event.payload.at));
    await receiver.handle(post('good', { event: 'DONE', doc: 'x', at: '2026-01-02T03:04:05Z' }));
    await queue.idle();
    expect(dates).toEqual([new Date('2026-01-02T03:04:05Z')]);
  });

  it('still refuses a body that is not the platform\'s at all (envelope) with 400, before any claim', async () => {
    const receiver = createReceiver({ logger: silentLogger, endpoints: { staged: staged() }, queue: memoryQueue() });
    const res = await receiver.handle(post('x', { event: 42 }));
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body).error.code).toBe('PAYLOAD_INVALID');
  });
});
