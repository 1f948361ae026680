import { afterAll, describe, expect, it } from 'vitest';
import { adobeSign, createReceiver, silentLogger } from '@countersign/core';
import { bullmqQueue } from '@countersign/bullmq';
import { redisDedupe } from '@countersign/redis';
import { deleteKeys, eventually, notification, startWorker, stopAll, tally } from './harness.js';
import { CLIENT_ID } from './processes/app.js';
import { REDIS_URL, requireRedis, uniqueName } from './redis-available.js';

/** Real processes on a shared 2-core CI machine: generous bounds (the scenario itself takes a few seconds). */
const TEST_TIMEOUT_MS = 60_000;

const redisUp = await requireRedis('the worker crash test (worker processes on Redis + BullMQ)');

describe.runIf(redisUp)('a worker killed with SIGKILL in the middle of a slow handler', () => {
  const run = uniqueName('cs-crash');
  const bullPrefix = `${run}-bull`;
  const dedupePrefix = `${run}-dedupe:`;
  const queueName = 'slow-handlers';
  // This test process is the receiver (the whole pipeline, without HTTP); the workers are separate processes.
  const queue = bullmqQueue({ connection: REDIS_URL, queueName, prefix: bullPrefix });
  const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: [CLIENT_ID] }) }, dedupe: redisDedupe({ connection: REDIS_URL, prefix: dedupePrefix }), queue });

  afterAll(async () => {
    await stopAll();
    await receiver.close();
    await deleteKeys(REDIS_URL, `${bullPrefix}:`, dedupePrefix);
  });

  it('loses nothing: another worker takes the job over once the lock expires, and every event completes once', async () => {
    // Short locks so the take-over happens within seconds; handlers take 1.5 s, renewing their lock meanwhile.
    const env = { REDIS_URL, QUEUE_NAME: queueName, BULL_PREFIX: bullPrefix, DEDUPE_PREFIX: dedupePrefix, HANDLER_MS: '1500', LOCK_MS: '1000' };
    const workers = await Promise.all([startWorker(env, 'worker-1'), startWorker(env, 'worker-2')]);
    const ids = ['slow-1', 'slow-2', 'slow-3', 'slow-4'].map((id) => `${run}-${id}`);
    for (const id of ids) {
      const res = await receiver.handle({ endpoint: 'adobe', ...notification(id) });
      expect(res.status).toBe(200);
    }

    // Kill whichever worker started a handler first, while that handler sleeps.
    const first = await Promise.race(workers.map((w) => w.waitFor((l) => l.type === 'started').then(() => w)));
    await first.stop('SIGKILL');
    const survivor = workers.find((w) => w !== first);
    if (survivor === undefined) throw new Error('unreachable');
    const interrupted = first.of('started').map((l) => l.id);
    expect(interrupted.length).toBeGreaterThan(0);
    expect(first.of('handled')).toEqual([]);

    await eventually(() => expect(survivor.of('handled')).toHaveLength(ids.length), 20_000);
    const completions = tally([...first.of('handled'), ...survivor.of('handled')]);
    expect([...completions.keys()].sort()).toEqual([...ids].sort());
    expect([...completions.values()].every((count) => count === 1)).toBe(true);
    // The interrupted handlers ran again on the survivor.
    for (const id of interrupted) expect(survivor.of('started').map((l) => l.id)).toContain(id);
    await eventually(async () =>
      expect(await queue.bullQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toMatchObject({
        waiting: 0,
        active: 0,
        delayed: 0,
        completed: ids.length,
        failed: 0,
      }),
    );
  }, TEST_TIMEOUT_MS);
});
