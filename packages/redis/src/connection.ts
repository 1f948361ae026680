import { Redis, type RedisOptions } from 'ioredis';

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
