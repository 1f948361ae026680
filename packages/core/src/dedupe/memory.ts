import { CountersignError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { ClaimResult, DedupeStore } from './types.js';

export interface MemoryDedupeOptions {
  /** How long an accepted event is remembered (ms). Default 72 h, Adobe Sign's retry window. */
  ttlMs?: number;
  /**
   * Most keys kept **per namespace** (the part of the key before its first `:`, i.e. the endpoint name for the
   * receiver's keys); the least recently used of that namespace go first. Default 100 000. One endpoint's traffic
   * never evicts another endpoint's keys.
   */
  maxEntries?: number;
  /** Most namespaces (endpoints). Keys of further namespaces share one overflow namespace. Default 64. */
  maxNamespaces?: number;
  /** Where evictions of keys still inside their retention are reported (warn, at most once a minute). */
  logger?: Logger;
  /** Clock, for tests. */
  now?: () => number;
}

/** What a memory store has had to forget early, for readiness probes and metrics. */
export interface MemoryDedupeStats {
  /** Keys held now, all namespaces together. */
  entries: number;
  /** Accepted keys evicted before their retention ended, per namespace, since the store was created. */
  evictedEarly: Readonly<Record<string, number>>;
  /** When the last such eviction happened (epoch ms), if ever. */
  lastEvictedAt: number | undefined;
}

export interface MemoryDedupe extends DedupeStore {
  readonly size: number;
  stats(): MemoryDedupeStats;
}

interface Entry {
  token: string;
  done: boolean;
  expiresAt: number;
}

let tokenCounter = 0;
const OVERFLOW = '#overflow';
const REPORT_EVERY_MS = 60_000;

/**
 * In-process dedupe store: one bounded LRU map with TTL per namespace (endpoint). Atomic within one process
 * (claims run synchronously); use `redisDedupe` from `@countersign/redis` when several instances receive.
 *
 * When a namespace is full, its least recently used key is evicted. A key evicted while still inside its
 * retention means a replay of that event would be taken for a new one: every such eviction is counted in
 * `stats()`, reported through `logger` and by the receiver's readiness report, so the operator can raise
 * `maxEntries` or move to Redis.
 */
export function memoryDedupe(options: MemoryDedupeOptions = {}): MemoryDedupe {
  const ttlMs = options.ttlMs ?? 72 * 60 * 60 * 1000;
  const maxEntries = options.maxEntries ?? 100_000;
  const maxNamespaces = options.maxNamespaces ?? 64;
  const now = options.now ?? Date.now;
  for (const [name, value] of [['ttlMs', ttlMs], ['maxEntries', maxEntries], ['maxNamespaces', maxNamespaces]] as const) {
    if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) {
      throw new CountersignError('CONFIG_INVALID', `memoryDedupe: \`${name}\` must be a positive number (got ${String(value)}).`);
    }
  }
  const namespaces = new Map<string, Map<string, Entry>>();
  const evictedEarly: Record<string, number> = {};
  let size = 0;
  let lastEvictedAt: number | undefined;
  let lastReportAt = Number.NEGATIVE_INFINITY;
  let unreported = 0;

  function namespaceOf(key: string): Map<string, Entry> {
    const colon = key.indexOf(':');
    let name = colon === -1 ? '' : key.slice(0, colon);
    let entries = namespaces.get(name);
    if (entries === undefined) {
      if (namespaces.size >= maxNamespaces) name = OVERFLOW;
      entries = namespaces.get(name);
      if (entries === undefined) {
        entries = new Map();
        namespaces.set(name, entries);
      }
    }
    return entries;
  }

  function evicted(key: string, at: number): void {
    const colon = key.indexOf(':');
    const name = colon === -1 ? '' : key.slice(0, colon);
    evictedEarly[name] = (evictedEarly[name] ?? 0) + 1;
    lastEvictedAt = at;
    unreported += 1;
    if (options.logger !== undefined && at - lastReportAt >= REPORT_EVERY_MS) {
      options.logger.warn(
        { namespace: name, evicted: unreported, maxEntries },
        'dedupe store full: accepted keys were forgotten before their retention ended, so a replay of those events would be handled again; raise maxEntries or use redisDedupe',
      );
      lastReportAt = at;
      unreported = 0;
    }
  }

  function live(entries: Map<string, Entry>, key: string, at: number): Entry | undefined {
    const entry = entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= at) {
      entries.delete(key);
      size -= 1;
      return undefined;
    }
    return entry;
  }

  function put(entries: Map<string, Entry>, key: string, entry: Entry, at: number): void {
    if (entries.delete(key)) size -= 1; // re-insert at the most recent end
    entries.set(key, entry);
    size += 1;
    while (entries.size > maxEntries) {
      const [oldest, old] = entries.entries().next().value as [string, Entry];
      entries.delete(oldest);
      size -= 1;
      if (old.done && old.expiresAt > at) evicted(oldest, at);
    }
  }

  return {
    get size() {
      return size;
    },
    stats: () => ({ entries: size, evictedEarly: { ...evictedEarly }, lastEvictedAt }),
    claim(key, leaseMs): Promise<ClaimResult> {
      const at = now();
      const entries = namespaceOf(key);
      const entry = live(entries, key, at);
      if (entry !== undefined) {
        put(entries, key, entry, at);
        return Promise.resolve(entry.done ? { status: 'duplicate' } : { status: 'pending' });
      }
      const token = `m${++tokenCounter}`;
      put(entries, key, { token, done: false, expiresAt: at + leaseMs }, at);
      return Promise.resolve({ status: 'claimed', token });
    },
    commit(key, token, retentionMs) {
      const at = now();
      const entries = namespaceOf(key);
      const entry = live(entries, key, at);
      if (entry !== undefined && entry.token === token) put(entries, key, { token, done: true, expiresAt: at + (retentionMs ?? ttlMs) }, at);
      return Promise.resolve();
    },
    release(key, token) {
      const entries = namespaceOf(key);
      const entry = entries.get(key);
      if (entry !== undefined && entry.token === token && !entry.done) {
        entries.delete(key);
        size -= 1;
      }
      return Promise.resolve();
    },
    ping: () => Promise.resolve(),
    health() {
      if (lastEvictedAt === undefined) return undefined;
      const total = Object.values(evictedEarly).reduce((a, b) => a + b, 0);
      return `${total} accepted key(s) were evicted before their retention ended (last at ${new Date(lastEvictedAt).toISOString()}): replays of those events would be handled again; raise maxEntries or use redisDedupe`;
    },
  };
}
