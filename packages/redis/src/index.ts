export { redisDedupe, DEFAULT_DEDUPE_PREFIX, DEFAULT_DEDUPE_TTL_MS } from './dedupe.js';
export type { RedisDedupe, RedisDedupeOptions } from './dedupe.js';
export { closeRedisClient, createRedisClient, failFastRedisOptions } from './connection.js';
export type { RedisConnection } from './connection.js';
