import { describe, expect, it } from 'vitest';
import { memoryDedupe } from '@countersign/core';

describe('memoryDedupe', () => {
  it('claims once, reports pending until committed, then duplicate', async () => {
    const store = memoryDedupe();
    const first = await store.claim('k', 1000);
    expect(first.status).toBe('claimed');
    expect(await store.claim('k', 1000)).toEqual({ status: 'pending' });
    await store.commit('k', (first as { token: string }).token);
    expect(await store.claim('k', 1000)).toEqual({ status: 'duplicate' });
  });

  it('release frees the key for the next claim; a stale token can neither commit nor release', async () => {
    let now = 0;
    const store = memoryDedupe({ now: () => now });
    const a = (await store.claim('k', 100)) as { token: string };
    now = 150; // lease expired: another instance takes over
    const b = (await store.claim('k', 100)) as { status: string; token: string };
    expect(b.status).toBe('claimed');
    await store.release('k', a.token);
    await store.commit('k', a.token);
    expect(await store.claim('k', 100)).toEqual({ status: 'pending' });
    await store.release('k', b.token);
    expect((await store.claim('k', 100)).status).toBe('claimed');
  });

  it('forgets committed keys after the TTL', async () => {
    let now = 0;
    const store = memoryDedupe({ ttlMs: 1000, now: () => now });
    const c = (await store.claim('k', 100)) as { token: string };
    await store.commit('k', c.token);
    now = 999;
    expect((await store.claim('k', 100)).status).toBe('duplicate');
    now = 1001;
    expect((await store.claim('k', 100)).status).toBe('claimed');
  });

  it('stays bounded, dropping the least recently used key', async () => {
    const store = memoryDedupe({ maxEntries: 3 });
    for (const k of ['a', 'b', 'c']) {
      const c = (await store.claim(k, 1000)) as { token: string };
      await store.commit(k, c.token);
    }
    await store.claim('a', 1000); // touch a: b is now the oldest
    await store.claim('d', 1000);
    expect(store.size).toBe(3);
    expect((await store.claim('a', 1000)).status).toBe('duplicate');
    expect((await store.claim('b', 1000)).status).toBe('claimed');
  });

  it('rejects nonsense options', () => {
    expect(() => memoryDedupe({ ttlMs: 0 })).toThrow(/positive/);
  });
});
