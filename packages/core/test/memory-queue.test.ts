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

describe('memoryQueue with a keep-alive (waitUntil)', () => {
  /** A keep-alive that collects what is registered with it, as a runtime's `waitUntil` does. */
  function keepAlive() {
    const kept: Array<Promise<unknown>> = [];
    return { kept, waitUntil: (promise: Promise<unknown>) => void kept.push(promise) };
  }

  it('registers each event when it is enqueued, runs its handler after the acknowledgement, and settles once it ran', async () => {
    const queue = memoryQueue();
    const order: string[] = [];
    queue.consume?.(async (e) => void order.push(`handled ${e.id}`));
    const { kept, waitUntil } = keepAlive();
    await queue.enqueue(event('k'), { bytes: 10, waitUntil });
    order.push('acknowledged');
    expect(kept).toHaveLength(1);
    expect(queue.size).toBe(1);
    await kept[0];
    expect(order).toEqual(['acknowledged', 'handled k']);
    expect(queue.size).toBe(0);
  });

  it('keeps the retries of a failing handler inside the keep-alive, and dead-letters within it after the last attempt', async () => {
    const queue = memoryQueue({ attempts: 3, backoff: { delayMs: 1, jitter: 0 } });
    const attempts: Array<[string, number]> = [];
    queue.consume?.(async (e, info) => {
      attempts.push([e.id, info.attempt]);
      if (e.id === 'flaky' && info.attempt < 3) throw new Error('not yet');
      if (e.id === 'broken') throw new Error('never');
    });
    const { kept, waitUntil } = keepAlive();
    await queue.enqueue(event('flaky'), { bytes: 10, waitUntil });
    await queue.enqueue(event('broken'), { bytes: 10, waitUntil });
    await Promise.all(kept);
    expect(attempts.filter(([id]) => id === 'flaky').map(([, n]) => n)).toEqual([1, 2, 3]);
    expect(attempts.filter(([id]) => id === 'broken').map(([, n]) => n)).toEqual([1, 2, 3]);
    expect((await queue.deadLetters()).map((d) => d.id)).toEqual(['broken']);
  });

  it('runs kept events at once, each from its own delivery, without waiting for another delivery\'s slot', async () => {
    const queue = memoryQueue({ concurrency: 1 });
    let open!: () => void;
    const gate = new Promise<void>((resolve) => (open = resolve));
    const started: string[] = [];
    let bothStarted!: () => void;
    const both = new Promise<void>((resolve) => (bothStarted = resolve));
    queue.consume?.(async (e) => {
      started.push(e.id);
      if (started.length === 2) bothStarted();
      await gate;
    });
    const { kept, waitUntil } = keepAlive();
    await queue.enqueue(event('a'), { bytes: 10, waitUntil });
    await queue.enqueue(event('b'), { bytes: 10, waitUntil });
    await both;
    expect(started).toEqual(['a', 'b']);
    open();
    await Promise.all(kept);
    await queue.idle();
  });

  it('idle() and close() wait for kept events; close() dead-letters a kept event waiting for its retry and settles its keep-alive', async () => {
    const queue = memoryQueue({ attempts: 3, backoff: { delayMs: 60_000 } });
    let failed!: () => void;
    const firstFailure = new Promise<void>((resolve) => (failed = resolve));
    const done: string[] = [];
    queue.consume?.(async (e) => {
      if (e.id === 'failing') {
        failed();
        throw new Error('later');
      }
      await new Promise((r) => setTimeout(r, 5));
      done.push(e.id);
    });
    const { kept, waitUntil } = keepAlive();
    await queue.enqueue(event('ok'), { bytes: 10, waitUntil });
    await queue.idle();
    expect(done).toEqual(['ok']);
    await queue.enqueue(event('failing'), { bytes: 10, waitUntil });
    await firstFailure;
    await new Promise((r) => setTimeout(r, 0)); // the failure is handled in microtasks: its retry is now waiting
    expect(queue.size).toBe(0);
    await queue.close();
    await Promise.all(kept);
    const [dead] = await queue.deadLetters();
    expect(dead).toMatchObject({ id: 'failing', attempts: 1, error: { message: 'Queue closed before this retry ran.' } });
  });

  it('refuses the event (CONFIG_INVALID) and holds nothing when the keep-alive throws', async () => {
    const queue = memoryQueue();
    const handled: string[] = [];
    queue.consume?.(async (e) => void handled.push(e.id));
    const refusing = (): void => {
      throw new Error('`after` was called outside a request scope');
    };
    await expect(queue.enqueue(event('x'), { bytes: 10, waitUntil: refusing })).rejects.toMatchObject({ code: 'CONFIG_INVALID', message: expect.stringContaining('outside a request scope') });
    expect(queue.size).toBe(0);
    await queue.enqueue(event('y'));
    await queue.idle();
    expect(handled).toEqual(['y']);
  });
});
