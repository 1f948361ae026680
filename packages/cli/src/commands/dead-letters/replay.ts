import { Command } from 'commander';
import { CliError, EXIT } from '../../exit-codes.js';
import type { CommandContext } from '../subscriptions/shared.js';
import { withDeadLetterQueue, withQueue, type QueueOptions } from './shared.js';

/** Dead letters replayed per round of `--all`. */
const PAGE = 100;
/** Ids printed by `--all` (the count is always printed). */
const MAX_PRINTED = 20;

export function replayCommand(context: CommandContext): Command {
  return withQueue(new Command('replay'))
    .description('put a dead letter (or every one, --all) back in the queue for a fresh round of attempts')
    .argument('[id]', 'the event id, as logged and listed (<endpoint>:<key>)')
    .option('--all', 'replay every dead letter of the queue')
    .action(async (id: string | undefined, options: QueueOptions & { all?: boolean }) => {
      if ((id === undefined) === (options.all !== true)) throw new CliError(EXIT.USAGE, 'give one dead letter id, or --all.');
      await withDeadLetterQueue(context, options, async (queue, { queueName }) => {
        if (id !== undefined) {
          await queue.replay(id);
          if (options.json === true) context.io.out(JSON.stringify({ queue: queueName, replayed: [id] }));
          else context.io.out(`Replayed ${id}: back in queue ${queueName} for a fresh round of attempts.`);
          return;
        }
        // Bounded by the count at the start: letters that fail again meanwhile wait for the next --all.
        const total = await queue.bullQueue.getFailedCount();
        const replayed: string[] = [];
        while (replayed.length < total) {
          const page = await queue.deadLetters({ start: 0, end: Math.min(PAGE, total - replayed.length) - 1 });
          if (page.length === 0) break;
          for (const letter of page) {
            await queue.replay(letter.id);
            replayed.push(letter.id);
          }
        }
        if (options.json === true) context.io.out(JSON.stringify({ queue: queueName, replayed }));
        else {
          for (const done of replayed.slice(0, MAX_PRINTED)) context.io.out(`Replayed ${done}`);
          context.io.out(`${replayed.length} dead letter(s) of queue ${queueName} replayed${replayed.length > MAX_PRINTED ? ` (the first ${MAX_PRINTED} listed)` : ''}.`);
        }
      });
    });
}
