import type { Redis } from 'ioredis';
import { CountersignError, silentLogger, type Logger, type TokenMemoStore } from '@countersign/core';
import { storeClient, type RedisConnection } from './connection.js';

export const DEFAULT_TOKEN_MEMO_PREFIX = 'countersign:token-memo:';

export interface RedisTokenMemoOptions {
  /**
   * How to reach Redis (`redis://...` URL or ioredis options) when no `client` is given. The store then owns the
   * connection: fail-fast options (see `failFastRedisOptions`), background reconnection, closed by `close()`.
   * Default `redis://127.0.0.1:6379`.
   */
  connection?: RedisConnection;
  /**
   * An ioredis client you manage (e.g. the one `redisDedupe()` uses: `dedupe.client`). It is used as is and never
   * closed by the store. Give it `enableOfflineQueue: false` (or a `commandTimeout`) so an outage fails fast.
   */
  client?: Redis;
  /** Prepended to every key. Default `countersign:token-memo:`. Every instance of one endpoint must use the same. */
  prefix?: string;
  /** Longest a command may take before it fails (ms), for connections the store creates. Default 2000. */
  commandTimeoutMs?: number;
  /** Receives connection errors and failed writes (warn level). Default: silent. */
  logger?: Logger;
}

export interface RedisTokenMemo extends TokenMemoStore {
  /** The ioredis client in use. */
  readonly client: Redis;
  /** Quit the connection if the store created it; a client passed in stays open. */
  close(): Promise<void>;
}

/**
 * The token memo of `ignisign({ tokenMemo })` on Redis, shared by every receiver instance: when Ignisign's retry of
 * a delivery that one instance accepted but could not queue (503) reaches another instance, that instance knows
 * the token was already checked (Ignisign consumed it) and accepts the retry without asking again. Each entry is
 * one Redis string, `<prefix><SHA-256 of the token>` → a state and the SHA-256 of the body (under 80 bytes), set
 * with `SET … PX` so it expires by itself (1 h); only accepted tokens are written.
 * A read that fails makes the delivery answer 503 before its token is checked; a write that fails is logged and
 * the delivery proceeds (see `checkOncePerToken` in `@countersign/core`).
 */
export function redisTokenMemo(options: RedisTokenMemoOptions = {}): RedisTokenMemo {
  const prefix = options.prefix ?? DEFAULT_TOKEN_MEMO_PREFIX;
  const commandTimeoutMs = options.commandTimeoutMs ?? 2000;
  if (!Number.isFinite(commandTimeoutMs) || commandTimeoutMs <= 0) {
    throw new CountersignError('CONFIG_INVALID', 'redisTokenMemo: `commandTimeoutMs` must be a positive number of milliseconds.');
  }
  if (typeof prefix !== 'string') throw new CountersignError('CONFIG_INVALID', 'redisTokenMemo: `prefix` must be a string.');
  const logger = options.logger ?? silentLogger;
  const store = storeClient('redisTokenMemo', { client: options.client, connection: options.connection, commandTimeoutMs, logger });
  const { client } = store;
  let closed = false;

  async function usable(): Promise<void> {
    if (closed) throw new CountersignError('VERIFICATION_UNAVAILABLE', 'redisTokenMemo: the store is closed.');
    await store.ready();
  }

  return {
    client,
    async get(key) {
      await usable();
      const value = await client.get(prefix + key);
      return value ?? undefined;
    },
    async set(key, value, ttlMs) {
      try {
        await usable();
        await client.set(prefix + key, value, 'PX', Math.max(1, Math.ceil(ttlMs)));
      } catch (error) {
        logger.warn(
          { err: error },
          'redis token memo write failed: an accepted token is not remembered (a retry of its delivery would be checked again), ' +
            'or an acknowledged one stays remembered as accepted until it expires',
        );
        throw error;
      }
    },
    async close() {
      if (closed) return;
      closed = true;
      await store.close();
    },
  };
}
