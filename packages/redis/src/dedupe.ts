import { createHash, randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { CountersignError, silentLogger, type ClaimResult, type DedupeStore, type Logger } from '@countersign/core';
import { storeClient, type RedisConnection } from './connection.js';

export const DEFAULT_DEDUPE_PREFIX = 'countersign:dedupe:';
/** 72 h: Adobe Acrobat Sign's retry window. */
export const DEFAULT_DEDUPE_TTL_MS = 72 * 60 * 60 * 1000;

export interface RedisDedupeOptions {
  /**
   * How to reach Redis (`redis://...` URL or ioredis options) when no `client` is given. The store then owns
   * the connection: fail-fast options (see `failFastRedisOptions`), background reconnection, closed by `close()`.
   * Default `redis://127.0.0.1:6379`.
   */
  connection?: RedisConnection;
  /**
   * An ioredis client you manage (shared with the rest of your app). It is used as is and never closed by the
   * store. Give it `enableOfflineQueue: false` (or a `commandTimeout`) so a Redis outage fails deliveries fast.
   */
  client?: Redis;
  /** Prepended to every key. Default `countersign:dedupe:`. */
  prefix?: string;
  /** How long an accepted event is remembered (ms). Default 72 h, Adobe Sign's retry window. */
  ttlMs?: number;
  /** Longest a command may take before it fails (ms), for connections the store creates. Default 2000. */
  commandTimeoutMs?: number;
  /** Receives connection errors (warn level). Default: silent. */
  logger?: Logger;
  /**
   * Commits are not sent alone: each rides on the next claim's script (one round trip for both), or, when no
   * claim comes within this many ms, they are sent together. Under load an accepted delivery then costs two
   * round trips (claim, enqueue) instead of three. `commit()` resolves once its commit reached Redis. The
   * price: a receiver that dies within this window after acknowledging leaves a claim (not a done key) behind,
   * which expires after its lease, so a retry of that event after the lease is accepted again (at-least-once,
   * as handlers are anyway; BullMQ still refuses a job id it keeps). Default 10; 0 sends every commit at once.
   */
  commitBatchMs?: number;
}

export interface RedisDedupe extends DedupeStore {
  /** The ioredis client in use. */
  readonly client: Redis;
  /** Resolve when Redis answers a PING within the command timeout; reject otherwise. */
  ping(): Promise<void>;
  /** Quit the connection if the store created it; a client passed in stays open. */
  close(): Promise<void>;
}

/** The value a committed key holds. Tokens are random UUIDs and never equal it. */
const DONE = 'done';

// KEYS[1] key; ARGV[1] token, ARGV[2] lease (ms). Returns 1 claimed, 0 duplicate (done), 2 pending (claimed by another).
// Before the claim, the commits riding along: KEYS[i] (i >= 2) with token ARGV[2i-1] and ttl ARGV[2i], each done only
// while its token still owns its key (as COMMIT).
const CLAIM = `
for i = 2, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2 * i - 1] then redis.call('SET', KEYS[i], '${DONE}', 'PX', ARGV[2 * i]) end
end
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ARGV[2]) then return 1 end
if redis.call('GET', KEYS[1]) == '${DONE}' then return 0 end
return 2
`;
// KEYS[1] key; ARGV[1] token, ARGV[2] ttl (ms). Returns 1 when the token still owned the claim and it is now done.
const COMMIT = `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('SET', KEYS[1], '${DONE}', 'PX', ARGV[2])
  return 1
end
return 0
`;
// Commits sent together: KEYS[i] with token ARGV[2i-1] and ttl ARGV[2i].
const COMMIT_MANY = `
for i = 1, #KEYS do
  if redis.call('GET', KEYS[i]) == ARGV[2 * i - 1] then redis.call('SET', KEYS[i], '${DONE}', 'PX', ARGV[2 * i]) end
end
return 1
`;
// KEYS[1] key; ARGV[1] token. Returns 1 when the token still owned the claim and it was removed.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

interface Script {
  lua: string;
  sha: string;
}

function script(lua: string): Script {
  return { lua, sha: createHash('sha1').update(lua).digest('hex') };
}

const scripts = { claim: script(CLAIM), commit: script(COMMIT), commitMany: script(COMMIT_MANY), release: script(RELEASE) };

/** Commits carried by one claim or sent in one batch at most. */
const MAX_BATCH = 64;

interface PendingCommit {
  key: string;
  token: string;
  ttl: number;
  resolve: () => void;
  reject: (error: unknown) => void;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new CountersignError('CONFIG_INVALID', `redisDedupe: \`${name}\` must be a positive number of milliseconds (got ${String(value)}).`);
  }
  return Math.ceil(value);
}

/**
 * Dedupe store on Redis, shared by every receiver instance. Each transition is one atomic Lua script:
 * `claim` is `SET NX PX <lease>` with a random token (else it tells a committed key from one still pending),
 * `commit` and `release` act only while the caller's token still owns the key. A claim held by an instance that
 * died expires after its lease, so the platform's retry goes through. Commits wait up to `commitBatchMs` for the
 * next claim and are applied by its script first, so an accepted delivery costs two round trips under load.
 */
export function redisDedupe(options: RedisDedupeOptions = {}): RedisDedupe {
  const prefix = options.prefix ?? DEFAULT_DEDUPE_PREFIX;
  const ttlMs = positiveInteger(options.ttlMs ?? DEFAULT_DEDUPE_TTL_MS, 'ttlMs');
  const commandTimeoutMs = positiveInteger(options.commandTimeoutMs ?? 2000, 'commandTimeoutMs');
  const commitBatchMs = options.commitBatchMs ?? 10;
  if (!Number.isFinite(commitBatchMs) || commitBatchMs < 0) {
    throw new CountersignError('CONFIG_INVALID', `redisDedupe: \`commitBatchMs\` must be 0 or more milliseconds (got ${String(commitBatchMs)}).`);
  }
  const store = storeClient('redisDedupe', { client: options.client, connection: options.connection, commandTimeoutMs, logger: options.logger ?? silentLogger });
  const { client } = store;
  let closed = false;

  /** Commits waiting for the next claim or the batch timer, oldest first. */
  let pending: PendingCommit[] = [];
  let flushTimer: ReturnType<typeof setTimeout> | undefined;

  async function run(s: Script, keys: string[], args: Array<string | number>): Promise<unknown> {
    if (closed) throw new CountersignError('DEDUPE_UNAVAILABLE', 'redisDedupe: the store is closed.');
    await store.ready();
    const prefixed = keys.map((k) => prefix + k);
    try {
      return await client.evalsha(s.sha, prefixed.length, ...prefixed, ...args);
    } catch (error) {
      // First use on this Redis (or after a restart / SCRIPT FLUSH): load the script by sending it whole.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return client.eval(s.lua, prefixed.length, ...prefixed, ...args);
      throw error;
    }
  }

  /** Take up to MAX_BATCH waiting commits: their keys and their (token, ttl) arguments. */
  function take(): { batch: PendingCommit[]; keys: string[]; args: Array<string | number> } {
    const batch = pending.length <= MAX_BATCH ? pending : pending.slice(0, MAX_BATCH);
    pending = pending.length <= MAX_BATCH ? [] : pending.slice(MAX_BATCH);
    const keys: string[] = [];
    const args: Array<string | number> = [];
    for (const c of batch) {
      keys.push(c.key);
      args.push(c.token, c.ttl);
    }
    return { batch, keys, args };
  }

  function settle(batch: PendingCommit[], error?: unknown): void {
    for (const c of batch) {
      if (error === undefined) c.resolve();
      else c.reject(error);
    }
  }

  /** Send the waiting commits on their own (no claim came within the batch window). */
  function flush(): Promise<void> {
    if (flushTimer !== undefined) {
      clearTimeout(flushTimer);
      flushTimer = undefined;
    }
    const sends: Array<Promise<void>> = [];
    while (pending.length > 0) {
      const { batch, keys, args } = take();
      sends.push(run(scripts.commitMany, keys, args).then(() => settle(batch), (error: unknown) => settle(batch, error)));
    }
    return Promise.all(sends).then(() => undefined);
  }

  return {
    client,
    async claim(key, leaseMs): Promise<ClaimResult> {
      const lease = positiveInteger(leaseMs, 'leaseMs');
      const token = randomUUID();
      // The waiting commits ride along (applied before the claim, in the same script).
      const { batch, keys, args } = take();
      if (pending.length === 0 && flushTimer !== undefined) {
        clearTimeout(flushTimer);
        flushTimer = undefined;
      }
      let result: unknown;
      try {
        result = await run(scripts.claim, [key, ...keys], [token, lease, ...args]);
      } catch (error) {
        settle(batch, error);
        throw error;
      }
      settle(batch);
      if (result === 1) return { status: 'claimed', token };
      if (result === 0) return { status: 'duplicate' };
      return { status: 'pending' };
    },
    commit(key, token, retentionMs) {
      // The endpoint's retention (its platform's retry window) when the receiver gives one, else the store's TTL.
      const ttl = Math.round(retentionMs ?? ttlMs);
      if (commitBatchMs === 0 || closed) return run(scripts.commit, [key], [token, ttl]).then(() => undefined);
      return new Promise<void>((resolve, reject) => {
        pending.push({ key, token, ttl, resolve, reject });
        flushTimer ??= setTimeout(() => {
          flushTimer = undefined;
          void flush();
        }, commitBatchMs);
      });
    },
    async release(key, token) {
      await run(scripts.release, [key], [token]);
    },
    async ping() {
      if (closed) throw new CountersignError('DEDUPE_UNAVAILABLE', 'redisDedupe: the store is closed.');
      await store.ready();
      let timer: ReturnType<typeof setTimeout> | undefined;
      try {
        // Bounded even for a client passed in that queues commands while disconnected.
        await Promise.race([
          client.ping(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${commandTimeoutMs} ms (status: ${client.status}).`)), commandTimeoutMs);
          }),
        ]);
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      if (closed) return;
      // Waiting commits go out before the connection does.
      await flush();
      closed = true;
      await store.close();
    },
  };
}
