/**
 * Every example server honours one contract (same variables, same /webhooks/<endpoint> routes, one JSON line per
 * handled event on stdout), so any of them can stand in for another: this file proves it by running each one as a
 * real process and feeding it every fixture of every platform. It also runs production mode: examples/express with
 * REDIS_URL only receives, examples/worker handles.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { readdirSync, readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { boldsignSignature, fakeIgnisignApi, sendDelivery, type FakeIgnisignApi } from '@countersign/testing';
import { REDIS_URL, requireRedis, uniqueName } from '../production/redis-available.js';

interface Fixture {
  provider: 'adobe-sign' | 'ignisign' | 'signit' | 'docstudio' | 'docusign' | 'dropbox-sign' | 'yousign' | 'pandadoc' | 'boldsign';
  credentials: Record<string, unknown>;
  request: { method: string; headers: Record<string, string>; body: string; query?: string };
  expect: { accepted?: boolean; event?: string; topic?: string; action?: string; status?: string; dedupeKey?: string | string[]; responseStatus?: number; responseBody?: string };
}

const fixturesDir = new URL('../fixtures/', import.meta.url);
const fixtures: Fixture[] = readdirSync(fixturesDir)
  .flatMap((dir) =>
    readdirSync(new URL(`${dir}/`, fixturesDir))
      .sort()
      .map((file) => JSON.parse(readFileSync(new URL(`${dir}/${file}`, fixturesDir), 'utf8')) as Fixture),
  )
  .filter((f) => f.expect.accepted !== false);
/** Verification pings (BoldSign's `Verification`, Dropbox Sign's `callback_test`): answered, never dispatched. */
const isPing = (f: Fixture): boolean => (f.provider === 'boldsign' && f.expect.event === 'Verification') || f.expect.event === 'callback_test';
/** Every credential of a platform's fixtures, comma-separated, as the examples read them. */
const joined = (p: Fixture['provider'], field: string): string => [...new Set(of(p).flatMap((f) => f.credentials[field] as string | string[]))].join(',');
const nameOf = (f: Fixture): string => f.expect.event ?? f.expect.status ?? `${f.expect.topic}.${f.expect.action}`;
const of = (p: Fixture['provider']): Fixture[] => fixtures.filter((f) => f.provider === p);
const ignisignCreds = of('ignisign')[0]!.credentials as { appId: string; appEnv: string };
const docstudioCreds = of('docstudio')[0]!.credentials as { login: string; password: string; successCode: number };

function environment(ignisign: FakeIgnisignApi): Record<string, string> {
  const signitApps = new Set(of('signit').map((f) => `${f.credentials.appId}:${f.credentials.appSecret}`));
  return {
    PORT: '0',
    LOG_LEVEL: 'info',
    ADOBE_SIGN_CLIENT_IDS: [...new Set(of('adobe-sign').flatMap((f) => f.credentials.clientIds as string[]))].join(','),
    IGNISIGN_APP_ID: ignisignCreds.appId,
    IGNISIGN_APP_ENV: ignisignCreds.appEnv,
    IGNISIGN_API_KEY: ignisign.apiKey,
    IGNISIGN_API_URL: ignisign.url,
    SIGNIT_APPS: [...signitApps].join(','),
    DOCSTUDIO_LOGIN: docstudioCreds.login,
    DOCSTUDIO_PASSWORD: docstudioCreds.password,
    DOCSTUDIO_SUCCESS_CODE: '202',
    DOCUSIGN_HMAC_KEYS: joined('docusign', 'hmacKeys'),
    DROPBOX_SIGN_API_KEY: joined('dropbox-sign', 'apiKey'),
    YOUSIGN_SECRETS: joined('yousign', 'secrets'),
    PANDADOC_SHARED_KEYS: joined('pandadoc', 'sharedKeys'),
    BOLDSIGN_SECRETS: joined('boldsign', 'secrets'),
  };
}

interface Running {
  url: string;
  events: Array<{ endpoint: string; id: string; key: string; name: string; stage?: string }>;
  proc: ChildProcess;
  stop(): Promise<void>;
}

function start(example: string, entry: string, env: Record<string, string>, waitFor: RegExp): Promise<Running> {
  const file = fileURLToPath(new URL(`../../examples/${example}/src/${entry}`, import.meta.url));
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|DOCUSIGN|DROPBOX_SIGN|YOUSIGN|PANDADOC|BOLDSIGN|REDIS_URL|COUNTERSIGN)/.test(k)));
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', file], { env: { ...clean, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const events: Running['events'] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => events.push(JSON.parse(line) as Running['events'][number]));
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${example} did not start:\n${stderr}`));
    }, 30_000);
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = waitFor.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${match[1] ?? 0}`, events, proc, stop });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${example} exited with ${code}:\n${stderr}`));
    });
  });
}

async function until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const LISTENING = /"port":(\d+)/;

/**
 * The fixture's request as the platform would send it now: BoldSign signs `t` with the time of sending and the
 * examples' clock is the real one, so its signature is made afresh with the fixture's first secret.
 */
async function current(f: Fixture): Promise<Fixture['request']> {
  if (f.provider !== 'boldsign') return f.request;
  const t = Math.floor(Date.now() / 1000);
  const [secret] = f.credentials.secrets as string[];
  return { ...f.request, headers: { ...f.request.headers, 'x-boldsign-signature': `t=${t}, s0=${await boldsignSignature(secret as string, t, f.request.body)}` } };
}

/** Sends every fixture; returns the names that must be dispatched (byte-identical fixtures dispatch once). */
async function sendAllFixtures(url: string): Promise<string[]> {
  const expected = new Map<string, string>();
  for (const f of fixtures) {
    const res = await sendDelivery(`${url}/webhooks/${f.provider}`, await current(f));
    expect(res.status, `${f.provider} ${nameOf(f)}: ${res.body}`).toBe(f.expect.responseStatus ?? (f.provider === 'docstudio' ? 202 : 200));
    if (f.expect.responseBody !== undefined) expect(res.body).toBe(f.expect.responseBody);
    if (f.provider === 'adobe-sign') expect(res.headers['x-adobesign-clientid']).toBe(f.request.headers['x-adobesign-clientid']);
    if (!isPing(f)) expected.set(`${f.provider} ${f.request.body}`, `${f.provider}:${nameOf(f)}`);
  }
  return [...expected.values()].sort();
}

/** A port nothing listens on right now. */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe.each(['express', 'fastify', 'node', 'hono'])('examples/%s', (example) => {
  let ignisign: FakeIgnisignApi;
  let server: Running;
  let metricsPort: number;

  beforeAll(async () => {
    ignisign = await fakeIgnisignApi({ apiKey: 'examples-key', validTokens: of('ignisign').flatMap((f) => f.credentials.validTokens as string[]) });
    metricsPort = await freePort();
    server = await start(example, 'server.ts', { ...environment(ignisign), METRICS_PORT: String(metricsPort) }, LISTENING);
  }, 40_000);
  afterAll(async () => {
    await server?.stop();
    await ignisign?.close();
  });

  it('accepts every fixture of every platform and prints one line per event with endpoint, id and name', async () => {
    const expected = await sendAllFixtures(server.url);
    await until(() => server.events.length >= expected.length, 'dispatches');
    expect(server.events.map((e) => `${e.endpoint}:${e.name}`).sort()).toEqual(expected);
    for (const f of of('adobe-sign')) {
      // Without OAuth, Adobe Sign's event id is the notification id bound to the body: `<id>#<32 hex>`.
      const id = expect.stringMatching(new RegExp(`^${f.expect.dedupeKey as string}#[0-9a-f]{32}$`));
      expect(server.events).toContainEqual(expect.objectContaining({ endpoint: 'adobe-sign', key: id, name: f.expect.event }));
      const event = server.events.find((e) => e.endpoint === 'adobe-sign' && e.name === f.expect.event);
      expect(event?.id).toBe(`adobe-sign:${(event as { key?: string } | undefined)?.key}`);
    }
    // An event with a lifecycle stage prints it; one without prints none.
    expect(server.events).toContainEqual(expect.objectContaining({ endpoint: 'yousign', name: 'signature_request.done', stage: 'completed' }));
    expect(server.events).toContainEqual(expect.objectContaining({ endpoint: 'docusign', name: 'recipient-completed', stage: 'signed' }));
    expect(server.events.find((e) => e.endpoint === 'dropbox-sign' && e.name === 'account_confirmed')).not.toHaveProperty('stage');
    const doc = server.events.find((e) => e.endpoint === 'docstudio');
    for (const part of of('docstudio')[0]!.expect.dedupeKey as string[]) expect(doc?.id).toContain(part);
  });

  it('answers the Adobe handshake with the echo and reports readiness', async () => {
    const res = await sendDelivery(`${server.url}/webhooks/adobe-sign`, { method: 'GET', headers: { 'X-AdobeSign-ClientId': 'CBJCHBCAABAA5a9c0de1client' } });
    expect(res.status).toBe(200);
    expect(res.headers['x-adobesign-clientid']).toBe('CBJCHBCAABAA5a9c0de1client');
    const health = await sendDelivery(`${server.url}/healthz`, { method: 'GET', headers: {} });
    expect(health.status).toBe(200);
    expect(JSON.parse(health.body)).toMatchObject({ ready: true });
  });

  it('serves Prometheus metrics with METRICS_PORT: the deliveries it answered, by endpoint and outcome', async () => {
    const refused = await sendDelivery(`${server.url}/webhooks/docstudio`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
    let text = '';
    for (let i = 0; i < 50 && !/countersign_deliveries_total\{[^}]*countersign_outcome="refused"/.test(text); i++) {
      text = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
      if (i > 0) await new Promise((r) => setTimeout(r, 50));
    }
    const line = (outcome: string, endpoint: string): number =>
      text
        .split('\n')
        .filter((l) => l.startsWith('countersign_deliveries_total{') && l.includes(`countersign_outcome="${outcome}"`) && l.includes(`countersign_endpoint="${endpoint}"`))
        .reduce((n, l) => n + Number(l.slice(l.lastIndexOf(' ') + 1)), 0);
    expect(line('refused', 'docstudio')).toBe(1);
    expect(line('accepted', 'docstudio')).toBeGreaterThanOrEqual(1);
    expect(text).toMatch(/^# TYPE countersign_delivery_duration histogram$/m);
    expect(text).toMatch(/^countersign_delivery_duration_bucket\{countersign_endpoint="docstudio",countersign_outcome="refused",[^}]*le="0.001"\} \d+$/m);
  });
});

describe('production mode: examples/express with REDIS_URL receives, examples/worker handles', async () => {
  const available = await requireRedis('the production-mode example tests');
  const queue = uniqueName('examples');
  const env = { REDIS_URL, COUNTERSIGN_QUEUE: queue, COUNTERSIGN_PREFIX: queue };
  let ignisign: FakeIgnisignApi;
  let receiver: Running;
  let worker: Running;

  beforeAll(async () => {
    if (!available) return;
    ignisign = await fakeIgnisignApi({ apiKey: 'examples-key', validTokens: of('ignisign').flatMap((f) => f.credentials.validTokens as string[]) });
    [receiver, worker] = await Promise.all([
      start('express', 'server.ts', { ...environment(ignisign), ...env }, LISTENING),
      // The worker holds no endpoint secret: REDIS_URL (and the queue's name) alone.
      start('worker', 'worker.ts', env, /worker started/),
    ]);
  }, 40_000);
  afterAll(async () => {
    if (!available) return;
    await Promise.all([receiver?.stop(), worker?.stop()]);
    await ignisign?.close();
    const redis = new Redis(REDIS_URL);
    for (const pattern of [`bull:${queue}:*`, `${queue}:*`]) {
      const keys = await redis.keys(pattern);
      if (keys.length > 0) await redis.del(...keys);
    }
    await redis.quit();
  });

  it.runIf(available)('the worker prints every event once; the receiver prints none', async () => {
    const expected = await sendAllFixtures(receiver.url);
    await until(() => worker.events.length >= expected.length, 'the worker to handle every event', 30_000);
    await new Promise((r) => setTimeout(r, 300));
    expect(worker.events.map((e) => `${e.endpoint}:${e.name}`).sort()).toEqual(expected);
    expect(receiver.events).toEqual([]);
    const health = await sendDelivery(`${receiver.url}/healthz`, { method: 'GET', headers: {} });
    expect(JSON.parse(health.body)).toMatchObject({ ready: true, checks: { dedupe: { ok: true }, queue: { ok: true } } });
  }, 60_000);
});
