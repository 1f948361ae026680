import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { CountersignError, isUnrecoverable, silentLogger, type Dispatch, type Logger, type QueuedEvent } from '@countersign/core';
import { workerConnection, type BullmqConnection } from './connection.js';
import { eventIdOf } from './job-id.js';
import { DEFAULT_QUEUE_NAME } from './queue.js';

/** The first validation issues of an unrecoverable error, for the failed job's reason (its details are not kept). */
function issueSummary(error: unknown): string {
  const details = (error as { details?: unknown }).details;
  if (!Array.isArray(details) || details.length === 0) return '';
  return ` Issues: ${JSON.stringify(details.slice(0, 5)).slice(0, 1000)}`;
}

/** What runs the handlers: a countersign `Receiver` (its typed handlers), or a bare dispatch function. */
export type DispatchTarget = Dispatch | { dispatch: Dispatch };

export interface CreateWorkerOptions {
  /** How to reach Redis: a `redis://` URL, ioredis options, or an ioredis client (with `maxRetriesPerRequest: null`). */
  connection: BullmqConnection;
  /** The queue the receivers enqueue to. Default `countersign`. */
  queueName?: string;
  /** BullMQ key prefix, as given to `bullmqQueue`. Default BullMQ's `bull`. */
  prefix?: string;
  /** Events handled at once by this worker. Default 10. */
  concurrency?: number;
  /**
   * How long a running job stays locked to this worker without a renewal (ms); the worker renews it every half
   * of this while the handler runs. When the worker dies (SIGKILL, crash, lost host), another worker takes the
   * job over after the lock expires. Default 30 000.
   */
  lockDurationMs?: number;
  /** How often this worker looks for jobs whose lock expired (ms). Default: `lockDurationMs`. */
  stalledIntervalMs?: number;
  /** How often one job may stall (its worker died) before it fails for good. Default 1. */
  maxStalledCount?: number;
  /** Start taking jobs at once. Default true; with false, call `worker.worker.run()` yourself. */
  autorun?: boolean;
  /** Receives job failures, stalls and connection errors. Default: silent. */
  logger?: Logger;
}

export interface CountersignWorker {
  readonly queueName: string;
  /** The underlying BullMQ `Worker` (events, pause/resume, metrics). */
  readonly worker: Worker<QueuedEvent>;
  /** Resolve once connected to Redis. */
  ready(): Promise<void>;
  /** Take no new jobs, let the running ones finish, close the connections. */
  close(): Promise<void>;
}

/** `value` as one shell word: bare when it is plain, else in single quotes. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replace(/'/g, `'\\''`)}'`;
}

function positive(value: number | undefined, name: string): void {
  if (value !== undefined && !(Number.isFinite(value) && value > 0)) {
    throw new CountersignError('CONFIG_INVALID', `createWorker: \`${name}\` must be a positive number (got ${String(value)}).`);
  }
}

/**
 * Run the handlers of events queued by `bullmqQueue`, typically in a separate process: the worker takes each job,
 * calls `receiver.dispatch(event, { attempt, maxAttempts })` and lets BullMQ retry a failure with the queue's
 * backoff. After the last attempt the job stays in the failed set: the dead letters (`queue.deadLetters()`,
 * `queue.replay(id)`, or bull-board). Handlers run at least once: a worker killed mid-handler leaves a job
 * that another worker runs again once the lock expires, so make handlers idempotent.
 */
export function createWorker(target: DispatchTarget, options: CreateWorkerOptions): CountersignWorker {
  if (options === undefined || options.connection === undefined) {
    throw new CountersignError('CONFIG_INVALID', 'createWorker: `connection` is required: a redis:// URL, ioredis options or an ioredis client.');
  }
  const dispatch: Dispatch =
    typeof target === 'function'
      ? target
      : typeof target?.dispatch === 'function'
        ? (event, info) => target.dispatch(event, info)
        : (() => {
            throw new CountersignError('CONFIG_INVALID', 'createWorker: pass a receiver (createReceiver(...)) or a dispatch function.');
          })();
  const queueName = options.queueName ?? DEFAULT_QUEUE_NAME;
  const concurrency = options.concurrency ?? 10;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new CountersignError('CONFIG_INVALID', 'createWorker: `concurrency` must be an integer of at least 1.');
  }
  positive(options.lockDurationMs, 'lockDurationMs');
  positive(options.stalledIntervalMs, 'stalledIntervalMs');
  const lockDuration = options.lockDurationMs ?? 30_000;
  /** The command that replays a dead letter of this queue (the receiver logs it with the dead letter). */
  const replayCommand = (id: string): string =>
    `countersign dead-letters replay ${shellQuote(id)} --queue ${shellQuote(queueName)}${options.prefix === undefined ? '' : ` --prefix ${shellQuote(options.prefix)}`}`;
  const logger = options.logger ?? silentLogger;

  const worker = new Worker<QueuedEvent>(
    queueName,
    async (job: Job<QueuedEvent>) => {
      try {
        await dispatch(job.data, { attempt: job.attemptsMade + 1, maxAttempts: job.opts.attempts ?? 1, replay: replayCommand(job.data?.id ?? eventIdOf(String(job.id))) });
      } catch (error) {
        // A payload that does not match its schema fails the same way every time: straight to the failed set.
        if (isUnrecoverable(error)) throw new UnrecoverableError(`${(error as Error).message}${issueSummary(error)}`);
        throw error;
      }
    },
    {
      connection: workerConnection(options.connection),
      ...(options.prefix === undefined ? {} : { prefix: options.prefix }),
      concurrency,
      lockDuration,
      stalledInterval: options.stalledIntervalMs ?? lockDuration,
      maxStalledCount: options.maxStalledCount ?? 1,
      autorun: options.autorun ?? true,
    },
  );
  worker.on('error', (error: unknown) => logger.warn({ err: error, queue: queueName }, 'bullmq worker error'));
  worker.on('failed', (job: Job<QueuedEvent> | undefined, error: Error) => {
    if (job === undefined) return;
    const maxAttempts = job.opts.attempts ?? 1;
    logger.warn(
      { queue: queueName, job: job.id, event: job.data?.id, attempt: job.attemptsMade, maxAttempts, err: error },
      job.attemptsMade >= maxAttempts ? 'event failed on its last attempt: kept as a dead letter' : 'event failed; it will be retried',
    );
  });
  worker.on('stalled', (jobId: string) => logger.warn({ queue: queueName, job: jobId }, 'a worker lost this job (lock expired); it runs again'));

  let closing: Promise<void> | undefined;
  return {
    queueName,
    worker,
    async ready() {
      await worker.waitUntilReady();
    },
    close() {
      closing ??= worker.close();
      return closing;
    },
  };
}
