/**
 * A worker process: runs the receiver's typed handlers for jobs the receivers queued; it never receives.
 * Each handler prints `{"type":"started",...}`, sleeps HANDLER_MS (default 0), then prints `{"type":"handled",...}`.
 * Prints `{"type":"ready"}` once connected. Run: `npx -y tsx --conditions=source test/production/processes/worker.ts`.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createWorker } from '@countersign/bullmq';
import { createApp, report, settings } from './app.js';

const handlerMs = Number(process.env.HANDLER_MS ?? 0);
const { receiver } = createApp();

receiver.on('adobe:AGREEMENT_WORKFLOW_COMPLETED', async (event) => {
  // The platform's id: without OAuth the event id is that id bound to the body (`<id>#<hash>`).
  const id = event.payload.webhookNotificationId;
  report({ type: 'started', id, name: event.name, attempt: event.attempt });
  if (handlerMs > 0) await sleep(handlerMs);
  report({ type: 'handled', id, name: event.name, attempt: event.attempt, agreement: event.payload.agreement.id });
});

const worker = createWorker(receiver, {
  connection: settings.redisUrl,
  queueName: settings.queueName,
  prefix: settings.bullPrefix,
  concurrency: Number(process.env.CONCURRENCY ?? 10),
  ...(process.env.LOCK_MS ? { lockDurationMs: Number(process.env.LOCK_MS) } : {}),
});

async function shutdown(): Promise<void> {
  await worker.close(); // finish running handlers, take nothing new
  await receiver.close();
  process.exit(0);
}
process.once('SIGTERM', () => void shutdown());
process.once('SIGINT', () => void shutdown());

await worker.ready();
report({ type: 'ready' });
