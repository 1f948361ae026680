import type { ConnectionOptions } from 'bullmq';
import type { Redis, RedisOptions } from 'ioredis';

/** How to reach Redis: a `redis://` URL, ioredis options, or an ioredis client you manage. */
export type BullmqConnection = string | RedisOptions | Redis;

/** An ioredis client (by shape, so a client from another copy of ioredis counts too), as opposed to options. */
export function isRedisClient(connection: BullmqConnection): connection is Redis {
  const candidate = connection as Partial<Redis>;
  return typeof candidate.sendCommand === 'function' && typeof candidate.duplicate === 'function';
}

/** Connection options for a worker: BullMQ makes its own (blocking) connections from these, and waits for Redis patiently. */
export function workerConnection(connection: BullmqConnection): ConnectionOptions {
  return typeof connection === 'string' ? { url: connection } : connection;
}
