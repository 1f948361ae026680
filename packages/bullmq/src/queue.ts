import { Queue, type Job, type KeepJobs } from 'bullmq';
import type { Redis } from 'ioredis';
import { CountersignError, silentLogger, type DeadLetter, type EventQueue, type Logger, type QueuedEvent } from '@countersign/core';
import { closeRedisClient, createRedisClient } from '@countersign/redis';
import { isRedisClient, type BullmqConnection } from './connection.js';
import { eventIdOf, jobIdFor } from './job-id.js';

export const DEFAULT_QUEUE_NAME = 'countersign';

/** `true` keeps every job, `false` none, a number the most recent N, or BullMQ's `{ age (s), count }`. */
export type KeepJobsOption = boolean | number | KeepJobs;

export interface BullmqBackoff {
  /** Default `exponential`: `delayMs`, then twice that, and so on. */
  type?: 'exponential' | 'fixed';
  /** Delay before the first retry (ms). Default 1000. */
  delayMs?: number;
  /** Randomise each delay down by up to this fraction, so failing events do not retry in lock-step. Default 0.2. */
  jitter?: number;
}

export interface BullmqQueueOptions {
  /**
   * How to reach Redis: a `redis://` URL or ioredis options (the queue then creates and closes its own fail-fast
   * connection), or an ioredis client you manage (give it `enableOfflineQueue: false`; it is not closed).
   */
  connection: BullmqConnection;
  /** BullMQ queue name (no `:`). Workers must use the same one. Default `countersign`. */
  queueName?: string;
  /** BullMQ key prefix. Default BullMQ's `bull`. Workers must use the same one. */
  prefix?: string;
  /** Attempts per event, the first included. Default 5. */
  attempts?: number;
  /** Delay between attempts. Default `{ type: 'exponential', delayMs: 1000, jitter: 0.2 }`. */
  backoff?: BullmqBackoff;
  /**
   * Completed jobs kept. While a job is kept, enqueueing the same event again is a no-op. Default
   * `{ age: 86400, count: 1000 }` (a day, at most 1000 jobs): the dedupe store is what remembers events for days.
   */
  removeOnComplete?: KeepJobsOption;
  /** Failed jobs (the dead letters) kept. Default `true`: every one, until replayed or removed. */
  keepFailed?: KeepJobsOption;
  /** Longest `enqueue` / `ping` may take before failing (ms). Default 2000, inside the receiver's 4 s budget. */
  commandTimeoutMs?: number;
  /** Receives connection errors (warn level). Default: silent. */
  logger?: Logger;
}

export interface BullmqQueue extends EventQueue {
  readonly queueName: string;
  /** The underlying BullMQ `Queue`, e.g. for bull-board's `new BullMQAdapter(queue.bullQueue)`. */
  readonly bullQueue: Queue<QueuedEvent>;
  /** The ioredis client of the producer connection. */
  readonly client: Redis;
  /** Failed jobs, newest first; `start`/`end` are inclusive indexes (default: all). */
  deadLetters(range?: { start?: number; end?: number }): Promise<DeadLetter[]>;
  /** Put a failed job back for a fresh round of attempts; `id` is the event id (or the BullMQ job id). */
  replay(id: string): Promise<void>;
  ping(): Promise<void>;
  close(): Promise<void>;
}

function invalid(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `bullmqQueue: ${message}`);
}

function unavailable(message: string, cause?: unknown): CountersignError {
  return new CountersignError('QUEUE_UNAVAILABLE', message, cause === undefined ? {} : { cause });
}

function keepFailedToRemoveOnFail(keep: KeepJobsOption): boolean | number | KeepJobs {
  return typeof keep === 'boolean' ? !keep : keep;
}

function keepCompletedToRemoveOnComplete(keep: KeepJobsOption): boolean | number | KeepJobs {
  return keep;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(unavailable(message)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}

function toDeadLetter(job: Job<QueuedEvent>): DeadLetter {
  const stack = job.stacktrace?.at(-1);
  return {
    id: typeof job.data?.id === 'string' ? job.data.id : eventIdOf(String(job.id)),
    event: job.data,
    attempts: job.attemptsMade,
    failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
    error: { message: job.failedReason ?? 'unknown failure', stack: stack ?? undefined },
  };
}

/**
 * A durable queue on BullMQ: `enqueue` resolves once Redis stored the job, so an acknowledged event survives
 * the receiver. Each event becomes one job whose id is derived from the event id, so enqueueing a copy again is
 * a no-op. Handlers run in a worker (`createWorker`), in this process or another; this queue has no `consume`.
 */
export function bullmqQueue(options: BullmqQueueOptions): BullmqQueue {
  if (options === undefined || options.connection === undefined) {
    throw invalid('`connection` is required: a redis:// URL, ioredis options or an ioredis client.');
  }
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  if (queueName === '' || queueName.includes(':')) throw invalid(`\`queueName\` must be non-empty and contain no ":" (got "${queueName}").`);
  const attempts = options.attempts ?? 5;
  if (!Number.isInteger(attempts) || attempts < 1) throw invalid('`attempts` must be an integer of at least 1.');
  const backoff = { type: 'exponential' as const, delayMs: 1000, jitter: 0.2, ...options.backoff };
  if (!(backoff.delayMs >= 0) || !(backoff.jitter >= 0 && backoff.jitter <= 1)) {
    throw invalid('`backoff.delayMs` must be at least 0 and `backoff.jitter` between 0 and 1.');
  }
  const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
  if (!(commandTimeoutMs > 0)) throw invalid('`commandTimeoutMs` must be a positive number.');
  const logger = options.logger ?? silentLogger;

  const owned = !isRedisClient(options.connection);
  const client = isRedisClient(options.connection) ? options.connection : createRedisClient(options.connection, commandTimeoutMs);
  const bull = new Queue<QueuedEvent>(queueName, {
    connection: client,
    ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
    defaultJobOptions: {
      attempts,
      backoff: { type: backoff.type, delay: backoff.delayMs, jitter: backoff.jitter },
      removeOnComplete: keepCompletedToRemoveOnComplete(options.removeOnComplete ?? { age: 24 * 60 * 60, count: 1000 }),
      removeOnFail: keepFailedToRemoveOnFail(options.keepFailed ?? true),
    },
  });
  // Connection errors are reported once, through the queue (BullMQ re-emits them there); without listeners
  // ioredis and BullMQ would print them.
  if (owned) client.on('error', () => undefined);
  bull.on('error', (error: unknown) => logger.warn({ err: error, queue: queueName }, 'bullmq queue connection error; reconnecting'));

  let initialized = false;
  let initError: unknown;
  const startup = bull.waitUntilReady().then(
    () => {
      initialized = true;
    },
    (error: unknown) => {
      initError = error;
    },
  );
  let closed = false;

  /** Until the first connection is up, wait for it (bounded); afterwards commands fail fast by themselves. */
  async function connected(): Promise<void> {
    if (closed) throw unavailable('bullmqQueue: the queue is closed and takes no more events.');
    if (!initialized) {
      await withTimeout(startup, commandTimeoutMs, `bullmqQueue: not connected to Redis yet (status: ${client.status}).`);
      if (initError !== undefined) throw unavailable(`bullmqQueue: connecting to Redis failed: ${String(initError)}`, initError);
    }
  }

  async function findJob(id: string): Promise<Job<QueuedEvent> | undefined> {
    const derived = jobIdFor(id);
    const job = await bull.getJob(derived);
    if (job !== undefined || derived === id) return job;
    return bull.getJob(id);
  }

  return {
    queueName,
    bullQueue: bull,
    client,
    async enqueue(event) {
      await connected();
      await withTimeout(
        bull.add(`${event.endpoint}:${event.name}`, event, { jobId: jobIdFor(event.id) }),
        commandTimeoutMs,
        `bullmqQueue: Redis did not store the job within ${commandTimeoutMs} ms.`,
      );
    },
    async deadLetters(range = {}) {
      await connected();
      const jobs = await bull.getFailed(range.start ?? 0, range.end ?? -1);
      return jobs.filter((job): job is Job<QueuedEvent> => job !== undefined && job !== null).map(toDeadLetter);
    },
    async replay(id) {
      await connected();
      const job = await findJob(id);
      if (job === undefined || (await job.getState()) !== 'failed') {
        throw new CountersignError('NOT_FOUND', `No dead letter (failed job) with id "${id}" in queue "${queueName}".`);
      }
      await job.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    },
    async ping() {
      await connected();
      await withTimeout(client.ping(), commandTimeoutMs, `bullmqQueue: Redis did not answer PING within ${commandTimeoutMs} ms (status: ${client.status}).`);
    },
    async close() {
      if (closed) return;
      closed = true;
      if (owned && !initialized) {
        // Never connected. While a socket is open, ending it makes BullMQ's pending start-up fail: let that settle
        // (it reports through the queue's error listener) before the queue drops its listeners. Between attempts
        // (`reconnecting`) disconnecting only cancels the next attempt and the start-up never settles.
        const settles = client.status !== 'reconnecting' && client.status !== 'end';
        client.disconnect();
        if (settles) await withTimeout(startup, 1000, 'start-up did not settle').catch(() => undefined);
      }
      await bull.close();
      if (!owned) return;
      await closeRedisClient(client);
    },
  };
}
