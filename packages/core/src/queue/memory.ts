import { CountersignError, isUnrecoverable } from '../errors.js';
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
  /**
   * Handlers running at once, for events accepted without a keep-alive. Default 10. Events accepted with one
   * (`waitUntil`) run within their own delivery's keep-alive as soon as it is answered, never waiting for another
   * delivery's slot: on Workers, work begun for one request cannot be carried on by another.
   */
  concurrency?: number;
  /** Attempts per event, the first included. Default 5. */
  attempts?: number;
  backoff?: BackoffOptions;
  /** Dead letters kept (oldest dropped first). Default 10 000. */
  maxDeadLetters?: number;
  /**
   * Most events held (waiting, running or waiting for a retry). Past it `enqueue` refuses with `QUEUE_FULL`, so the
   * delivery is answered 503 with `Retry-After` and the platform retries later. Default 10 000.
   */
  maxEvents?: number;
  /**
   * Most bytes held, counted as the size of each event's delivery body. Past it `enqueue` refuses with
   * `QUEUE_FULL`. Default 64 MiB: with parsed payloads taking a few times their raw size, a 512 MB heap stays alive.
   */
  maxBytes?: number;
  /** Most bytes of dead letters kept (oldest dropped first). Default 64 MiB. */
  maxDeadLetterBytes?: number;
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

/**
 * Run `fn` on a later turn of the event loop: a zero-delay timer, which every runtime has, runs only once the current
 * task and its microtasks are done, so the acknowledgement is handed to the runtime (and written, as measured on Node,
 * Bun, Deno and workerd, even when `fn` then blocks the thread) before any handler code runs. A microtask would run
 * before the answer; `MessageChannel` blocked workerd's answer; `setImmediate` is missing, or a stub that throws, on
 * edge runtimes.
 */
const later = (fn: () => void): void => void setTimeout(fn, 0);

/**
 * The runtime, when it is one known to freeze or stop work once the answer is sent; `undefined` elsewhere. Cloudflare
 * Workers say so in `navigator.userAgent` (`Cloudflare-Workers`); edge runtimes (Next.js's `runtime = 'edge'`, Vercel
 * Edge) define the `EdgeRuntime` global. Work after the answer needs the runtime's `waitUntil` there.
 */
export function freezingRuntime(): string | undefined {
  const scope = globalThis as { navigator?: { userAgent?: unknown }; EdgeRuntime?: unknown };
  if (scope.navigator?.userAgent === 'Cloudflare-Workers') return 'Cloudflare Workers';
  const edge = scope.EdgeRuntime;
  if (edge !== undefined) return `An edge runtime (EdgeRuntime: ${typeof edge === 'string' ? edge : typeof edge})`;
  return undefined;
}

function describe(error: unknown): DeadLetter['error'] {
  if (error instanceof Error) {
    const code = (error as { code?: unknown }).code;
    const details = (error as { details?: unknown }).details;
    return { message: error.message, code: typeof code === 'string' ? code : undefined, stack: error.stack, ...(details === undefined ? {} : { details }) };
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
 *
 * An event enqueued with a keep-alive (`EnqueueInfo.waitUntil`) is run by that delivery: its attempts and the waits
 * between them are registered with the keep-alive, whose promise settles once the event is handled or dead-lettered.
 * Where the runtime freezes after the answer (`freezingRuntime()`), an event without one is refused (`CONFIG_INVALID`):
 * it would be acknowledged and never handled.
 */
export function memoryQueue(options: MemoryQueueOptions = {}): MemoryQueue {
  const concurrency = options.concurrency ?? 10;
  const maxAttempts = options.attempts ?? 5;
  const maxDeadLetters = options.maxDeadLetters ?? 10_000;
  const maxEvents = options.maxEvents ?? 10_000;
  const maxBytes = options.maxBytes ?? 64 * 1024 * 1024;
  const maxDeadLetterBytes = options.maxDeadLetterBytes ?? 64 * 1024 * 1024;
  if (!(concurrency >= 1) || !(maxAttempts >= 1)) {
    throw new CountersignError('CONFIG_INVALID', 'memoryQueue: `concurrency` and `attempts` must be at least 1.');
  }
  for (const [name, value] of [['maxDeadLetters', maxDeadLetters], ['maxEvents', maxEvents], ['maxBytes', maxBytes], ['maxDeadLetterBytes', maxDeadLetterBytes]] as const) {
    if (typeof value !== 'number' || !(value >= 1)) {
      throw new CountersignError('CONFIG_INVALID', `memoryQueue: \`${name}\` must be a positive number (got ${String(value)}).`);
    }
  }

  interface Job {
    event: QueuedEvent;
    attempt: number; // attempts already made
    /** What the event counts against `maxBytes`. */
    bytes: number;
  }
  let waiting: Job[] = [];
  let head = 0;
  let running = 0;
  const retryTimers = new Map<ReturnType<typeof setTimeout>, Job>();
  const dead = new Map<string, { letter: DeadLetter; bytes: number }>();
  /** Events and bytes held: waiting, running and waiting for a retry. */
  let heldEvents = 0;
  let heldBytes = 0;
  let deadBytes = 0;
  let dispatch: Dispatch | undefined;
  let closed = false;
  let idleWaiters: Array<() => void> = [];
  let pumpScheduled = false;
  /** Jobs run by their own delivery's keep-alive, from acceptance until handled or dead-lettered. */
  const carried = new Set<Job>();
  /** The waits of carried jobs before a retry, so `close()` can end them. */
  const carriedRetries = new Map<ReturnType<typeof setTimeout>, { job: Job; stop: () => void }>();
  const frozen = freezingRuntime();

  const pendingCount = (): number => waiting.length - head + running + retryTimers.size + carried.size;

  function settleIdle(): void {
    if (pendingCount() > 0) return;
    const waiters = idleWaiters;
    idleWaiters = [];
    for (const w of waiters) w();
  }

  function release(job: Job): void {
    heldEvents -= 1;
    heldBytes -= job.bytes;
  }

  function forgetDead(id: string): void {
    const old = dead.get(id);
    if (old === undefined) return;
    dead.delete(id);
    deadBytes -= old.bytes;
  }

  function toDeadLetters(job: Job, error: unknown): void {
    release(job);
    forgetDead(job.event.id);
    const letter: DeadLetter = { id: job.event.id, event: job.event, attempts: job.attempt, failedAt: new Date().toISOString(), error: describe(error) };
    dead.set(job.event.id, { letter, bytes: job.bytes });
    deadBytes += job.bytes;
    while (dead.size > maxDeadLetters || (deadBytes > maxDeadLetterBytes && dead.size > 1)) forgetDead(dead.keys().next().value as string);
  }

  /** Why the queue cannot take an event of `bytes` more, or `undefined` when it can. */
  function fullReason(bytes: number): string | undefined {
    if (heldEvents + 1 > maxEvents) return `it holds ${heldEvents} events, its limit (maxEvents)`;
    if (heldBytes + bytes > maxBytes && heldEvents > 0) return `it holds ${heldBytes} bytes of events and this one would pass its limit of ${maxBytes} (maxBytes)`;
    return undefined;
  }

  function queueFull(reason: string): CountersignError {
    return new CountersignError('QUEUE_FULL', `The in-memory queue is full (${reason}): handlers are not keeping up. The delivery was not accepted; retry later.`, {
      headers: { 'retry-after': '30' },
    });
  }

  /** One attempt at `job`: `undefined` once it is over (handled or dead-lettered), else the delay before the next. */
  async function attempt(job: Job): Promise<number | undefined> {
    job.attempt += 1;
    try {
      await (dispatch as Dispatch)(job.event, { attempt: job.attempt, maxAttempts });
      release(job);
    } catch (error) {
      if (job.attempt >= maxAttempts || isUnrecoverable(error)) {
        toDeadLetters(job, error);
      } else if (closed) {
        toDeadLetters(job, new CountersignError('HANDLER_FAILED', `Queue closed before retry: ${describe(error).message}`));
      } else {
        return backoffDelay(job.attempt, options.backoff);
      }
    }
    return undefined;
  }

  async function run(job: Job): Promise<void> {
    const retryIn = await attempt(job);
    if (retryIn === undefined) return;
    const timer = setTimeout(() => {
      retryTimers.delete(timer);
      waiting.push(job);
      pump();
    }, retryIn);
    retryTimers.set(timer, job);
  }

  /**
   * Run `job` from the delivery that accepted it, after its answer: every attempt and every wait between attempts is a
   * timer or promise of that delivery, kept alive by its `waitUntil`. Resolves once the job is handled or dead-lettered.
   */
  async function carry(job: Job): Promise<void> {
    carried.add(job);
    try {
      await new Promise<void>((resolve) => later(resolve));
      for (;;) {
        const retryIn = await attempt(job);
        if (retryIn === undefined) return;
        const resumed = await new Promise<boolean>((resolve) => {
          const timer = setTimeout(() => {
            carriedRetries.delete(timer);
            resolve(true);
          }, retryIn);
          carriedRetries.set(timer, { job, stop: () => resolve(false) });
        });
        if (!resumed) return; // close() dead-lettered it
      }
    } finally {
      carried.delete(job);
      settleIdle();
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
      return waiting.length - head + running + carried.size - carriedRetries.size;
    },
    enqueue(event, info) {
      if (closed) {
        return Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed and takes no more events.'));
      }
      const waitUntil = info?.waitUntil;
      if (waitUntil === undefined && frozen !== undefined) {
        return Promise.reject(
          new CountersignError(
            'CONFIG_INVALID',
            `${frozen} may freeze or stop as soon as the answer is sent: the in-memory queue would acknowledge events whose handlers never run, so it refuses them. Give the adapter the runtime's keep-alive (createFetchHandler(receiver, { waitUntil }): see @countersign/fetch), or give the receiver a durable queue.`,
          ),
        );
      }
      const bytes = info?.bytes ?? JSON.stringify(event).length;
      const full = fullReason(bytes);
      if (full !== undefined) return Promise.reject(queueFull(full));
      const job: Job = { event, attempt: 0, bytes };
      if (waitUntil !== undefined && dispatch !== undefined) {
        let settle!: () => void;
        const kept = new Promise<void>((resolve) => (settle = resolve));
        try {
          waitUntil(kept);
        } catch (error) {
          return Promise.reject(new CountersignError('CONFIG_INVALID', `The runtime's keep-alive (waitUntil) refused the work: ${describe(error).message}`, { cause: error }));
        }
        heldEvents += 1;
        heldBytes += bytes;
        void carry(job).then(settle);
        return Promise.resolve();
      }
      heldEvents += 1;
      heldBytes += bytes;
      waiting.push(job);
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
      return Promise.resolve([...dead.values()].map((d) => d.letter));
    },
    replay(id) {
      const found = dead.get(id);
      if (found === undefined) {
        return Promise.reject(new CountersignError('NOT_FOUND', `No dead letter with id "${id}".`));
      }
      if (closed) {
        return Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed and takes no more events.'));
      }
      const full = fullReason(found.bytes);
      if (full !== undefined) return Promise.reject(queueFull(full));
      forgetDead(id);
      heldEvents += 1;
      heldBytes += found.bytes;
      waiting.push({ event: found.letter.event, attempt: 0, bytes: found.bytes });
      pump();
      return Promise.resolve();
    },
    ping() {
      if (closed) return Promise.reject(new CountersignError('QUEUE_UNAVAILABLE', 'The in-memory queue is closed.'));
      const full = fullReason(0);
      return full === undefined ? Promise.resolve() : Promise.reject(queueFull(full));
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
      for (const [timer, { job, stop }] of carriedRetries) {
        clearTimeout(timer);
        toDeadLetters(job, new CountersignError('HANDLER_FAILED', 'Queue closed before this retry ran.'));
        stop();
      }
      carriedRetries.clear();
      if (dispatch === undefined) return;
      if (pendingCount() > 0) await new Promise<void>((resolve) => idleWaiters.push(resolve));
    },
  };
}
