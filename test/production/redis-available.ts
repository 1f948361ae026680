import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';

/** The Redis the production tests use. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** Resolve true when something at `url` answers a Redis PING within `timeoutMs`. */
export function pingRedis(url = REDIS_URL, timeoutMs = 1000): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname || '127.0.0.1', port: Number(port || 6379) });
    let reply = '';
    const done = (ok: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => done(false), timeoutMs);
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write('PING\r\n'));
    // +PONG, or -NOAUTH when the server wants a password: reachable either way.
    socket.on('data', (chunk: string) => {
      reply += chunk;
      if (reply.includes('\r\n')) done(reply.startsWith('+PONG') || reply.startsWith('-NOAUTH'));
    });
    socket.on('error', () => done(false));
  });
}

/**
 * Whether the suite `what` can run. In CI (`process.env.CI`) an unreachable Redis throws, so the test file fails
 * loudly; elsewhere it prints a visible notice and returns false (use with `describe.runIf`).
 */
export async function requireRedis(what: string, url = REDIS_URL): Promise<boolean> {
  if (await pingRedis(url)) return true;
  const message = `Redis is not reachable at ${url}; ${what} run against a real Redis.`;
  if (process.env.CI) throw new Error(`${message} In CI this is a failure, not a skip: start Redis or set REDIS_URL.`);
  console.warn(`\n[countersign] SKIPPING ${what}: ${message} Start \`redis-server\` or set REDIS_URL to run them.\n`);
  return false;
}

/** A name no other test run uses: `<base>-<pid>-<random>` (no `:`, valid as a BullMQ queue name). */
export function uniqueName(base: string): string {
  return `${base}-${process.pid}-${randomBytes(4).toString('hex')}`;
}
