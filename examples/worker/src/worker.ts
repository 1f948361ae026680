/**
 * The queue worker of production mode: receivers started with REDIS_URL only accept and enqueue; this process
 * runs the handlers from BullMQ and prints the same one-JSON-line-per-event stdout as the in-memory examples.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 npx -y pnpm@10.34.8 --filter @countersign/example-worker start
 *
 * It needs no endpoint secret: handlers are registered on the platforms (`createHandlers`), which know the event
 * names, the types, the full validation of payloads and their lifecycle stages; only the receivers hold credentials.
 */
import { createWorker } from '@countersign/bullmq';
import { createHandlers, jsonLogger } from '@countersign/core';
import { closeOnSignals, examplePlatforms, printEvents, startupFailure } from '@countersign/example-express/receiver';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) startupFailure(new Error('REDIS_URL is required: the worker takes its events from BullMQ on Redis.'));

const logger = jsonLogger((process.env.LOG_LEVEL as 'debug' | 'info' | 'warn' | 'error' | undefined) ?? 'info');
const handlers = createHandlers(examplePlatforms, { logger });
printEvents(handlers);

const worker = createWorker(handlers, {
  connection: redisUrl,
  queueName: process.env.COUNTERSIGN_QUEUE ?? 'countersign',
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 10),
  logger,
});
logger.info({ endpoints: Object.keys(examplePlatforms) }, 'worker started');
closeOnSignals(async () => {
  await worker.close();
});
