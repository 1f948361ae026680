/**
 * The queue worker of production mode: receivers started with REDIS_URL only accept and enqueue; this process
 * runs the handlers from BullMQ and prints the same one-JSON-line-per-event stdout as the in-memory examples.
 *
 *   REDIS_URL=redis://127.0.0.1:6379 ADOBE_SIGN_CLIENT_IDS=... npx -y pnpm@10.34.8 --filter @countersign/example-worker start
 *
 * It needs the same endpoint variables as the receivers (the providers revive payloads for the handlers).
 */
import { createWorker } from '@countersign/bullmq';
import { closeOnSignals, createExampleReceiver, printEvents, startupFailure, type ExampleReceiver } from '@countersign/example-express/receiver';

const redisUrl = process.env.REDIS_URL;
if (!redisUrl) startupFailure(new Error('REDIS_URL is required: the worker takes its events from BullMQ on Redis.'));

let example: ExampleReceiver;
try {
  example = createExampleReceiver();
} catch (error) {
  startupFailure(error);
}
const { receiver } = example;
printEvents(receiver);

const worker = createWorker(receiver, {
  connection: redisUrl,
  queueName: process.env.COUNTERSIGN_QUEUE ?? 'countersign',
  concurrency: Number(process.env.WORKER_CONCURRENCY ?? 10),
  logger: receiver.logger,
});
receiver.logger.info({ endpoints: Object.keys(receiver.endpoints) }, 'worker started');
closeOnSignals(async () => {
  await worker.close();
  await receiver.close();
});
