import { Command } from 'commander';
import type { CommandContext } from '../subscriptions/shared.js';
import { listCommand } from './list.js';
import { purgeCommand } from './purge.js';
import { replayCommand } from './replay.js';
import { showCommand } from './show.js';

/** `countersign dead-letters list | show <id> | replay <id|--all> | purge`, against a BullMQ queue. */
export function deadLettersCommand(context: CommandContext): Command {
  return new Command('dead-letters')
    .description('list, show, replay and purge the dead letters of a BullMQ queue (events whose handlers failed on every attempt)')
    .addHelpText(
      'after',
      `
The queue is the one the receivers enqueue to (bullmqQueue): --redis (default REDIS_URL, else
redis://127.0.0.1:6379), --queue (default COUNTERSIGN_QUEUE, else countersign), --prefix (default bull).
Ids are event ids (<endpoint>:<key>), as the receiver's log prints them with each dead letter.
Exit codes: 0 done, 1 no such dead letter, 2 usage, 5 purge not confirmed, 6 Redis could not be reached.`,
    )
    .addCommand(listCommand(context))
    .addCommand(showCommand(context))
    .addCommand(replayCommand(context))
    .addCommand(purgeCommand(context));
}
