import { adobeSign, createReceiver, type Logger } from '@countersign/core';
import { bullmqQueue } from '@countersign/bullmq';
import { redisDedupe } from '@countersign/redis';

/** The Acrobat Sign client id the processes allow and the tests send. */
export const CLIENT_ID = 'CBJCHBCAABAAcountersignProductionTest';

/** Settings shared by the receiver and worker processes, from the environment the test gives them. */
export const settings = {
  redisUrl: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379',
  queueName: process.env.QUEUE_NAME ?? 'countersign',
  bullPrefix: process.env.BULL_PREFIX ?? 'bull',
  dedupePrefix: process.env.DEDUPE_PREFIX ?? 'countersign:dedupe:',
  timeoutMs: Number(process.env.TIMEOUT_MS ?? 4000),
};

/** Writes one JSON line to stdout: the test parent reads these. */
export function report(record: Record<string, unknown>): void {
  process.stdout.write(`${JSON.stringify({ pid: process.pid, ...record })}\n`);
}

const logger: Logger | undefined =
  process.env.LOG === '1'
    ? {
        debug: () => undefined,
        info: () => undefined,
        warn: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'warn', ...obj, msg })}\n`),
        error: (obj, msg) => process.stderr.write(`${JSON.stringify({ level: 'error', ...obj, msg })}\n`),
      }
    : undefined;

/**
 * The application's receiver, as one module both kinds of process import: receivers call `handle()` and never
 * dispatch (the BullMQ queue has no in-process consumer); workers pass it to `createWorker` and never receive.
 */
export function createApp() {
  const queue = bullmqQueue({ connection: settings.redisUrl, queueName: settings.queueName, prefix: settings.bullPrefix, logger });
  const dedupe = redisDedupe({ connection: settings.redisUrl, prefix: settings.dedupePrefix, logger });
  const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [CLIENT_ID] }) }, dedupe, queue, timeoutMs: settings.timeoutMs, logger });
  return { receiver, queue, dedupe };
}
