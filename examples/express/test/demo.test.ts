import { execFile, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { closeRedisClient, createRedisClient } from '@countersign/redis';
import { REDIS_URL, requireRedis } from '../../../test/production/redis-available.js';

const run = promisify(execFile);
const demo = fileURLToPath(new URL('../src/demo.ts', import.meta.url));

/** The environment without any of the example's variables, so the outer shell's REDIS_URL decides nothing. */
const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|DOCUSIGN|DROPBOX_SIGN|YOUSIGN|PANDADOC|BOLDSIGN|REDIS_URL|COUNTERSIGN)/.test(k)));

/** Run the demo to its end; resolve with its exit and everything it printed (never rejects). */
function runDemo(env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string; output: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', demo], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...clean, FORCE_COLOR: '0', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGINT'), 80_000); // SIGINT: the demo still removes its keys
    child.once('exit', (code) => {
      clearTimeout(timer);
      // Shown with any failed expectation below, so a failing run says what the demo printed.
      const output = `the demo exited with ${code}\n----- demo stdout -----\n${stdout}\n----- demo stderr -----\n${stderr}`;
      resolve({ code, stdout, stderr, output });
    });
  });
}

function expectEveryDispatch(result: { code: number | null; stdout: string; output: string }): void {
  expect(result.code, result.output).toBe(0);
  expect(result.stdout, result.output).not.toContain('✗');
  expect(result.stdout, result.output).toContain('from 9 platforms');
  expect(result.stdout, result.output).toContain('13 events dispatched');
  expect(result.stdout, result.output).toContain('2 verification pings answered');
  for (const name of [
    'AGREEMENT_CREATED',
    'SIGNATURE_REQUEST.LAUNCHED',
    'envelopeCompleted',
    '"name":"COMPLETED"',
    '"name":"envelope-completed","stage":"completed"',
    '"name":"signature_request_signed","stage":"signed"',
    '"name":"signer.done","stage":"signed"',
    '"name":"document_state_changed","stage":"completed"',
    '"name":"Completed","stage":"completed"',
  ]) {
    expect(result.stdout, result.output).toContain(name);
  }
}

const redisUp = await requireRedis('the demo in production mode (REDIS_URL: Redis dedupe + BullMQ with a worker)');

describe('examples/express demo (the README first command)', () => {
  it('in memory: starts the reference server, sends every platform deliveries and gets exactly the expected answers and dispatches', async () => {
    const result = await runDemo({});
    expectEveryDispatch(result);
    expect(result.stdout, result.output).toContain('in-memory mode');
    expect(result.stdout, result.output).not.toContain('production mode');
  }, 90_000);

  it.runIf(redisUp)('with REDIS_URL: runs in production mode (a receiver and a worker on Redis + BullMQ) and leaves no key behind', async () => {
    const result = await runDemo({ REDIS_URL });
    expectEveryDispatch(result);
    expect(result.stdout, result.output).toContain('production mode: Redis dedupe + BullMQ');
    expect(result.stdout, result.output).toContain("on the worker's stdout");
    expect(result.stdout, result.output).not.toContain('In-memory mode');
    const name = /\(queue (countersign-demo-[\w-]+)\)/.exec(result.stdout)?.[1];
    expect(name, result.output).toBeDefined();
    expect(result.stdout, result.output).toMatch(/Removed the [1-9]\d* Redis keys the demo wrote/);
    // The same database and credentials as the demo (the URL's), looked at independently.
    const redis = createRedisClient(REDIS_URL);
    try {
      await new Promise<void>((resolve) => redis.once('ready', () => resolve()));
      for (const pattern of [`bull:${name}:*`, `${name}:*`]) expect(await redis.keys(pattern), pattern).toEqual([]);
    } finally {
      await closeRedisClient(redis);
    }
  }, 90_000);

  it('with REDIS_URL pointing nowhere: says so and exits 1 instead of pretending to run in memory', async () => {
    const result = await runDemo({ REDIS_URL: 'redis://127.0.0.1:1/3' });
    expect(result.code, result.output).toBe(1);
    expect(result.stderr, result.output).toContain('REDIS_URL is set, but Redis does not answer at redis://127.0.0.1:1/3');
    expect(result.stdout, result.output).not.toContain('in-memory mode');
  }, 60_000);
});

describe('examples/express configuration', () => {
  it('refuses to start without any endpoint, saying which variables to set', async () => {
    const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));
    const error = await run(process.execPath, ['--conditions=source', '--import', 'tsx', server], { env: { ...clean, PORT: '0' }, timeout: 30_000 }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain('ADOBE_SIGN_CLIENT_IDS');
  }, 60_000);
});
