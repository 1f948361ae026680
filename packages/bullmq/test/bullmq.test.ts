import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { CountersignError, createReceiver, defineProvider, jsonResponse, memoryDedupe, type QueuedEvent, silentLogger } from '@countersign/core';
import { bullmqQueue, createWorker, eventIdOf, jobIdFor, type BullmqQueue, type CountersignWorker } from '@countersign/bullmq';
import { REDIS_URL, requireRedis, uniqueName } from '../../../test/production/redis-available.js';

const redisUp = await requireRedis('the @countersign/bullmq queue and worker tests');

type Payload = { event: string; id: string; n?: number };

/** A minimal provider: body `{event, id}`, keyed by `id`. */
const toy = defineProvider<{ events: { PING: Payload & { event: 'PING' } }; topics: {}; base: Payload }>({
  kind: 'toy',
  authenticate() {},
  parse(ctx) {
    const body = ctx.json();
    if (typeof body.id !== 'string' || typeof body.event !== 'string') throw new CountersignError('PAYLOAD_INVALID', 'id and event must be strings');
    return { name: body.event, known: body.event === 'PING', key: body.id, payload: body };
  },
  // The full schema, run by the worker before the handlers: `n`, when present, is a number.
  validate({ payload }) {
    const n = (payload as Payload).n;
    if (n !== undefined && typeof n !== 'number') {
      throw new CountersignError('PAYLOAD_INVALID', 'The toy event is not valid: n: expected a number.', { details: [{ path: 'n', message: 'expected a number' }] });
    }
    return payload;
  },
  acknowledge: (_ctx, outcome) => jsonResponse(200, { outcome }),
});

const delivery = (id: string, extra: Record<string, unknown> = {}) => ({
  method: 'POST',
  endpoint: 'toy',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ event: 'PING', id, ...extra }),
});

function queued(key: string): QueuedEvent {
  return { id: `toy:${key}`, endpoint: 'toy', name: 'PING', known: true, key, payload: { event: 'PING', id: key }, receivedAt: new Date().toISOString() };
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('job ids', () => {
  it('derives a BullMQ-safe job id from the event id, deterministically and reversibly', () => {
    for (const id of ['adobe:d20d758a-f8b2-41b7-8c20-016312de7978', 'ignisign:a:b%3Ac', 'x:%', 'toy:1']) {
      const jobId = jobIdFor(id);
      expect(jobId).not.toContain(':');
      expect(jobIdFor(id)).toBe(jobId);
      expect(eventIdOf(jobId)).toBe(id);
    }
    expect(jobIdFor('a:b%3Ac')).not.toBe(jobIdFor('a:b:c'));
  });
});

describe.runIf(redisUp)('bullmqQueue and createWorker on a real Redis', () => {
  // One BullMQ prefix for this file: every key it creates lives under `<prefix>:`, deleted afterwards.
  const prefix = uniqueName('countersign-test-bullmq');
  let raw: Redis;
  const cleanups: Array<() => Promise<unknown>> = [];
  let n = 0;

  function setup(queueOptions: Partial<Parameters<typeof bullmqQueue>[0]> = {}) {
    const queueName = `q${++n}`;
    const queue = bullmqQueue({ connection: REDIS_URL, prefix, queueName, backoff: { delayMs: 10, jitter: 0 }, ...queueOptions });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy }, dedupe: memoryDedupe(), queue });
    cleanups.push(() => receiver.close());
    const startWorker = (options: { concurrency?: number } = {}): CountersignWorker => {
      const worker = createWorker(receiver, { connection: REDIS_URL, prefix, queueName, ...options });
      cleanups.push(() => worker.close());
      return worker;
    };
    return { queue, receiver, queueName, startWorker };
  }

  async function counts(queue: BullmqQueue) {
    return queue.bullQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed', 'prioritized', 'waiting-children');
  }

  beforeAll(async () => {
    raw = new Redis(REDIS_URL);
    await raw.ping();
  });

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      if (keys.length > 0) await raw.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(await raw.keys(`${prefix}:*`)).toEqual([]);
    await raw.quit();
  });

  it('stores an accepted delivery as a job that a worker dispatches to the typed handler', async () => {
    const { receiver, queue, startWorker } = setup();
    const seen: Array<{ id: string; payloadId: string; attempt: number; receivedAt: Date }> = [];
    receiver.on('toy:PING', (event) => {
      seen.push({ id: event.key, payloadId: event.payload.id, attempt: event.attempt, receivedAt: event.receivedAt });
    });
    expect((await receiver.ready()).ready).toBe(true);

    const res = await receiver.handle(delivery('e-1'));
    expect(res.status).toBe(200);
    // Acknowledged means stored: the job is in Redis before any worker runs.
    const job = await queue.bullQueue.getJob(jobIdFor('toy:e-1'));
    expect(job?.data).toMatchObject({ id: 'toy:e-1', endpoint: 'toy', name: 'PING', key: 'e-1', payload: { id: 'e-1' } });
    expect(job?.opts.attempts).toBe(5);

    startWorker();
    await vi.waitFor(() => expect(seen).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(seen[0]).toMatchObject({ id: 'e-1', payloadId: 'e-1', attempt: 1 });
    expect(seen[0]?.receivedAt).toBeInstanceOf(Date);
    await vi.waitFor(async () => expect(await counts(queue)).toMatchObject({ completed: 1, waiting: 0, active: 0 }), { timeout: 5000, interval: 20 });
  });

  it('keeps one job when the same event is enqueued twice (or ten times at once)', async () => {
    const { receiver, queue, startWorker } = setup();
    let handled = 0;
    receiver.on('toy:PING', () => {
      handled += 1;
    });
    await queue.enqueue(queued('same'));
    await queue.enqueue(queued('same'));
    await Promise.all(Array.from({ length: 10 }, () => queue.enqueue(queued('same'))));
    expect(await counts(queue)).toMatchObject({ waiting: 1, active: 0, delayed: 0 });

    startWorker();
    await vi.waitFor(async () => expect(await counts(queue)).toMatchObject({ completed: 1, waiting: 0, active: 0 }), { timeout: 10_000, interval: 20 });
    // A copy arriving while the completed job is still kept is not run again either.
    await queue.enqueue(queued('same'));
    expect(await counts(queue)).toMatchObject({ completed: 1, waiting: 0, active: 0 });
    expect(handled).toBe(1);
  });

  it('retries a failing handler with backoff, keeps it as a dead letter, and replays it with fresh attempts', async () => {
    const { receiver, queue, startWorker } = setup({ attempts: 3 });
    let failing = true;
    const attempts: Array<{ attempt: number }> = [];
    const errors: Array<{ attempt: number; willRetry: boolean }> = [];
    receiver.on('toy:PING', (event) => {
      attempts.push({ attempt: event.attempt });
      if (failing) throw new Error(`boom on attempt ${event.attempt}`);
    });
    receiver.onError((_error, _event, info) => {
      errors.push(info);
    });
    startWorker();
    expect((await receiver.handle(delivery('fails'))).status).toBe(200);

    await vi.waitFor(async () => expect(await queue.deadLetters()).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(attempts.map((a) => a.attempt)).toEqual([1, 2, 3]);
    expect(errors).toEqual([
      { attempt: 1, willRetry: true },
      { attempt: 2, willRetry: true },
      { attempt: 3, willRetry: false },
    ]);
    const [letter] = await receiver.deadLetters();
    expect(letter).toMatchObject({ id: 'toy:fails', attempts: 3, event: { id: 'toy:fails', key: 'fails' }, error: { message: 'boom on attempt 3' } });
    expect(Number.isNaN(Date.parse(letter?.failedAt ?? ''))).toBe(false);
    expect(letter?.error.stack).toContain('boom on attempt 3');

    failing = false;
    await receiver.replay('toy:fails');
    await vi.waitFor(() => expect(attempts).toHaveLength(4), { timeout: 10_000, interval: 20 });
    expect(attempts[3]).toEqual({ attempt: 1 });
    await vi.waitFor(async () => expect(await counts(queue)).toMatchObject({ completed: 1, failed: 0, waiting: 0, active: 0 }), { timeout: 5000, interval: 20 });
    expect(await queue.deadLetters()).toEqual([]);
    await expect(queue.replay('toy:fails')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(queue.replay('toy:never-seen')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('makes a payload that fails the full schema a dead letter on its first attempt, with the issues, then replays it', async () => {
    const { receiver, queue, startWorker } = setup({ attempts: 4 });
    const errors: Array<{ code: unknown; attempt: number; willRetry: boolean }> = [];
    let handled = 0;
    receiver.on('toy:PING', () => void handled++);
    receiver.onError((error, _event, info) => void errors.push({ code: (error as CountersignError).code, ...info }));
    startWorker();
    // Acknowledged: the schema runs before the handlers, not before the answer.
    expect((await receiver.handle(delivery('schema', { n: 'three' }))).status).toBe(200);
    await vi.waitFor(async () => expect(await queue.deadLetters()).toHaveLength(1), { timeout: 10_000, interval: 20 });
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', attempt: 1, willRetry: false }]);
    expect(handled).toBe(0);
    const [letter] = await queue.deadLetters();
    expect(letter).toMatchObject({ id: 'toy:schema', attempts: 1 });
    expect(letter?.error.message).toMatch(/n: expected a number.*Issues: \[\{"path":"n"/);
    await receiver.replay('toy:schema');
    await vi.waitFor(() => expect(errors).toHaveLength(2), { timeout: 10_000, interval: 20 });
  });

  it('close() lets running handlers finish and takes no new job', async () => {
    const { receiver, queue, startWorker } = setup();
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const started: string[] = [];
    const finished: string[] = [];
    receiver.on('toy:PING', async (event) => {
      started.push(event.key);
      await gate;
      finished.push(event.key);
    });
    const worker = startWorker({ concurrency: 3 });
    for (const key of ['d1', 'd2', 'd3']) await queue.enqueue(queued(key));
    await vi.waitFor(() => expect(started).toHaveLength(3), { timeout: 10_000, interval: 20 });

    let closed = false;
    const closing = worker.close().then(() => {
      closed = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(closed).toBe(false);
    release();
    await closing;
    expect(finished.sort()).toEqual(['d1', 'd2', 'd3']);
    expect(await counts(queue)).toMatchObject({ completed: 3, active: 0 });

    await queue.enqueue(queued('after-close'));
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(started).toHaveLength(3);
    expect(await counts(queue)).toMatchObject({ waiting: 1 });
  });

  it('accepts a bare dispatch function and exposes the BullMQ queue for bull-board', async () => {
    const { queue, queueName } = setup();
    const got: Array<{ id: string; attempt: number; maxAttempts: number }> = [];
    const worker = createWorker(
      async (event, info) => {
        got.push({ id: event.id, ...info });
      },
      { connection: REDIS_URL, prefix, queueName },
    );
    cleanups.push(() => worker.close());
    await worker.ready();
    expect(queue.bullQueue.name).toBe(queueName);
    expect(queue.bullQueue.opts.prefix).toBe(prefix);
    await queue.enqueue(queued('fn'));
    // `replay`: the command the receiver logs with the event should it become a dead letter.
    const replay = `countersign dead-letters replay toy:fn --queue ${queueName} --prefix ${prefix}`;
    await vi.waitFor(() => expect(got).toEqual([{ id: 'toy:fn', attempt: 1, maxAttempts: 5, replay }]), { timeout: 10_000, interval: 20 });
  });

  it('uses an ioredis client passed in, and leaves it open on close', async () => {
    const client = new Redis(REDIS_URL, { enableOfflineQueue: false });
    await new Promise<void>((resolve) => client.once('ready', () => resolve()));
    const queue = bullmqQueue({ connection: client, prefix, queueName: `q${++n}` });
    expect(queue.client).toBe(client);
    await queue.ping();
    await queue.enqueue(queued('own-client'));
    expect(await queue.bullQueue.getJob(jobIdFor('toy:own-client'))).toBeDefined();
    await queue.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('fails fast when Redis cannot be reached: enqueue rejects, the receiver answers 503 and reports not ready', async () => {
    const port = await closedPort();
    const queue = bullmqQueue({ connection: `redis://127.0.0.1:${port}`, queueName: 'unreachable', commandTimeoutMs: 300 });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { toy }, dedupe: memoryDedupe(), queue, timeoutMs: 2000 });
    cleanups.push(() => receiver.close());
    const started = Date.now();
    await expect(queue.enqueue(queued('x'))).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    const res = await receiver.handle(delivery('down'));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'QUEUE_UNAVAILABLE' } });
    expect(Date.now() - started).toBeLessThan(2000);
    const report = await receiver.ready();
    expect(report.ready).toBe(false);
    expect(report.checks.queue.ok).toBe(false);
  });

  it('refuses invalid options with a coded error', () => {
    expect(() => bullmqQueue({ connection: REDIS_URL, queueName: 'a:b' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => bullmqQueue({ connection: REDIS_URL, attempts: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => createWorker(async () => undefined, { connection: REDIS_URL, concurrency: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
