import { Command } from 'commander';
import { jobIdFor } from '@countersign/bullmq';
import { CliError, EXIT } from '../../exit-codes.js';
import type { CommandContext } from '../subscriptions/shared.js';
import { withDeadLetterQueue, withQueue, type QueueOptions } from './shared.js';

export function showCommand(context: CommandContext): Command {
  return withQueue(new Command('show'))
    .description('print one dead letter: the event (payload included), its attempts, the last error and its stack')
    .argument('<id>', 'the event id, as logged and listed (<endpoint>:<key>)')
    .action(async (id: string, options: QueueOptions) => {
      await withDeadLetterQueue(context, options, async (queue, { queueName }) => {
        const job = (await queue.bullQueue.getJob(jobIdFor(id))) ?? (await queue.bullQueue.getJob(id));
        const state = job === undefined ? undefined : await job.getState();
        if (job === undefined || state !== 'failed') {
          throw new CliError(EXIT.FAILED, `No dead letter with id "${id.slice(0, 300)}" in queue ${queueName}${state === undefined ? '' : ` (that event is ${state})`}.`);
        }
        const letter = {
          id: job.data.id,
          event: job.data,
          attempts: job.attemptsMade,
          failedAt: new Date(job.finishedOn ?? job.processedOn ?? job.timestamp).toISOString(),
          error: { message: job.failedReason, stack: job.stacktrace?.at(-1) },
        };
        context.io.out(JSON.stringify(letter, null, 2));
      });
    });
}
