/**
 * Run as a process by dead-letters.test.ts: a receiver on BullMQ with a worker, and NOTHING configured for logging,
 * as a new user writes it. Its DocStudio handler throws until the file named by HANDLER_OK_FILE exists. Prints
 * `{"listening":port}` and then `{"handled":id}` per handled event on stdout; the default logger writes on stderr.
 */
import { existsSync } from 'node:fs';
import { createServer } from 'node:http';
import { bullmqQueue, createWorker } from '@countersign/bullmq';
import { createReceiver, docstudio } from '@countersign/core';

const connection = process.env.REDIS_URL as string;
const queueName = process.env.COUNTERSIGN_QUEUE as string;
const prefix = process.env.BULLMQ_PREFIX as string;
const receiver = createReceiver({
  endpoints: { docstudio: docstudio({ login: 'hooks', password: process.env.DOCSTUDIO_PASSWORD as string }) },
  queue: bullmqQueue({ connection, queueName, prefix, attempts: 3, backoff: { delayMs: 20, jitter: 0 } }),
});
receiver.on('docstudio:COMPLETED', (event) => {
  if (!existsSync(process.env.HANDLER_OK_FILE as string)) throw new Error(`the archive refused ${event.payload.uuid}`);
  process.stdout.write(`${JSON.stringify({ handled: event.id })}\n`);
});
const worker = createWorker(receiver, { connection, queueName, prefix });
const server = createServer(async (req, res) => {
  const answer = await receiver.handle({ method: req.method ?? 'GET', endpoint: (req.url ?? '/').replace(/^\/webhooks/, ''), headers: req.headers, body: req });
  res.writeHead(answer.status, answer.headers).end(answer.body);
}).listen(0, '127.0.0.1', () => {
  const address = server.address();
  process.stdout.write(`${JSON.stringify({ listening: typeof address === 'object' && address !== null ? address.port : 0 })}\n`);
});
process.once('SIGTERM', async () => {
  server.close();
  await worker.close();
  await receiver.close();
  process.exit(0);
});
