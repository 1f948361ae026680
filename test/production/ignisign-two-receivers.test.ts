import { afterAll, describe, expect, it } from 'vitest';
import { bullmqQueue, createWorker } from '@countersign/bullmq';
import { createReceiver, ignisign, ignisignApi, type TokenMemoStore, type WebhookResponse, silentLogger } from '@countersign/core';
import { redisDedupe, redisTokenMemo } from '@countersign/redis';
import { fakeIgnisignApi, ignisignDelivery, type FakeIgnisignApi } from '@countersign/testing';
import { deleteKeys, eventually, RedisOutage } from './harness.js';
import { REDIS_URL, requireRedis, uniqueName } from './redis-available.js';

const TEST_TIMEOUT_MS = 60_000;
const APP_ID = 'appId_two-receivers';

const redisUp = await requireRedis('the Ignisign two-receiver test (token memo, dedupe and BullMQ on Redis)');

describe.runIf(redisUp)('Ignisign behind a load balancer: two receivers on one Redis', () => {
  const run = uniqueName('cs-ignisign');
  const bullPrefix = `${run}-bull`;
  const dedupePrefix = `${run}-dedupe:`;
  const memoPrefix = `${run}-memo:`;
  const closers: Array<() => Promise<unknown>> = [];

  afterAll(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await deleteKeys(REDIS_URL, `${bullPrefix}:`, dedupePrefix, memoPrefix);
  });

  /**
   * Instances A and B of one receiver, sharing Ignisign (one verification API, which consumes tokens), the dedupe
   * store and the queue on Redis, and a worker running B's handlers. A has lost its link to the queue's Redis: it
   * consumes a token, then fails to enqueue (503).
   */
  async function instances(queueName: string, memo: () => (TokenMemoStore & { close(): Promise<void> }) | undefined) {
    const api: FakeIgnisignApi = await fakeIgnisignApi();
    closers.push(() => api.close());
    const outage = new RedisOutage(REDIS_URL);
    await outage.up();
    const queueA = bullmqQueue({ connection: outage.url, queueName, prefix: bullPrefix, commandTimeoutMs: 500 });
    await queueA.ping();
    await outage.down();
    const queueB = bullmqQueue({ connection: REDIS_URL, queueName, prefix: bullPrefix });

    const receiver = (queue: typeof queueA) => {
      const dedupe = redisDedupe({ connection: REDIS_URL, prefix: dedupePrefix });
      const tokenMemo = memo();
      const verifyToken = ignisignApi({ apiKey: api.apiKey, baseUrl: api.url });
      const r = createReceiver({ logger: silentLogger, endpoints: { ignisign: ignisign({ appId: APP_ID, appEnv: 'PRODUCTION', verifyToken, tokenMemo }) }, dedupe, queue });
      closers.push(async () => {
        await r.close();
        await tokenMemo?.close();
      });
      return r;
    };
    const a = receiver(queueA);
    const b = receiver(queueB);
    const handled: string[] = [];
    b.on('ignisign:*', (event) => {
      handled.push(event.key);
    });
    const worker = createWorker(b, { connection: REDIS_URL, queueName, prefix: bullPrefix });
    closers.push(() => worker.close());
    await worker.ready();
    return { api, a, b, handled, queueB };
  }

  function event(signatureId: string) {
    return ignisignDelivery({
      appId: APP_ID,
      appEnv: 'PRODUCTION',
      topic: 'SIGNATURE',
      action: 'FINALIZED',
      content: { signatureRequestId: 'r1', signerId: 's1', documentId: 'd1', signatureId },
    });
  }

  const codeOf = (res: WebhookResponse): unknown => (JSON.parse(res.body) as { error?: { code?: unknown } }).error?.code;

  it('with a redisTokenMemo, accepts on instance B the retry of a delivery whose token instance A consumed, and handles it once', async () => {
    const { api, a, b, handled } = await instances(`${run}-shared`, () => redisTokenMemo({ connection: REDIS_URL, prefix: memoPrefix }));
    const d = event(`${run}-sig-shared`);
    api.addToken(d.token);

    const first = await a.handle(d);
    expect(first.status).toBe(503);
    expect(codeOf(first)).toBe('QUEUE_UNAVAILABLE');
    expect(api.calls.map((c) => c.isValid)).toEqual([true]); // the token is consumed at Ignisign

    const retry = await b.handle(d); // the load balancer sends the platform's retry to B
    expect(retry.status, retry.body).toBe(200);
    expect(JSON.parse(retry.body)).toEqual({ received: true });
    expect(api.calls).toHaveLength(1);
    await eventually(() => expect(handled).toHaveLength(1));

    // Acknowledged: a later copy on either instance is a replay, checked again and refused by Ignisign.
    for (const instance of [a, b]) {
      const replay = await instance.handle(d);
      expect(replay.status).toBe(401);
      expect(codeOf(replay)).toBe('AUTH_INVALID');
    }
    expect(api.calls.map((c) => c.isValid)).toEqual([true, false, false]);
    expect(handled).toHaveLength(1);
  }, TEST_TIMEOUT_MS);

  it('with the default per-process memo, the same retry on B is refused and the event is lost (why the shared memo exists)', async () => {
    const { api, a, b, handled, queueB } = await instances(`${run}-local`, () => undefined);
    const d = event(`${run}-sig-local`);
    api.addToken(d.token);
    expect((await a.handle(d)).status).toBe(503);
    const retry = await b.handle(d);
    expect(retry.status).toBe(401);
    expect(api.calls.map((c) => c.isValid)).toEqual([true, false]);
    expect(await queueB.bullQueue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed')).toMatchObject({
      waiting: 0,
      active: 0,
      delayed: 0,
      completed: 0,
      failed: 0,
    });
    expect(handled).toEqual([]);
  }, TEST_TIMEOUT_MS);
});
