import { CountersignError } from '../errors.js';
import type { ClaimResult, DedupeStore } from './types.js';

export interface MemoryDedupeOptions {
  /** How long an accepted event is remembered (ms). Default 72 h, Adobe Sign's retry window. */
  ttlMs?: number;
  /** Most keys kept; the least recently used go first. Default 100 000. */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  token: string;
  done: boolean;
  expiresAt: number;
}

let tokenCounter = 0;

/**
 * In-process dedupe store: a bounded LRU map with TTL. Atomic within one process (claims run synchronously);
 * use `redisDedupe` from `@countersign/redis` when several instances receive.
 */
export function memoryDedupe(options: MemoryDedupeOptions = {}): DedupeStore & { readonly size: number } {
  const ttlMs = options.ttlMs ?? 72 * 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 100_000;
  const now = options.now ?? Date.now;
  if (!(ttlMs > 0) || !(maxEntries > 0)) {
    throw new CountersignError('CONFIG_INVALID', 'memoryDedupe: `ttlMs` and `maxEntries` must be positive numbers.');
  }
  const entries = new Map<string, Entry>();

  function live(key: string): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= now()) {
      entries.delete(key);
      return undefined;
    }
    return entry;
  }

  function put(key: string, entry: Entry): void {
    entries.delete(key); // re-insert at the most recent end
    entries.set(key, entry);
    while (entries.size > maxEntries) {
      const oldest = entries.keys().next().value as string;
      entries.delete(oldest);
    }
  }

  return {
    get size() {
      return entries.size;
    },
    claim(key, leaseMs): Promise<ClaimResult> {
      const entry = live(key);
      if (entry !== undefined) {
        put(key, entry);
        return Promise.resolve(entry.done ? { status: 'duplicate' } : { status: 'pending' });
      }
      const token = `m${++tokenCounter}`;
      put(key, { token, done: false, expiresAt: now() + leaseMs });
      return Promise.resolve({ status: 'claimed', token });
    },
    commit(key, token) {
      const entry = live(key);
      if (entry !== undefined && entry.token === token) {
        put(key, { token, done: true, expiresAt: now() + ttlMs });
      }
      return Promise.resolve();
    },
    release(key, token) {
      const entry = entries.get(key);
      if (entry !== undefined && entry.token === token && !entry.done) entries.delete(key);
      return Promise.resolve();
    },
    ping: () => Promise.resolve(),
  };
}
