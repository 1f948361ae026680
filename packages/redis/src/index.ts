export { redisDedupe, DEFAULT_DEDUPE_PREFIX, DEFAULT_DEDUPE_TTL_MS } from './dedupe.js';
export type { RedisDedupe, RedisDedupeOptions } from './dedupe.js';
export { redisTokenMemo, DEFAULT_TOKEN_MEMO_PREFIX } from './token-memo.js';
export type { RedisTokenMemo, RedisTokenMemoOptions } from './token-memo.js';
export { closeRedisClient, createRedisClient, failFastRedisOptions } from './connection.js';
export type { RedisConnection } from './connection.js';
