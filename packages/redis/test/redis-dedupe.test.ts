import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { isCountersignError } from '@countersign/core';
import { redisDedupe, type RedisDedupe } from '@countersign/redis';
import { REDIS_URL, requireRedis, uniqueName } from '../../../test/production/redis-available.js';

const redisUp = await requireRedis('the @countersign/redis dedupe tests');

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.runIf(redisUp)('redisDedupe on a real Redis', () => {
  const prefix = `${uniqueName('countersign-test-dedupe')}:`;
  let raw: Redis;
  const stores: RedisDedupe[] = [];
  let n = 0;

  /** A fresh key per test, so tests never see each other's state. */
  const nextKey = (): string => `adobe:event-${++n}`;

  function store(options: Parameters<typeof redisDedupe>[0] = {}): RedisDedupe {
    const s = redisDedupe({ connection: REDIS_URL, prefix, ...options });
    stores.push(s);
    return s;
  }

  beforeAll(async () => {
    raw = new Redis(REDIS_URL);
    await raw.ping();
  });

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
  });

  afterAll(async () => {
    let cursor = '0';
    do {
      const [next, keys] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await raw.del(...keys);
      cursor = next;
    } while (cursor !== '0');
    expect(await raw.keys(`${prefix}*`)).toEqual([]);
    await raw.quit();
  });

  it('claims a new key, reports pending while claimed and duplicate once committed', async () => {
    const dedupe = store();
    const key = nextKey();
    const first = await dedupe.claim(key, 60_000);
    expect(first).toMatchObject({ status: 'claimed', token: expect.any(String) });
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'pending' });
    if (first.status !== 'claimed') throw new Error('unreachable');
    await dedupe.commit(key, first.token);
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'duplicate' });
    expect(await raw.get(prefix + key)).toBe('done');
  });

  it('sends a commit with the next claim (one round trip for both), and a claim of the same key sees it done', async () => {
    const dedupe = store({ commitBatchMs: 60_000 }); // no timer flush within the test: only a claim can carry it
    const sent = vi.spyOn(dedupe.client, 'evalsha');
    const key = nextKey();
    const first = await dedupe.claim(key, 60_000);
    if (first.status !== 'claimed') throw new Error('expected a claim');
    const committed = dedupe.commit(key, first.token);
    expect(await raw.get(prefix + key)).toBe(first.token); // not sent yet
    sent.mockClear();
    // The same key claimed again on this instance: the commit rides along and is applied first.
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'duplicate' });
    await committed;
    expect(sent).toHaveBeenCalledTimes(1);
    expect(await raw.get(prefix + key)).toBe('done');
    // Another key's claim carries a waiting commit too; a commit whose token lost the key is still a no-op there.
    const other = nextKey();
    const claim = await dedupe.claim(other, 60_000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    const stale = dedupe.commit(other, 'not-the-token');
    const real = dedupe.commit(other, claim.token);
    sent.mockClear();
    expect(await dedupe.claim(nextKey(), 60_000)).toMatchObject({ status: 'claimed' });
    await Promise.all([stale, real]);
    expect(sent).toHaveBeenCalledTimes(1);
    expect(await raw.get(prefix + other)).toBe('done');
    sent.mockRestore();
  });

  it('sends waiting commits on their own after commitBatchMs, and before close()', async () => {
    const dedupe = store({ commitBatchMs: 5 });
    const key = nextKey();
    const claim = await dedupe.claim(key, 60_000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.commit(key, claim.token); // resolves once flushed by the timer
    expect(await raw.get(prefix + key)).toBe('done');
    const lazy = store({ commitBatchMs: 60_000 });
    const later = nextKey();
    const second = await lazy.claim(later, 60_000);
    if (second.status !== 'claimed') throw new Error('expected a claim');
    const committed = lazy.commit(later, second.token);
    await lazy.close();
    await committed;
    expect(await raw.get(prefix + later)).toBe('done');
    expect(() => redisDedupe({ connection: REDIS_URL, commitBatchMs: -1 })).toThrow(/commitBatchMs/);
  });

  it('holds a claim for its lease and a committed key for the TTL', async () => {
    const dedupe = store({ ttlMs: 5 * 60 * 60 * 1000 });
    const key = nextKey();
    const claim = await dedupe.claim(key, 30_000);
    const lease = await raw.pttl(prefix + key);
    expect(lease).toBeGreaterThan(25_000);
    expect(lease).toBeLessThanOrEqual(30_000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.commit(key, claim.token);
    const ttl = await raw.pttl(prefix + key);
    expect(ttl).toBeGreaterThan(4 * 60 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(5 * 60 * 60 * 1000);
  });

  it('defaults the TTL to 72 hours and the prefix to countersign:dedupe:', async () => {
    const dedupe = redisDedupe({ connection: REDIS_URL });
    stores.push(dedupe);
    const key = `${prefix}defaults-${++n}`;
    const claim = await dedupe.claim(key, 1000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.commit(key, claim.token);
    const ttl = await raw.pttl(`countersign:dedupe:${key}`);
    await raw.del(`countersign:dedupe:${key}`);
    expect(ttl).toBeGreaterThan(71 * 60 * 60 * 1000);
    expect(ttl).toBeLessThanOrEqual(72 * 60 * 60 * 1000);
  });

  it('release gives the key up so a retry can claim it, with a new token', async () => {
    const dedupe = store();
    const key = nextKey();
    const first = await dedupe.claim(key, 60_000);
    if (first.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.release(key, first.token);
    expect(await raw.exists(prefix + key)).toBe(0);
    const second = await dedupe.claim(key, 60_000);
    expect(second.status).toBe('claimed');
    if (second.status !== 'claimed') throw new Error('expected a claim');
    expect(second.token).not.toBe(first.token);
  });

  it('ignores commit and release with a token that does not own the key', async () => {
    const dedupe = store();
    const key = nextKey();
    const claim = await dedupe.claim(key, 60_000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.commit(key, 'not-the-token');
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'pending' });
    await dedupe.release(key, 'not-the-token');
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'pending' });
    await dedupe.commit(key, claim.token);
    // A late release by the owner after its commit changes nothing: the event stays accepted.
    await dedupe.release(key, claim.token);
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'duplicate' });
  });

  it('lets a claim expire after its lease; the expired owner can then neither commit nor release', async () => {
    const dedupe = store();
    const key = nextKey();
    const dead = await dedupe.claim(key, 150);
    if (dead.status !== 'claimed') throw new Error('expected a claim');
    let next = await dedupe.claim(key, 60_000);
    expect(next.status).toBe('pending');
    await vi.waitFor(
      async () => {
        next = await dedupe.claim(key, 60_000);
        expect(next.status).toBe('claimed');
      },
      { timeout: 5000, interval: 50 },
    );
    if (next.status !== 'claimed') throw new Error('expected a claim');
    await dedupe.commit(key, dead.token);
    await dedupe.release(key, dead.token);
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'pending' });
    await dedupe.commit(key, next.token);
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'duplicate' });
  });

  it('commit after the lease expired (nobody else claimed) is a no-op: the next copy is claimed again', async () => {
    const dedupe = store();
    const key = nextKey();
    const claim = await dedupe.claim(key, 100);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    await vi.waitFor(async () => expect(await raw.exists(prefix + key)).toBe(0), { timeout: 5000, interval: 25 });
    await dedupe.commit(key, claim.token);
    expect(await raw.exists(prefix + key)).toBe(0);
    expect((await dedupe.claim(key, 60_000)).status).toBe('claimed');
  });

  it('gives exactly one of 50 concurrent claims on two instances the key', async () => {
    // Two stores with their own connections: two receiver instances.
    const a = store();
    const b = store();
    const key = nextKey();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => (i % 2 === 0 ? a : b).claim(key, 60_000)));
    expect(results.filter((r) => r.status === 'claimed')).toHaveLength(1);
    expect(results.filter((r) => r.status === 'pending')).toHaveLength(49);
  });

  it('shares state between instances: pending on B while A holds it, duplicate on B once A committed', async () => {
    const a = store();
    const b = store();
    const key = nextKey();
    const claim = await a.claim(key, 60_000);
    if (claim.status !== 'claimed') throw new Error('expected a claim');
    expect(await b.claim(key, 60_000)).toEqual({ status: 'pending' });
    // B cannot commit or release A's claim with a token of its own.
    await b.release(key, 'token-of-b');
    expect(await b.claim(key, 60_000)).toEqual({ status: 'pending' });
    await a.commit(key, claim.token);
    expect(await b.claim(key, 60_000)).toEqual({ status: 'duplicate' });
  });

  it('lets B take over the claim of an instance A that died before committing', async () => {
    const a = store();
    const b = store();
    const key = nextKey();
    expect((await a.claim(key, 200)).status).toBe('claimed');
    a.client.disconnect(); // A dies: no release, no commit
    expect(await b.claim(key, 60_000)).toEqual({ status: 'pending' });
    await vi.waitFor(async () => expect((await b.claim(key, 60_000)).status).toBe('claimed'), { timeout: 5000, interval: 50 });
  });

  it('runs its scripts again after Redis forgot them (SCRIPT FLUSH)', async () => {
    const dedupe = store();
    const key = nextKey();
    expect((await dedupe.claim(key, 60_000)).status).toBe('claimed');
    await raw.script('FLUSH');
    expect(await dedupe.claim(key, 60_000)).toEqual({ status: 'pending' });
  });

  it('uses a client passed in without closing it', async () => {
    const client = new Redis(REDIS_URL);
    const dedupe = redisDedupe({ client, prefix });
    expect(dedupe.client).toBe(client);
    expect((await dedupe.claim(nextKey(), 60_000)).status).toBe('claimed');
    await dedupe.ping();
    await dedupe.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('pings for readiness and quits its own connection on close', async () => {
    const dedupe = redisDedupe({ connection: REDIS_URL, prefix });
    await dedupe.ping();
    await dedupe.close();
    expect(dedupe.client.status).toBe('end');
    await expect(dedupe.ping()).rejects.toThrow(/closed/);
    await expect(dedupe.claim(nextKey(), 1000)).rejects.toSatisfy(isCountersignError);
  });

  it('rejects fast (no offline queueing) when Redis cannot be reached, and keeps reconnecting', async () => {
    const port = await closedPort();
    const dedupe = store({ connection: `redis://127.0.0.1:${port}`, commandTimeoutMs: 500 });
    await expect(dedupe.claim(nextKey(), 60_000)).rejects.toThrow();
    await expect(dedupe.commit(nextKey(), 'x')).rejects.toThrow();
    await expect(dedupe.ping()).rejects.toThrow();
    expect(['connecting', 'reconnecting', 'connect']).toContain(dedupe.client.status);
  });

  it('refuses invalid options with a coded error', () => {
    expect(() => redisDedupe({ connection: REDIS_URL, ttlMs: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    const client = new Redis({ lazyConnect: true });
    expect(() => redisDedupe({ client, connection: REDIS_URL })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    client.disconnect();
  });
});
