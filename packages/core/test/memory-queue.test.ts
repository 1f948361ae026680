import { describe, expect, it } from 'vitest';
import { backoffDelay, memoryQueue, type QueuedEvent } from '@countersign/core';

const event = (id: string): QueuedEvent => ({ id, endpoint: 'e', name: 'N', known: true, key: id, payload: {}, receivedAt: new Date(0).toISOString() });

describe('memoryQueue', () => {
  it('never runs more than `concurrency` handlers at once', async () => {
    const queue = memoryQueue({ concurrency: 3 });
    let running = 0;
    let peak = 0;
    queue.consume?.(async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 2));
      running--;
    });
    await Promise.all(Array.from({ length: 20 }, (_, i) => queue.enqueue(event(`e${i}`))));
    await queue.idle();
    expect(peak).toBe(3);
  });

  it('holds events until a consumer attaches', async () => {
    const queue = memoryQueue();
    await queue.enqueue(event('early'));
    const got: string[] = [];
    queue.consume?.(async (e) => void got.push(e.id));
    await queue.idle();
    expect(got).toEqual(['early']);
  });

  it('retries with growing delays, then dead-letters with the error', async () => {
    const queue = memoryQueue({ attempts: 4, backoff: { delayMs: 1, jitter: 0 } });
    const attempts: number[] = [];
    queue.consume?.(async (_e, info) => {
      attempts.push(info.attempt);
      expect(info.maxAttempts).toBe(4);
      throw Object.assign(new Error('nope'), { code: 'E_NOPE' });
    });
    await queue.enqueue(event('x'));
    await queue.idle();
    expect(attempts).toEqual([1, 2, 3, 4]);
    const [dead] = await queue.deadLetters();
    expect(dead).toMatchObject({ id: 'x', attempts: 4, error: { message: 'nope', code: 'E_NOPE' } });
  });

  it('computes exponential backoff with bounded jitter and a ceiling', () => {
    const opts = { delayMs: 100, factor: 2, maxDelayMs: 1000, jitter: 0.2 };
    expect(backoffDelay(1, opts, () => 0.5)).toBe(100);
    expect(backoffDelay(3, opts, () => 0.5)).toBe(400);
    expect(backoffDelay(10, opts, () => 0.5)).toBe(1000);
    expect(backoffDelay(2, opts, () => 0)).toBe(160);
    expect(backoffDelay(2, opts, () => 1)).toBe(240);
  });

  it('replays a dead letter for a fresh round of attempts; unknown ids are a coded error', async () => {
    const queue = memoryQueue({ attempts: 1 });
    let ok = false;
    const done: string[] = [];
    queue.consume?.(async (e) => {
      if (!ok) throw new Error('fail');
      done.push(e.id);
    });
    await queue.enqueue(event('r'));
    await queue.idle();
    ok = true;
    await queue.replay('r');
    await queue.idle();
    expect(done).toEqual(['r']);
    await expect(queue.replay('missing')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('keeps at most maxDeadLetters', async () => {
    const queue = memoryQueue({ attempts: 1, maxDeadLetters: 2 });
    queue.consume?.(async () => {
      throw new Error('x');
    });
    for (const id of ['a', 'b', 'c']) await queue.enqueue(event(id));
    await queue.idle();
    expect((await queue.deadLetters()).map((d) => d.id)).toEqual(['b', 'c']);
  });

  it('close() waits for queued and running work, keeps pending retries as dead letters, then refuses', async () => {
    const queue = memoryQueue({ attempts: 3, backoff: { delayMs: 60_000 } });
    const done: string[] = [];
    queue.consume?.(async (e) => {
      if (e.id === 'failing') throw new Error('later');
      await new Promise((r) => setTimeout(r, 5));
      done.push(e.id);
    });
    await queue.enqueue(event('failing'));
    for (const id of ['a', 'b']) await queue.enqueue(event(id));
    await queue.close();
    expect(done).toEqual(['a', 'b']);
    expect((await queue.deadLetters()).map((d) => d.id)).toEqual(['failing']);
    await expect(queue.enqueue(event('c'))).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
    await expect(queue.ping?.()).rejects.toMatchObject({ code: 'QUEUE_UNAVAILABLE' });
  });

  it('refuses a second consumer', () => {
    const queue = memoryQueue();
    queue.consume?.(async () => undefined);
    expect(() => queue.consume?.(async () => undefined)).toThrow(/already consumed/);
  });
});
