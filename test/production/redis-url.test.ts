import { Redis } from 'ioredis';
import { describe, expect, it } from 'vitest';
import { RedisOutage } from './harness.js';
import { REDIS_URL, requireRedis, uniqueName } from './redis-available.js';

describe('RedisOutage: the proxy keeps what the Redis URL says', () => {
  it('carries the scheme, credentials, database and query over to its own address', async () => {
    const outage = new RedisOutage('redis://reader:p%40ss@10.0.0.5:6380/14?family=4');
    expect(outage.target).toEqual({ host: '10.0.0.5', port: 6380 });
    await outage.up();
    try {
      const url = new URL(outage.url);
      expect(url.protocol).toBe('redis:');
      expect([url.username, url.password]).toEqual(['reader', 'p%40ss']);
      expect([url.hostname, url.port]).toEqual(['127.0.0.1', String(outage.port)]);
      expect(url.pathname).toBe('/14');
      expect(url.search).toBe('?family=4');
    } finally {
      await outage.down();
    }
  });
});

const redisUp = await requireRedis('the Redis URL proxy test');

describe.runIf(redisUp)('RedisOutage on the real Redis', () => {
  it('reaches the database of REDIS_URL, not database 0', async () => {
    const outage = new RedisOutage(REDIS_URL);
    await outage.up();
    const key = uniqueName('cs-proxy-db');
    const viaProxy = new Redis(outage.url);
    const direct = new Redis(REDIS_URL);
    try {
      await viaProxy.set(key, 'written through the proxy', 'PX', 60_000);
      expect(await direct.get(key)).toBe('written through the proxy');
    } finally {
      await direct.del(key);
      expect(await direct.exists(key)).toBe(0);
      viaProxy.disconnect();
      direct.disconnect();
      await outage.down();
    }
  });
});
