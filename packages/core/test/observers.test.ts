/** The observer seam of createReceiver: what it tells, in what order, and that a failing observer changes nothing. */
import { AsyncLocalStorage } from 'node:async_hooks';
import { describe, expect, it } from 'vitest';
import {
  createReceiver,
  memoryQueue,
  silentLogger,
  type AnyReceiver,
  type DeliveryResult,
  type DeliveryStart,
  type HandlerRunResult,
  type HandlerRunStart,
  type Logger,
  type ReceiverObserver,
} from '@countersign/core';
import { delivery, headers, toy } from './toy-provider.js';

function recordingObserver() {
  const attached: AnyReceiver[] = [];
  const deliveries: Array<{ start: DeliveryStart; result?: DeliveryResult }> = [];
  const runs: Array<{ start: HandlerRunStart; result?: HandlerRunResult }> = [];
  const observer: ReceiverObserver = {
    attach: (receiver) => void attached.push(receiver),
    delivery(start) {
      const entry: { start: DeliveryStart; result?: DeliveryResult } = { start };
      deliveries.push(entry);
      return {
        enqueue: (event) => ({ traceparent: `carried-for-${event.id}` }),
        end: (result) => void (entry.result = result),
      };
    },
    handlerRun(start) {
      const entry: { start: HandlerRunStart; result?: HandlerRunResult } = { start };
      runs.push(entry);
      return { end: (result) => void (entry.result = result) };
    },
  };
  return { observer, attached, deliveries, runs };
}

describe('observers', () => {
  it('hear each delivery (endpoint, outcome, code, body, events with their dedupe outcome) and each handler run', async () => {
    const { observer, attached, deliveries, runs } = recordingObserver();
    const queue = memoryQueue({ attempts: 2, backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ endpoints: { toy: toy() }, queue, logger: silentLogger, observers: [observer] });
    expect(attached).toEqual([receiver]);
    let pings = 0;
    receiver.on('toy:PING', (event) => {
      pings += 1;
      if (event.key === 'fails') throw new Error('nope');
    });

    expect((await receiver.handle(delivery('a'))).status).toBe(200);
    expect((await receiver.handle(delivery('a'))).status).toBe(200);
    expect((await receiver.handle({ ...delivery('b'), headers: { ...headers, 'x-token': 'no' } })).status).toBe(401);
    expect((await receiver.handle({ ...delivery('c'), endpoint: '/elsewhere' })).status).toBe(404);
    expect((await receiver.handle(delivery('fails'))).status).toBe(200);
    expect((await receiver.handle(delivery('pong', 'PONG'))).status).toBe(200);
    await queue.idle();

    expect(deliveries.map((d) => [d.start.endpoint, d.start.path, d.start.method, d.result?.outcome, d.result?.code, d.result?.response.status])).toEqual([
      ['toy', 'toy', 'POST', 'accepted', undefined, 200],
      ['toy', 'toy', 'POST', 'duplicate', undefined, 200],
      ['toy', 'toy', 'POST', 'refused', 'AUTH_INVALID', 401],
      [undefined, '/elsewhere', 'POST', 'refused', 'ENDPOINT_NOT_FOUND', 404],
      ['toy', 'toy', 'POST', 'accepted', undefined, 200],
      ['toy', 'toy', 'POST', 'accepted', undefined, 200],
    ]);
    const [first, second, refused, notFound] = deliveries.map((d) => d.result as DeliveryResult);
    expect(first?.events).toEqual([{ id: 'toy:a', key: 'a', endpoint: 'toy', name: 'PING', topic: 'TABLE_TENNIS', known: true, dedupe: 'queued' }]);
    expect(second?.events.map((e) => e.dedupe)).toEqual(['duplicate']);
    expect(new TextDecoder().decode(first?.body)).toBe('{"event":"PING","id":"a"}');
    expect(refused?.events).toEqual([]);
    expect(new TextDecoder().decode(refused?.body)).toBe('{"event":"PING","id":"b"}');
    expect(notFound?.body).toBeUndefined();
    expect(deliveries.every((d) => typeof d.result?.durationMs === 'number' && d.result.durationMs >= 0)).toBe(true);
    expect(deliveries[0]?.start.headers).toEqual(headers);

    expect(runs.map((r) => [r.start.event.id, r.start.attempt, r.start.maxAttempts, r.result?.outcome, r.result?.handlers])).toEqual([
      ['toy:a', 1, 2, 'handled', 1],
      ['toy:fails', 1, 2, 'retrying', 1],
      ['toy:pong', 1, 2, 'no-handler', 0],
      ['toy:fails', 2, 2, 'dead-letter', 1],
    ]);
    expect((runs[1]?.result?.error as Error).message).toBe('nope');
    // What the delivery's observer returned from enqueue() travels with the event through the queue.
    expect(runs.map((r) => r.start.event.traceContext)).toEqual(runs.map((r) => ({ traceparent: `carried-for-${r.start.event.id}` })));
    expect(pings).toBe(3);
    await receiver.close();
  });

  it('run the pipeline and the handlers inside within(): an async context set there reaches provider and handler code', async () => {
    const als = new AsyncLocalStorage<string>();
    const seen: Array<string | undefined> = [];
    const observer: ReceiverObserver = {
      delivery: (start) => ({ within: (fn) => als.run(`delivery:${start.path}`, fn), end: () => undefined }),
      handlerRun: (start) => ({ within: (fn) => als.run(`run:${start.event.id}`, fn), end: () => undefined }),
    };
    const queue = memoryQueue();
    const provider = toy();
    const parse = provider.parse.bind(provider);
    const receiver = createReceiver({
      endpoints: {
        toy: {
          ...provider,
          parse: (ctx, facts) => {
            seen.push(als.getStore());
            return parse(ctx, facts);
          },
        },
      },
      queue,
      logger: silentLogger,
      observers: [observer],
    });
    receiver.onAny(() => void seen.push(als.getStore()));
    await receiver.handle(delivery('ctx'));
    await queue.idle();
    expect(seen).toEqual(['delivery:toy', 'run:toy:ctx']);
    await receiver.close();
  });

  it('that throw change no answer and no handler outcome, and are reported once each', async () => {
    const warnings: string[] = [];
    const logger: Logger = { ...silentLogger, warn: (_obj, msg) => void warnings.push(msg ?? '') };
    const boom = (): never => {
      throw new Error('observer bug');
    };
    const broken: ReceiverObserver = {
      attach: boom,
      delivery: () => ({ within: boom, enqueue: boom, end: boom }),
      handlerRun: () => ({ within: boom, end: boom }),
    };
    const { observer, deliveries } = recordingObserver();
    const queue = memoryQueue();
    const receiver = createReceiver({ endpoints: { toy: toy() }, queue, logger, observers: [broken, observer] });
    const handled: string[] = [];
    receiver.onAny((event) => void handled.push(event.id));
    for (const id of ['x', 'y']) expect((await receiver.handle(delivery(id))).status).toBe(200);
    await queue.idle();
    expect(handled).toEqual(['toy:x', 'toy:y']);
    expect(deliveries.map((d) => d.result?.outcome)).toEqual(['accepted', 'accepted']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('a receiver observer threw in attach');
    await receiver.close();
  });
});
