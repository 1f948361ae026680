import { CountersignError } from '../errors.js';
import type { DeadLetter, Dispatch, EventQueue, QueuedEvent } from './types.js';

export interface BackoffOptions {
  /** Delay before the first retry (ms). Default 1000. */
  delayMs?: number;
  /** Multiplier per further retry. Default 2. */
  factor?: number;
  /** Longest delay (ms). Default 5 minutes. */
  maxDelayMs?: number;
  /** Randomise each delay by up to this fraction, so failing events do not retry in lock-step. Default 0.2. */
  jitter?: number;
}

export interface MemoryQueueOptions {
  /** Handlers running at once. Default 10. */
  concurrency?: number;
  /** Attempts per event, the first included. Default 5. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Dead letters kept (oldest dropped first). Default 10 000. */
  maxDeadLetters?: number;
}

/** Delay before retry number `retry` (1-based), with exponential growth and jitter. */
export function backoffDelay(retry: number, options: BackoffOptions = {}, random: () => number = Math.random): number {
  const base = options.delayMs ?? 1000;
  const factor = options.factor ?? 2;
  const max = options.maxDelayMs ?? 5 * 60 * 1000;
  const jitter = options.jitter ?? 0.2;
  const raw = Math.min(max, base * factor ** (retry - 1));
  return Math.max(0, Math.round(raw * (1 - jitter + 2 * jitter * random())));
}

/** Run `fn` after pending I/O: `setImmediate` where the runtime has it (Node, Bun), else a zero-delay timer. */
const later: (fn: () => void) => void =
  typeof (globalThis as { setImmediate?: unknown }).setImmediate === 'function'
    ? (fn) => (globalThis as unknown as { setImmediate: (fn: () => void) => unknown }).setImmediate(fn)
    : (fn) => void setTimeout(fn, 0);

function describe(error: unknown): DeadLetter['error'] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    return { message: error.message, code: typeof code === 'string' ? code : undefined, stack: error.stack };
  }
  return { message: String(error) };
}

export interface MemoryQueue extends EventQueue {
  /** Events waiting or running right now. */
  readonly size: number;
  /** Resolve once nothing is waiting, running or scheduled for retry. */
  idle(): Promise<void>;
}

/**
 * In-process queue: concurrency limit, retries with exponential backoff and jitter, a dead-letter list.
 * Nothing survives the process: a crash loses waiting events. Use `bullmqQueue` in production.
 */
export function memoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const concurrency = options.concurrency ?? 10;
  const maxAttempts = options.attempts ?? 5;
  const maxDeadLetters = options.maxDeadLetters ?? 10_000;
  if (!(concurrency >= 1) || !(maxAttempts >= 1)) {
    throw new CountersignError('CONFIG_INVALID', 'memoryQueue: `concurrency` and `attempts` must be at least 1.');
  }

  interface Job {
    event: QueuedEvent;
    attempt: number; // attempts already made
  }
  let waiting: Job[] = [];
  let head = 0;
  let running = 0;
  const retryTimers = new Map<ReturnType<typeof setTimeout>, Job>();
  const dead = new Map<string, DeadLetter>();
  let dispatch: Dispatch | undefined;
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  let pumpScheduled = false;

  const pendingCount = (): number => waiting.length - head + running + retryTimers.size;

  function settleIdle(): void {
    if (pendingCount() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function toDeadLetters(job: Job, error: unknown): void {
    dead.delete(job.event.id);
    dead.set(job.event.id, {
      id: job.event.id,
      event: job.event,
      attempts: job.attempt,
      failedAt: new Date().toISOString(),
      error: describe(error),
    });
    while (dead.size > maxDeadLetters) dead.delete(dead.keys().next().value as string);
  }

  async function run(job: Job): Promise<void> {
    job.attempt += 1;
    try {
      await (dispatch as Dispatch)(job.event, { attempt: job.attempt, maxAttempts });
    } catch (error) {
      if (job.attempt >= maxAttempts) {
        toDeadLetters(job, error);
      } else if (closed) {
        toDeadLetters(job, new CountersignError('HANDLER_FAILED', `Queue closed before retry: ${describe(error).message}`));
      } else {
        const timer = setTimeout(() => {
          retryTimers.delete(timer);
          waiting.push(job);
          pump();
        }, backoffDelay(job.attempt, options.backoff));
        retryTimers.set(timer, job);
      }
    }
  }

  /**
   * Start waiting events soon, not now: `enqueue` resolves first, so the delivery is acknowledged before any
   * handler code runs (even a handler that blocks the thread cannot delay the answer), and the events accepted
   * meanwhile start together.
   */
  function schedulePump(): void {
    if (pumpScheduled) return;
    pumpScheduled = true;
    later(() => {
      pumpScheduled = false;
      pump();
    });
  }

  function pump(): void {
    if (dispatch === undefined) return;
    while (running < concurrency && head < waiting.length) {
      const job = waiting[head++] as Job;
      if (head > 1024 && head * 2 > waiting.length) {
        waiting = waiting.slice(head);
        head = 0;
      }
      running += 1;
      void run(job).finally(() => {
        running -= 1;
        pump();
        settleIdle();
      });
    }
  }

  return {
    get size() {
      return waiting.length - head + running;
    },
    enqueue(event) {
      if (closed) {
        return Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed and takes no more events.'));
      }
      waiting.push({ event, attempt: 0 });
      schedulePump();
      return Promise.resolve();
    },
    consume(fn) {
      if (dispatch !== undefined && dispatch !== fn) {
        throw new CountersignError('CONFIG_INVALID', 'This memoryQueue is already consumed by another receiver: give each receiver its own queue.');
      }
      dispatch = fn;
      pump();
    },
    deadLetters() {
      return Promise.resolve([...dead.values()]);
    },
    replay(id) {
      const letter = dead.get(id);
      if (letter === undefined) {
        return Promise.reject(new CountersignError('NOT_FOUND', `No dead letter with id "${id}".`));
      }
      if (closed) {
        return Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed and takes no more events.'));
      }
      dead.delete(id);
      waiting.push({ event: letter.event, attempt: 0 });
      pump();
      return Promise.resolve();
    },
    ping() {
      return closed ? Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed.')) : Promise.resolve();
    },
    idle() {
      if (pendingCount() === 0) return Promise.resolve();
      return new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
    async close() {
      closed = true;
      // Retries still waiting for their delay will not run: keep them as dead letters, where they can be seen.
      for (const [timer, job] of retryTimers) {
        clearTimeout(timer);
        toDeadLetters(job, new CountersignError('HANDLER_FAILED', 'Queue closed before this retry ran.'));
      }
      retryTimers.clear();
      if (dispatch === undefined) return;
      if (pendingCount() > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
