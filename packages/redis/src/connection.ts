import { Redis, type RedisOptions } from 'ioredis';
import { CountersignError, type Logger } from '@countersign/core';

/** How to reach Redis: a `redis://` URL or ioredis options. */
export type RedisConnection = string | RedisOptions;

/**
 * ioredis options that make a command fail within `commandTimeoutMs` when Redis is down or unresponsive,
 * instead of waiting in the offline queue: the receiver then answers 503 inside its time budget and the
 * platform retries. The client keeps reconnecting in the background, so the instance recovers by itself.
 */
export function failFastRedisOptions(commandTimeoutMs = 2000): RedisOptions {
  return {
    // Refuse commands while disconnected rather than queueing them until Redis is back.
    enableOfflineQueue: false,
    // Commands in flight when the connection drops fail at once instead of being re-sent later.
    maxRetriesPerRequest: 0,
    // A Redis that accepts the connection but does not answer (paused, overloaded) still fails in bounded time.
    commandTimeout: commandTimeoutMs,
    connectTimeout: 3000,
    // Reconnect forever, at most every 2 s.
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
}

/** Create an ioredis client with the fail-fast defaults; `connection` options override them. */
export function createRedisClient(connection: RedisConnection = 'redis://127.0.0.1:6379', commandTimeoutMs?: number): Redis {
  const defaults = failFastRedisOptions(commandTimeoutMs);
  const client = typeof connection === 'string' ? new Redis(connection, defaults) : new Redis({ ...defaults, ...connection });
  return client;
}

/** Close a client politely (QUIT, waiting for the connection to end) when it is connected, else drop it at once. */
export async function closeRedisClient(client: Redis): Promise<void> {
  if (client.status === 'ready') {
    try {
      const ended = new Promise<void>((resolve) => client.once('end', () => resolve()));
      await client.quit();
      await ended;
      return;
    } catch {
      // fall through: drop the connection
    }
  }
  client.disconnect();
}

/** A client a store uses: its own (created from `connection`, closed with the store) or the caller's (left open). */
export interface StoreClient {
  readonly client: Redis;
  /** Resolve once the first connection is ready, or after `commandTimeoutMs` (the command then fails fast). */
  ready(): Promise<void>;
  /** Quit the client if the store created it. */
  close(): Promise<void>;
}

/**
 * The client of a store (`redisDedupe`, `redisTokenMemo`): the caller's `client`, or one created from `connection`
 * with the fail-fast options, whose connection errors are reported to `logger` as warnings (without a listener
 * ioredis prints every failed reconnection). Until the first connection is ready, `ready()` waits for it (bounded),
 * so the first deliveries after start-up are not refused; once connected, an outage fails commands at once while the
 * client reconnects in the background.
 */
export function storeClient(
  name: string,
  options: { client?: Redis | undefined; connection?: RedisConnection | undefined; commandTimeoutMs: number; logger: Logger },
): StoreClient {
  if (options.client !== undefined && options.connection !== undefined) {
    throw new CountersignError('CONFIG_INVALID', `${name}: pass either \`client\` (your own ioredis client) or \`connection\`, not both.`);
  }
  const { commandTimeoutMs, logger } = options;
  const owned = options.client === undefined;
  const client = options.client ?? createRedisClient(options.connection, Math.ceil(commandTimeoutMs));
  if (owned) client.on('error', (error: unknown) => logger.warn({ err: error }, `${name} connection error; reconnecting`));
  let startup: Promise<void> | undefined =
    client.status === 'ready'
      ? undefined
      : new Promise<void>((resolve) => {
          client.once('ready', () => {
            startup = undefined;
            resolve();
          });
        });
  return {
    client,
    async ready() {
      if (startup === undefined || client.status === 'ready') return;
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        await Promise.race([startup, new Promise<void>((resolve) => (timer = setTimeout(resolve, commandTimeoutMs)))]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (owned) await closeRedisClient(client);
    },
  };
}
