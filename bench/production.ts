/**
 * Acknowledgement latency and throughput of a receiver on Redis + BullMQ against the in-memory defaults, in the
 * same run: `npx -y pnpm@10.34.8 build && cd bench && npx -y tsx production.ts` (the children load the built packages; `BENCH_SOURCE=1`
 * loads their TypeScript sources instead).
 *
 * For each setup a receiver runs alone in a child process (node:http with `@countersign/node`'s listener, an
 * Adobe Acrobat Sign endpoint) and this process loads it at a fixed rate (default 500 requests/s) twice: with autocannon's
 * `overallRate` (which sends in one burst per second) and with an even-paced open-loop generator (one request
 * every 2 ms). Every request carries a unique `webhookNotificationId`, so each one does the full work:
 * client-id check, zod validation, dedupe claim, enqueue, commit, echo. Handlers sleep 10 s: with the memory
 * queue they run in the receiver process, with BullMQ in a separate worker process (concurrency 10). Either way
 * the acknowledgement must not wait for them.
 *
 * Options (environment): BENCH_RATE (requests/s, default 500), BENCH_DURATION (measured seconds, default 10),
 * BENCH_WARMUP (seconds, default 2), BENCH_CONNECTIONS (default 50), REDIS_URL (default redis://127.0.0.1:6379),
 * BENCH_SATURATION (0: skip the full-speed run), BENCH_COMMIT_BATCH_MS (redisDedupe's commitBatchMs; 0 = one commit
 * per round trip, the behaviour before it existed), BENCH_SETUPS (memory,redis: which setups to run).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { Agent, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { adobeSign, createReceiver, memoryDedupe, memoryQueue, silentLogger } from '@countersign/core';
import { bullmqQueue, createWorker } from '@countersign/bullmq';
import { createListener } from '@countersign/node';
import { redisDedupe } from '@countersign/redis';

const RATE = Number(process.env.BENCH_RATE ?? 500);
const DURATION = Number(process.env.BENCH_DURATION ?? 10);
const WARMUP = Number(process.env.BENCH_WARMUP ?? 2);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 50);
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Also load each setup as fast as it answers (req/s per receiver process at saturation). BENCH_SATURATION=0 skips it. */
const SATURATION = process.env.BENCH_SATURATION !== '0';
/** redisDedupe's `commitBatchMs` (default: the store's own); 0 sends each commit on its own, as before 2026-12-07. */
const COMMIT_BATCH_MS = process.env.BENCH_COMMIT_BATCH_MS === undefined ? undefined : Number(process.env.BENCH_COMMIT_BATCH_MS);
const HANDLER_MS = 10_000;
const CLIENT_ID = 'CBJCHBCAABAAbenchProduction0000';

type Setup = 'memory' | 'redis';

// ------------------------------------------------------------------------------------------- child roles

interface ChildEnv {
  setup: Setup;
  queueName: string;
  bullPrefix: string;
  dedupePrefix: string;
}

function childEnv(): ChildEnv {
  return {
    setup: (process.env.CS_BENCH_SETUP ?? 'memory') as Setup,
    queueName: process.env.CS_BENCH_QUEUE ?? 'bench',
    bullPrefix: process.env.CS_BENCH_BULL_PREFIX ?? 'bench-bull',
    dedupePrefix: process.env.CS_BENCH_DEDUPE_PREFIX ?? 'bench-dedupe:',
  };
}

interface CountedClient {
  sendCommand: (...args: unknown[]) => unknown;
}

/** The dedupe store and queue of the last receiver made (the server counts their Redis commands). */
const receiverParts: { dedupe?: unknown; queue?: unknown } = {};

function makeReceiver(env: ChildEnv) {
  const redis = env.setup === 'redis';
  const dedupe = redis ? redisDedupe({ connection: REDIS_URL, prefix: env.dedupePrefix, ...(COMMIT_BATCH_MS === undefined ? {} : { commitBatchMs: COMMIT_BATCH_MS }) }) : memoryDedupe();
  // bounds above what a run piles up
  const queue = redis ? bullmqQueue({ connection: REDIS_URL, queueName: env.queueName, prefix: env.bullPrefix }) : memoryQueue({ concurrency: 10, maxEvents: 2_000_000, maxBytes: 8 * 1024 ** 3 });
  receiverParts.dedupe = dedupe;
  receiverParts.queue = queue;
  return createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [CLIENT_ID] }) }, dedupe, queue, logger: silentLogger });
}

async function runServer(): Promise<void> {
  const env = childEnv();
  const receiver = makeReceiver(env);
  // With the memory queue the handlers run here; with BullMQ only the worker process runs them.
  receiver.onAny(() => sleep(HANDLER_MS));
  for (let i = 0; !(await receiver.ready()).ready; i++) {
    if (i > 100) throw new Error('the receiver did not become ready');
    await sleep(50);
  }
  // What one receiver process costs per accepted delivery: Redis commands sent (each its own round trip: nothing
  // here pipelines; a claim carrying commits is one script), and CPU time. Read with GET /__bench-stats.
  let accepted = 0;
  let commands = 0;
  const clients = env.setup === 'redis' ? [(receiverParts.dedupe as { client: CountedClient }).client, (receiverParts.queue as { client: CountedClient }).client] : [];
  for (const client of new Set(clients)) {
    const send = client.sendCommand.bind(client);
    client.sendCommand = (...args: unknown[]) => {
      commands += 1;
      return send(...args);
    };
  }
  const listener = createListener(receiver);
  const server = createServer((req, res) => {
    if (req.url === '/__bench-stats') {
      const { user, system } = process.cpuUsage();
      res.end(JSON.stringify({ accepted, commands, cpuUs: user + system }));
      return;
    }
    res.once('finish', () => {
      if (res.statusCode === 200) accepted += 1;
    });
    listener(req, res);
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ port: (server.address() as AddressInfo).port })));
}

async function runWorker(): Promise<void> {
  const env = childEnv();
  const receiver = makeReceiver(env);
  receiver.onAny(() => sleep(HANDLER_MS));
  const worker = createWorker(receiver, { connection: REDIS_URL, queueName: env.queueName, prefix: env.bullPrefix, concurrency: 10 });
  await worker.ready();
  console.log(JSON.stringify({ ready: true }));
}

// ------------------------------------------------------------------------------------------- load

interface AutocannonRequest {
  method?: string;
  path?: string;
  headers?: Record<string, string>;
  body?: string;
  setupRequest?: (request: AutocannonRequest) => AutocannonRequest;
}

interface AutocannonResult {
  latency: { p50: number; p90: number; p99: number; max: number; average: number };
  requests: { average: number; total: number; sent: number };
  '2xx': number;
  non2xx: number;
  errors: number;
  timeouts: number;
  duration: number;
  statusCodeStats?: Record<string, { count: number }>;
}

type Autocannon = (
  options: { url: string; connections: number; duration: number; overallRate?: number; ignoreCoordinatedOmission?: boolean; requests: AutocannonRequest[] },
  done: (error: Error | null, result: AutocannonResult) => void,
) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

/** An Adobe Acrobat Sign notification (the developer guide's example) whose id is replaced per request. */
function notificationTemplate(): { before: string; after: string } {
  const fixture = JSON.parse(
    readFileSync(fileURLToPath(new URL('../test/fixtures/adobe-sign/AGREEMENT_CREATED_with_userId_authMethod_createdGroupId.json', import.meta.url)), 'utf8'),
  ) as { request: { body: string }; expect: { dedupeKey: string } };
  const [before, after] = fixture.request.body.split(fixture.expect.dedupeKey);
  if (before === undefined || after === undefined) throw new Error('fixture: the notification id must occur once');
  return { before, after };
}

/** autocannon for `seconds`: at RATE (bursts, see below), or as fast as the server answers when `full`. */
function load(port: number, seconds: number, full = false): Promise<AutocannonResult> {
  const template = notificationTemplate();
  const run = randomBytes(6).toString('hex');
  let n = 0;
  return new Promise((resolve, reject) => {
    autocannon(
      {
        url: `http://127.0.0.1:${port}`,
        connections: CONNECTIONS,
        duration: seconds,
        ...(full ? {} : { overallRate: RATE, ignoreCoordinatedOmission: true }),
        // autocannon corrects with an expected interval of ceil(1 / per-connection rate) = 1 ms, which adds a
        // synthetic sample for every millisecond of every slow response: raw latencies are the honest figure here.
        requests: [
          {
            method: 'POST',
            path: '/webhooks/adobe',
            headers: { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID },
            setupRequest: (request) => ({ ...request, body: `${template.before}${run}-${(n++).toString(16).padStart(12, '0')}${template.after}` }),
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

interface PacedResult {
  sent: number;
  acked: number;
  non2xx: number;
  errors: number;
  seconds: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}

/**
 * An open-loop load at an even pace: request i is due at start + i / rate, whatever happened to the earlier ones,
 * and its latency counts from when it was due (so a stall is not hidden by requests that were never sent).
 */
async function paced(port: number, seconds: number): Promise<PacedResult> {
  const template = notificationTemplate();
  const run = randomBytes(6).toString('hex');
  const agent = new Agent({ keepAlive: true, maxSockets: 256 });
  const total = Math.round(RATE * seconds);
  const latencies: number[] = [];
  let acked = 0;
  let non2xx = 0;
  let errors = 0;
  const pending: Array<Promise<void>> = [];
  const send = (i: number, due: number): Promise<void> =>
    new Promise((resolve) => {
      const body = `${template.before}${run}-${i.toString(16).padStart(12, '0')}${template.after}`;
      const req = request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/webhooks/adobe',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), 'x-adobesign-clientid': CLIENT_ID },
        },
        (res) => {
          res.resume();
          res.on('end', () => {
            latencies.push(performance.now() - due);
            if (res.statusCode !== undefined && res.statusCode >= 200 && res.statusCode < 300) acked++;
            else non2xx++;
            resolve();
          });
        },
      );
      req.on('error', () => {
        errors++;
        resolve();
      });
      req.end(body);
    });
  const start = performance.now() + 20;
  for (let i = 0; i < total; ) {
    const now = performance.now();
    while (i < total && start + (i * 1000) / RATE <= now) {
      pending.push(send(i, start + (i * 1000) / RATE));
      i++;
    }
    if (i < total) await sleep(Math.max(0, start + (i * 1000) / RATE - performance.now()));
  }
  await Promise.all(pending);
  const elapsed = (performance.now() - start) / 1000;
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const at = (q: number): number => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
  return { sent: total, acked, non2xx, errors, seconds: elapsed, latency: { p50: at(0.5), p90: at(0.9), p99: at(0.99), max: latencies.at(-1) ?? NaN } };
}

// ------------------------------------------------------------------------------------------- orchestration

function spawnRole(role: 'server' | 'worker', env: ChildEnv): { child: ChildProcess; first: Promise<Record<string, unknown>> } {
  const conditions = process.env['BENCH_SOURCE'] === '1' ? ['--conditions=source'] : [];
  const child = spawn(process.execPath, [...conditions, '--import', 'tsx', fileURLToPath(import.meta.url)], {
    cwd: fileURLToPath(new URL('.', import.meta.url)),
    env: {
      ...process.env,
      CS_BENCH_ROLE: role,
      CS_BENCH_SETUP: env.setup,
      CS_BENCH_QUEUE: env.queueName,
      CS_BENCH_BULL_PREFIX: env.bullPrefix,
      CS_BENCH_DEDUPE_PREFIX: env.dedupePrefix,
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const first = new Promise<Record<string, unknown>>((resolve, reject) => {
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(JSON.parse(line) as Record<string, unknown>));
    child.once('exit', (code) => reject(new Error(`${role} exited early (${String(code)})`)));
  });
  return { child, first };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
}

async function deleteKeys(...prefixes: string[]): Promise<void> {
  // The dedupe store's own ioredis client does the clean-up (the bench package does not depend on ioredis).
  const store = redisDedupe({ connection: REDIS_URL });
  await store.ping();
  const redis = store.client;
  for (const prefix of prefixes) {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      if (keys.length > 0) await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  }
  await store.close();
}

interface Row {
  setup: string;
  load: string;
  /** Requests per second offered (NaN: as fast as the server answers). */
  offered: number;
  /** Redis commands the receiver process sent per accepted delivery, and its CPU µs per accepted delivery. */
  commandsPerAccepted: number;
  cpuUsPerAccepted: number;
  acked: number;
  seconds: number;
  non2xx: number;
  errors: number;
  latency: { p50: number; p90: number; p99: number; max: number };
}

interface Stats {
  accepted: number;
  commands: number;
  cpuUs: number;
}

function stats(port: number): Promise<Stats> {
  return new Promise((resolve, reject) => {
    request({ host: '127.0.0.1', port, path: '/__bench-stats' }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve(JSON.parse(text) as Stats));
    })
      .on('error', reject)
      .end();
  });
}

/** What the server spent between two stats readings, per accepted delivery. */
function perAccepted(before: Stats, after: Stats): Pick<Row, 'commandsPerAccepted' | 'cpuUsPerAccepted'> {
  const accepted = after.accepted - before.accepted;
  return { commandsPerAccepted: (after.commands - before.commands) / accepted, cpuUsPerAccepted: (after.cpuUs - before.cpuUs) / accepted };
}

function fromAutocannon(setup: string, result: AutocannonResult, full = false): Omit<Row, 'commandsPerAccepted' | 'cpuUsPerAccepted'> {
  return { setup, load: full ? 'autocannon, full speed' : 'autocannon overallRate', offered: full ? Number.NaN : RATE, acked: result['2xx'], seconds: result.duration, non2xx: result.non2xx, errors: result.errors + result.timeouts, latency: result.latency };
}

function fromPaced(setup: string, result: PacedResult): Omit<Row, 'commandsPerAccepted' | 'cpuUsPerAccepted'> {
  return { setup, load: 'even pace (open loop)', offered: RATE, acked: result.acked, seconds: result.seconds, non2xx: result.non2xx, errors: result.errors, latency: result.latency };
}

async function measure(setup: Setup): Promise<Row[]> {
  const tag = `cs-bench-${process.pid}-${randomBytes(3).toString('hex')}`;
  const env: ChildEnv = { setup, queueName: 'bench', bullPrefix: `${tag}-bull`, dedupePrefix: `${tag}-dedupe:` };
  const children: ChildProcess[] = [];
  try {
    const server = spawnRole('server', env);
    children.push(server.child);
    if (setup === 'redis') {
      const worker = spawnRole('worker', env);
      children.push(worker.child);
      await worker.first;
    }
    const { port } = (await server.first) as { port: number };
    const name = setup === 'redis' ? 'Redis dedupe + BullMQ' : 'memory dedupe + queue';
    if (WARMUP > 0) await load(port, WARMUP);
    const rows: Row[] = [];
    const measured = async (run: () => Promise<Omit<Row, 'commandsPerAccepted' | 'cpuUsPerAccepted'>>): Promise<void> => {
      const before = await stats(port);
      const row = await run();
      await sleep(200); // commits waiting for a batch go out
      rows.push({ ...row, ...perAccepted(before, await stats(port)) });
    };
    if (SATURATION) await measured(async () => fromAutocannon(name, await load(port, DURATION, true), true));
    await measured(async () => fromAutocannon(name, await load(port, DURATION)));
    await measured(async () => fromPaced(name, await paced(port, DURATION)));
    return rows;
  } finally {
    await Promise.all(children.map(stop));
    if (setup === 'redis') await deleteKeys(`${env.bullPrefix}:`, env.dedupePrefix);
  }
}

function table(rows: Row[]): string {
  const header = ['setup', 'load', 'offered req/s', 'acked req/s', '2xx', 'non-2xx', 'errors', 'p50 ms', 'p90 ms', 'p99 ms', 'max ms', 'Redis cmds/acc', 'CPU µs/acc'];
  const lines = rows.map((row) => [
    row.setup,
    row.load,
    Number.isNaN(row.offered) ? 'max' : String(row.offered),
    (row.acked / row.seconds).toFixed(0),
    String(row.acked),
    String(row.non2xx),
    String(row.errors),
    row.latency.p50.toFixed(1),
    row.latency.p90.toFixed(1),
    row.latency.p99.toFixed(1),
    row.latency.max.toFixed(1),
    row.commandsPerAccepted.toFixed(2),
    row.cpuUsPerAccepted.toFixed(0),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const text = (i: number): boolean => i < 2;
  const format = (cells: string[]): string => `| ${cells.map((c, i) => (text(i) ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ')} |`;
  return [format(header), `|${widths.map((w, i) => (text(i) ? '-'.repeat(w + 2) : `${'-'.repeat(w + 1)}:`)).join('|')}|`, ...lines.map(format)].join('\n');
}

async function main(): Promise<void> {
  console.log(`countersign production bench: ${RATE} req/s for ${DURATION} s (+${WARMUP} s warm-up), ${CONNECTIONS} connections, handlers sleep ${HANDLER_MS / 1000} s`);
  const rows: Row[] = [];
  const setups = (process.env.BENCH_SETUPS ?? 'memory,redis').split(',') as Setup[];
  for (const setup of setups) {
    process.stdout.write(`measuring ${setup}...\n`);
    rows.push(...(await measure(setup)));
  }
  console.log(`\n${table(rows)}\n`);
  console.log(
    [
      'autocannon overallRate: latency from sending a request to its acknowledgement. autocannon sends each connection\'s',
      '  share of a second back to back at the start of the second, then waits: a burst of RATE requests once a second.',
      'even pace: one request every 1000/RATE ms, open loop; latency counts from the moment the request was due.',
      'Redis cmds/acc: commands the receiver process sent to Redis per accepted delivery (each one round trip: claim, with',
      '  the commits waiting for it; the BullMQ job; commits sent alone when no claim came within commitBatchMs).',
      'CPU µs/acc: CPU time of the receiver process per accepted delivery.',
    ].join('\n'),
  );
}

const role = process.env.CS_BENCH_ROLE;
if (role === 'server') await runServer();
else if (role === 'worker') await runWorker();
else await main();
