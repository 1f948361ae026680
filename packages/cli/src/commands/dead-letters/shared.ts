import { Option, type Command } from 'commander';
import { bullmqQueue, type BullmqQueue } from '@countersign/bullmq';
import { isCountersignError } from '@countersign/core';
import { CliError, EXIT } from '../../exit-codes.js';
import type { CommandContext } from '../subscriptions/shared.js';

export interface QueueOptions {
  redis?: string;
  queue?: string;
  prefix?: string;
  json?: boolean;
}

/** `--redis`, `--queue`, `--prefix`, `--json`: where the dead letters are. */
export function withQueue(command: Command): Command {
  return command
    .addOption(new Option('--redis <url>', 'the Redis of the BullMQ queue (default REDIS_URL, else redis://127.0.0.1:6379)'))
    .addOption(new Option('--queue <name>', 'the queue name, as given to bullmqQueue (default COUNTERSIGN_QUEUE, else countersign)'))
    .addOption(new Option('--prefix <prefix>', "BullMQ's key prefix, when bullmqQueue was given one (default bull)"))
    .option('--json', 'print the result as JSON');
}

/** A Redis URL fit to print: its password (and user) replaced. */
export function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '' || parsed.username !== '') {
      parsed.username = parsed.username === '' ? '' : '***';
      parsed.password = parsed.password === '' ? '' : '***';
    }
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

/** Open the queue the options name, run `fn` with it, close it; a Redis that cannot be reached is EXIT.UNREACHABLE. */
export async function withDeadLetterQueue<T>(context: CommandContext, options: QueueOptions, fn: (queue: BullmqQueue, names: { queueName: string; redis: string }) => Promise<T>): Promise<T> {
  const redis = options.redis ?? (context.io.env.REDIS_URL?.trim() || 'redis://127.0.0.1:6379');
  const queueName = options.queue ?? (context.io.env.COUNTERSIGN_QUEUE?.trim() || 'countersign');
  let queue: BullmqQueue;
  try {
    queue = bullmqQueue({ connection: redis, queueName, commandTimeoutMs: 5000, ...(options.prefix === undefined ? {} : { prefix: options.prefix }) });
  } catch (error) {
    throw new CliError(EXIT.USAGE, error instanceof Error ? error.message : String(error));
  }
  try {
    // Connected first, within the command timeout: the BullMQ calls below would otherwise wait for Redis forever.
    await queue.ping();
    return await fn(queue, { queueName, redis: printableUrl(redis) });
  } catch (error) {
    if (isCountersignError(error) && error.code === 'QUEUE_UNAVAILABLE') {
      throw new CliError(EXIT.UNREACHABLE, `Redis at ${printableUrl(redis)} could not be reached: ${error.message}`);
    }
    if (isCountersignError(error) && error.code === 'NOT_FOUND') throw new CliError(EXIT.FAILED, error.message);
    throw error;
  } finally {
    // Bounded: a queue that never connected may take long to give up its connection.
    let timer: ReturnType<typeof setTimeout> | undefined;
    await Promise.race([queue.close().catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, 2000)))]);
    clearTimeout(timer);
  }
}

/** `id` as one shell word (single-quoted unless plain). */
export function shellWord(id: string): string {
  return /^[\w@%+=:,./-]+$/.test(id) ? id : `'${id.replace(/'/g, `'\\''`)}'`;
}

/** The flags that name a queue other than the defaults, to repeat in a printed command. */
export function queueFlags(options: QueueOptions, queueName: string): string {
  return `${queueName === 'countersign' ? '' : ` --queue ${shellWord(queueName)}`}${options.prefix === undefined ? '' : ` --prefix ${shellWord(options.prefix)}`}`;
}
