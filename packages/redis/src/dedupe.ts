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
const CLAIM = `
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

const scripts = { claim: script(CLAIM), commit: script(COMMIT), release: script(RELEASE) };

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
 * died expires after its lease, so the platform's retry goes through.
 */
export function redisDedupe(options: RedisDedupeOptions = {}): RedisDedupe {
  const prefix = options.prefix ?? DEFAULT_DEDUPE_PREFIX;
  const ttlMs = positiveInteger(options.ttlMs ?? DEFAULT_DEDUPE_TTL_MS, 'ttlMs');
  const commandTimeoutMs = positiveInteger(options.commandTimeoutMs ?? 2000, 'commandTimeoutMs');
  const store = storeClient('redisDedupe', { client: options.client, connection: options.connection, commandTimeoutMs, logger: options.logger ?? silentLogger });
  const { client } = store;
  let closed = false;

  async function run(s: Script, key: string, args: Array<string | number>): Promise<unknown> {
    if (closed) throw new CountersignError('DEDUPE_UNAVAILABLE', 'redisDedupe: the store is closed.');
    await store.ready();
    try {
      return await client.evalsha(s.sha, 1, prefix + key, ...args);
    } catch (error) {
      // First use on this Redis (or after a restart / SCRIPT FLUSH): load the script by sending it whole.
      if (error instanceof Error && error.message.startsWith('NOSCRIPT')) return client.eval(s.lua, 1, prefix + key, ...args);
      throw error;
    }
  }

  return {
    client,
    async claim(key, leaseMs): Promise<ClaimResult> {
      const lease = positiveInteger(leaseMs, 'leaseMs');
      const token = randomUUID();
      const result = await run(scripts.claim, key, [token, lease]);
      if (result === 1) return { status: 'claimed', token };
      if (result === 0) return { status: 'duplicate' };
      return { status: 'pending' };
    },
    async commit(key, token, retentionMs) {
      // The endpoint's retention (its platform's retry window) when the receiver gives one, else the store's TTL.
      await run(scripts.commit, key, [token, Math.round(retentionMs ?? ttlMs)]);
    },
    async release(key, token) {
      await run(scripts.release, key, [token]);
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
      closed = true;
      await store.close();
    },
  };
}
