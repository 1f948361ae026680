import { Command } from 'commander';
import { confirm, type CommandContext } from '../subscriptions/shared.js';
import { withDeadLetterQueue, withQueue, type QueueOptions } from './shared.js';

/** Dead letters deleted per round. */
const BATCH = 1000;

export function purgeCommand(context: CommandContext): Command {
  return withQueue(new Command('purge'))
    .description('delete every dead letter of the queue for good (asks first, unless --yes)')
    .option('-y, --yes', 'do not ask (scripts, CI)')
    .action(async (options: QueueOptions & { yes?: boolean }) => {
      await withDeadLetterQueue(context, options, async (queue, { queueName, redis }) => {
        const total = await queue.bullQueue.getFailedCount();
        if (total === 0) {
          context.io.out(`No dead letters in queue ${queueName}: nothing to purge.`);
          return;
        }
        if (!(await confirm(context, `Delete the ${total} dead letter(s) of queue ${queueName} (${redis}) for good?`, options.yes))) return;
        let deleted = 0;
        for (let round = 0; round <= Math.ceil(total / BATCH); round++) {
          const removed = await queue.bullQueue.clean(0, BATCH, 'failed');
          deleted += removed.length;
          if (removed.length < BATCH) break;
        }
        if (options.json === true) context.io.out(JSON.stringify({ queue: queueName, deleted }));
        else context.io.out(`Deleted ${deleted} dead letter(s) of queue ${queueName}.`);
      });
    });
}
