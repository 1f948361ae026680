import { createServer, type AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, ignisign, ignisignApi, type Logger, silentLogger } from '@countersign/core';
import { redisTokenMemo, type RedisTokenMemo } from '@countersign/redis';
import { fakeIgnisignApi, ignisignDelivery } from '../../testing/src/ignisign.js';
import { REDIS_URL, requireRedis, uniqueName } from '../../../test/production/redis-available.js';

const redisUp = await requireRedis('the @countersign/redis token memo tests');

/** A TCP port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.runIf(redisUp)('redisTokenMemo on a real Redis', () => {
  const prefix = `${uniqueName('countersign-test-token-memo')}:`;
  let raw: Redis;
  const stores: RedisTokenMemo[] = [];
  let n = 0;
  const nextKey = (): string => `token-${++n}`;

  function store(options: Parameters<typeof redisTokenMemo>[0] = {}): RedisTokenMemo {
    const s = redisTokenMemo({ connection: REDIS_URL, prefix, ...options });
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

  it('remembers a value under the prefixed key with the TTL given, and answers undefined for an unknown key', async () => {
    const memo = store();
    const key = nextKey();
    expect(await memo.get(key)).toBeUndefined();
    await memo.set(key, 'accepted:abc', 30_000);
    expect(await memo.get(key)).toBe('accepted:abc');
    expect(await raw.get(prefix + key)).toBe('accepted:abc');
    const ttl = await raw.pttl(prefix + key);
    expect(ttl).toBeGreaterThan(25_000);
    expect(ttl).toBeLessThanOrEqual(30_000);
  });

  it('replaces a value and its expiry on set', async () => {
    const memo = store();
    const key = nextKey();
    await memo.set(key, 'accepted:abc', 30_000);
    await memo.set(key, 'acknowledged:abc', 60 * 60 * 1000);
    expect(await memo.get(key)).toBe('acknowledged:abc');
    expect(await raw.pttl(prefix + key)).toBeGreaterThan(59 * 60 * 1000);
  });

  it('shares entries between instances (two connections)', async () => {
    const a = store();
    const b = store();
    const key = nextKey();
    await a.set(key, 'accepted:abc', 60_000);
    expect(await b.get(key)).toBe('accepted:abc');
  });

  it('defaults the prefix to countersign:token-memo:', async () => {
    const memo = redisTokenMemo({ connection: REDIS_URL });
    stores.push(memo);
    const key = `${prefix}defaults-${nextKey()}`;
    await memo.set(key, 'v', 10_000);
    const value = await raw.get(`countersign:token-memo:${key}`);
    await raw.del(`countersign:token-memo:${key}`);
    expect(value).toBe('v');
  });

  it('uses a client passed in without closing it', async () => {
    const client = new Redis(REDIS_URL);
    const memo = redisTokenMemo({ client, prefix });
    expect(memo.client).toBe(client);
    await memo.set(nextKey(), 'v', 10_000);
    await memo.close();
    expect(await client.ping()).toBe('PONG');
    await client.quit();
  });

  it('refuses to work once closed, and closes the connection it created', async () => {
    const memo = store();
    await memo.set(nextKey(), 'v', 10_000);
    await memo.close();
    expect(memo.client.status).toBe('end');
    await expect(memo.get(nextKey())).rejects.toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' });
  });

  it('refuses a client and a connection together, or a bad command timeout', () => {
    const client = new Redis(REDIS_URL, { lazyConnect: true });
    expect(() => redisTokenMemo({ client, connection: REDIS_URL })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => redisTokenMemo({ connection: REDIS_URL, commandTimeoutMs: 0 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    client.disconnect();
  });

  it('makes a delivery answer 503 without burning its token when Redis is unreachable, and logs failed writes', async () => {
    const port = await closedPort();
    const warnings: string[] = [];
    const noop = (): void => undefined;
    const logger: Logger = { debug: noop, info: noop, error: noop, warn: (_fields, msg) => warnings.push(msg ?? '') };
    const memo = store({ connection: `redis://127.0.0.1:${port}`, commandTimeoutMs: 300, logger });
    const api = await fakeIgnisignApi();
    const appId = 'appId_token-memo-test';
    const receiver = createReceiver({
      logger: silentLogger,
      endpoints: { ignisign: ignisign({ appId, appEnv: 'DEVELOPMENT', verifyToken: ignisignApi({ apiKey: api.apiKey, baseUrl: api.url }), tokenMemo: memo }) },
    });
    try {
      const d = ignisignDelivery({ appId, appEnv: 'DEVELOPMENT', topic: 'SIGNER', action: 'CREATED', content: { signerId: 's1' } });
      api.addToken(d.token);
      const res = await receiver.handle(d);
      expect(res.status).toBe(503);
      expect(JSON.parse(res.body)).toMatchObject({ error: { code: 'VERIFICATION_UNAVAILABLE' } });
      expect(res.body).not.toContain(String(port));
      expect(api.calls).toEqual([]);

      await expect(memo.set(nextKey(), 'v', 1000)).rejects.toThrow();
      expect(warnings.some((w) => w.includes('redis token memo write failed'))).toBe(true);
    } finally {
      await receiver.close();
      await api.close();
    }
  });
});
