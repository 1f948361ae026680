import { Command, InvalidArgumentError, Option } from 'commander';
import type { CommandContext } from '../subscriptions/shared.js';
import { queueFlags, shellWord, withDeadLetterQueue, withQueue, type QueueOptions } from './shared.js';

const MAX_LIMIT = 10_000;

export function listCommand(context: CommandContext): Command {
  return withQueue(new Command('list'))
    .description('list the dead letters, newest first: id, event, attempts, when, why')
    .addOption(
      new Option('--limit <n>', `show at most N (1 to ${MAX_LIMIT})`)
        .argParser((value) => {
          const n = Number(value);
          if (!Number.isInteger(n) || n < 1 || n > MAX_LIMIT) throw new InvalidArgumentError(`--limit must be a whole number from 1 to ${MAX_LIMIT}.`);
          return n;
        })
        .default(50),
    )
    .action(async (options: QueueOptions & { limit: number }) => {
      await withDeadLetterQueue(context, options, async (queue, { queueName, redis }) => {
        const total = await queue.bullQueue.getFailedCount();
        const letters = await queue.deadLetters({ start: 0, end: options.limit - 1 });
        if (options.json === true) {
          context.io.out(JSON.stringify({ queue: queueName, total, deadLetters: letters.map(({ event, ...rest }) => ({ ...rest, event: { endpoint: event.endpoint, name: event.name } })) }, null, 2));
          return;
        }
        if (total === 0) {
          context.io.out(`No dead letters in queue ${queueName} (${redis}).`);
          return;
        }
        for (const letter of letters) {
          const why = letter.error.message.replace(/\s+/g, ' ').slice(0, 100);
          context.io.out(`${letter.id}  ${letter.event.endpoint}:${letter.event.name}  attempts ${letter.attempts}  failed ${letter.failedAt}  ${why}`);
        }
        context.io.out(`${total} dead letter(s) in queue ${queueName}${letters.length < total ? `, the newest ${letters.length} shown (--limit)` : ''}.`);
        const example = letters[0];
        if (example !== undefined) context.io.out(`Details: countersign dead-letters show ${shellWord(example.id)}${queueFlags(options, queueName)}   Replay: countersign dead-letters replay ${shellWord(example.id)}${queueFlags(options, queueName)}`);
      });
    });
}
