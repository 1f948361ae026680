import type { ConnectionOptions } from 'bullmq';
import { Redis, type RedisOptions } from 'ioredis';

/** How to reach Redis: a `redis://` URL, ioredis options, or an ioredis client you manage. */
export type BullmqConnection = string | RedisOptions | Redis;

/** An ioredis client (by shape, so a client from another copy of ioredis counts too), as opposed to options. */
export function isRedisClient(connection: BullmqConnection): connection is Redis {
  const candidate = connection as Partial<Redis>;
  return typeof candidate.sendCommand === 'function' && typeof candidate.duplicate === 'function';
}

/**
 * An ioredis client for the producer side (the receiver's `enqueue`): commands fail at once while Redis is
 * unreachable and within `commandTimeoutMs` when it does not answer, instead of waiting in the offline queue,
 * so the receiver answers 503 inside its time budget. It keeps reconnecting in the background.
 */
export function createProducerClient(connection: string | RedisOptions, commandTimeoutMs: number): Redis {
  const failFast: RedisOptions = {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    commandTimeout: commandTimeoutMs,
    connectTimeout: 3000,
    retryStrategy: (times: number) => Math.min(100 * times, 2000),
  };
  return typeof connection === 'string' ? new Redis(connection, failFast) : new Redis({ ...failFast, ...connection });
}

/** Connection options for a worker: BullMQ makes its own (blocking) connections from these, and waits for Redis patiently. */
export function workerConnection(connection: BullmqConnection): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection } : connection;
}
