/**
 * Run as a process by visibility.test.ts: a receiver created with nothing configured (no logger), a handler
 * that always throws, an event nobody handles (twice), and a flood of refused deliveries. What it prints on
 * stderr is the default logger's output; stdout gets one line when everything has run.
 */
import { createReceiver, memoryQueue } from '@countersign/core';
import { delivery, headers, toy } from './toy-provider.js';

const queue = memoryQueue({ attempts: 3, backoff: { delayMs: 1, jitter: 0 } });
const receiver = createReceiver({ endpoints: { toy: toy() }, queue });
receiver.on('toy:PING', () => {
  throw Object.assign(new Error('the archive is down'), { code: 'ARCHIVE_DOWN' });
});

await receiver.handle(delivery('evt-fails', 'PING'));
await receiver.handle(delivery('evt-unhandled-1', 'PONG'));
await receiver.handle(delivery('evt-unhandled-2', 'PONG'));
for (let i = 0; i < 40; i++) await receiver.handle({ method: 'POST', endpoint: 'toy', headers: { ...headers, 'x-token': 'wrong' }, body: '{}' });
await queue.idle();
const dead = await receiver.deadLetters();
await receiver.close();
process.stdout.write(`${JSON.stringify({ dead: dead.map((d) => d.id) })}\n`);
