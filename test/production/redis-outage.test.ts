import { afterAll, describe, expect, it } from 'vitest';
import { bullmqQueue } from '@countersign/bullmq';
import { deleteKeys, deliver, eventually, readiness, RedisOutage, startReceiver, startWorker, stopAll, tally } from './harness.js';
import { REDIS_URL, requireRedis, uniqueName } from './redis-available.js';

/** Real processes on a shared 2-core CI machine: generous bounds (the scenario itself takes a few seconds). */
const TEST_TIMEOUT_MS = 60_000;

const redisUp = await requireRedis('the Redis outage test (receiver and worker processes on Redis + BullMQ)');

describe.runIf(redisUp)('Redis unreachable', () => {
  const run = uniqueName('cs-outage');
  const bullPrefix = `${run}-bull`;
  const dedupePrefix = `${run}-dedupe:`;
  const queueName = 'outage';
  // The processes reach Redis through this proxy (same database and credentials); cutting it makes Redis
  // unreachable for them only.
  const outage = new RedisOutage(REDIS_URL);
  const observer = bullmqQueue({ connection: REDIS_URL, queueName, prefix: bullPrefix });
  const budgetMs = 3000;

  afterAll(async () => {
    await stopAll();
    await outage.down();
    await observer.close();
    await deleteKeys(REDIS_URL, `${bullPrefix}:`, dedupePrefix);
  });

  it('answers 503 within the budget (never 2xx), reports not ready, recovers by itself, and handles a retried delivery once', async () => {
    await outage.up();
    const env = { REDIS_URL: outage.url, QUEUE_NAME: queueName, BULL_PREFIX: bullPrefix, DEDUPE_PREFIX: dedupePrefix, TIMEOUT_MS: String(budgetMs) };
    const [receiver, worker] = await Promise.all([startReceiver(env), startWorker(env)]);
    await eventually(async () => expect((await readiness(receiver.port)).status).toBe(200));
    expect((await deliver(receiver.port, `${run}-before`)).final).toBe(200);
    await worker.waitFor((l) => l.type === 'handled' && l.id === `${run}-before`);

    await outage.down();
    const during = [`${run}-during-1`, `${run}-during-2`, `${run}-during-3`];
    for (const id of during) {
      const started = Date.now();
      const result = await deliver(receiver.port, id, { retry: false });
      expect(result.final).toBe(503);
      expect(Date.now() - started).toBeLessThan(budgetMs);
    }
    const down = await readiness(receiver.port);
    expect(down.status).toBe(503);
    expect(down.report).toMatchObject({ ready: false, checks: { dedupe: { ok: false }, queue: { ok: false } } });

    await outage.up(); // same port: the processes reconnect by themselves, no restart
    await eventually(async () => expect(await readiness(receiver.port)).toMatchObject({ status: 200, report: { ready: true } }), 20_000);

    // The platform retries what was refused; some copies twice.
    const retried = await Promise.all([...during, ...during].map((id) => deliver(receiver.port, id)));
    expect(retried.map((r) => r.final)).toEqual(retried.map(() => 200));
    await eventually(() => expect(worker.of('handled')).toHaveLength(1 + during.length), 20_000);
    const handled = tally(worker.of('handled'));
    expect([...handled.keys()].sort()).toEqual([`${run}-before`, ...during].sort());
    expect([...handled.values()].every((count) => count === 1)).toBe(true);
    await eventually(async () =>
      expect(await observer.bullQueue.getJobCounts('waiting', 'active', 'completed')).toMatchObject({ waiting: 0, active: 0, completed: 1 + during.length }),
    );
  }, TEST_TIMEOUT_MS);
});
