import { afterAll, describe, expect, it } from 'vitest';
import { bullmqQueue, type BullmqQueue } from '@countersign/bullmq';
import { deleteKeys, deliver, eventually, startReceiver, startWorker, stopAll, tally, type Child } from './harness.js';
import { REDIS_URL, requireRedis, uniqueName } from './redis-available.js';

/** Real processes on a shared 2-core CI machine: generous bounds (the scenario itself takes a few seconds). */
const TEST_TIMEOUT_MS = 60_000;

const redisUp = await requireRedis('the multi-process production tests (receivers and workers on Redis + BullMQ)');

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j] as T, items[i] as T];
  }
  return items;
}

describe.runIf(redisUp)('several receiver processes and a worker process on one Redis', () => {
  const run = uniqueName('cs-multi');
  const bullPrefix = `${run}-bull`;
  const dedupePrefix = `${run}-dedupe:`;
  const observers: BullmqQueue[] = [];

  /** Environment for the processes of one scenario: its own queue, a shared per-run key space. */
  function scenario(queueName: string) {
    const env = { REDIS_URL, QUEUE_NAME: queueName, BULL_PREFIX: bullPrefix, DEDUPE_PREFIX: dedupePrefix };
    // The test's own view of the queue (job counts), as an operator's dashboard would have.
    const observer = bullmqQueue({ connection: REDIS_URL, queueName, prefix: bullPrefix });
    observers.push(observer);
    return { env, observer };
  }

  afterAll(async () => {
    await stopAll();
    await Promise.all(observers.map((o) => o.close()));
    await deleteKeys(REDIS_URL, `${bullPrefix}:`, dedupePrefix);
  });

  it('handles each of 50 events exactly once when every event arrives 4 times, spread over two receivers at once', async () => {
    const { env, observer } = scenario('exactly-once');
    const [a, b, worker] = await Promise.all([startReceiver(env, 'receiver-a'), startReceiver(env, 'receiver-b'), startWorker(env)]);
    const ids = Array.from({ length: 50 }, (_, i) => `${run}-evt-${i}`);
    const deliveries = shuffle(ids.flatMap((id) => [0, 1, 2, 3].map((copy) => ({ id, port: copy % 2 === 0 ? a.port : b.port }))));

    const results = await Promise.all(deliveries.map(({ id, port }) => deliver(port, id)));

    // Every copy was eventually acknowledged (a copy racing the first one got 503 and was retried, never lost).
    expect(results.filter((r) => r.final !== 200)).toEqual([]);
    expect(results.flatMap((r) => r.statuses).every((s) => s === 200 || s === 503)).toBe(true);
    await eventually(async () => {
      expect(await observer.bullQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: 50,
        failed: 0,
      });
    });
    const handled = tally(worker.of('handled'));
    expect([...handled.keys()].sort()).toEqual([...ids].sort());
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    expect(worker.of('started')).toHaveLength(50);
  }, TEST_TIMEOUT_MS);

  it('handles every acknowledged event after the receiver that acknowledged it was killed with SIGKILL', async () => {
    const { env, observer } = scenario('receiver-crash');
    const receiver = await startReceiver(env, 'doomed-receiver');
    const ids = Array.from({ length: 20 }, (_, i) => `${run}-crash-${i}`);

    const results = await Promise.all(ids.map((id) => deliver(receiver.port, id, { retry: false })));
    await receiver.child.stop('SIGKILL'); // right after the batch was acknowledged
    expect(receiver.child.exit?.signal).toBe('SIGKILL');

    const acknowledged = results.filter((r) => r.final === 200).map((r) => r.id);
    expect(acknowledged).toHaveLength(20);
    // Nothing ran yet: no worker was up. Acknowledged means stored in Redis.
    expect(await observer.bullQueue.getJobCounts('waiting', 'active')).toMatchObject({ waiting: 20, active: 0 });

    const worker: Child = await startWorker(env, 'late-worker');
    await eventually(() => expect(worker.of('handled')).toHaveLength(20));
    const handled = tally(worker.of('handled'));
    expect([...handled.keys()].sort()).toEqual([...acknowledged].sort());
    await eventually(async () => expect(await observer.bullQueue.getJobCounts('completed', 'active')).toMatchObject({ completed: 20, active: 0 }));
    expect(tally(worker.of('handled'))).toEqual(handled);
  }, TEST_TIMEOUT_MS);
});
