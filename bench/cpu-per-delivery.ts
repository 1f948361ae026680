/**
 * CPU time per delivery, counted with `process.cpuUsage()` rather than wall-clock: repeatable on a machine that
 * other processes keep busy (they slow a run down, but barely change the CPU time it needs).
 *
 *   cd bench && npx -y tsx cpu-per-delivery.ts [--n=20000] [--only=handle,node,express,...]   (loads dist/: build first)
 *   cd bench && npx -y tsx --conditions=source cpu-per-delivery.ts --source                     (loads src/ through tsx)
 *
 * Rows:
 * - `handle`, `handle-1mb`: `receiver.handle()` in this process on unique Adobe notifications (2 kB / 1 MB), 50 in
 *   flight, no HTTP: the core's own cost, handlers included (they run after each answer on the memory queue).
 *   Beside them, `JSON.parse` of the 1 MB body (UTF-8 decode + parse), the reference of the 1 MB target.
 * - `<server>`: the bench's servers (`server.ts`: node, node-bare, node-floor, express, express-bare, fastify, fastify-bare,
 *   fetch, fetch-bare, and `express-1mb` / `express-bare-1mb`) in a child process, loaded over loopback with 50
 *   keep-alive connections by this process; the figure is the child's own `process.cpuUsage()` over the
 *   measured requests, divided by their number (after a warm-up of a fifth as many).
 *
 * `--profile=<dir>` writes a V8 CPU profile of each server child there (`npx -y tsx profile-summary.ts <dir>/CPU.*`).
 * `--callgrind` (server rows only): the server child runs under `valgrind --tool=callgrind` with instrumentation off;
 * `callgrind_control` turns it on for the measured requests only, and the row reports instructions per delivery
 * (`Ir`), which other load on the machine does not change. Slow (valgrind starts tsx in a minute or two): use a
 * small `--n` and `--only`.
 */
import { exec } from 'node:child_process';
import { Agent, request } from 'node:http';
import { promisify } from 'node:util';
import { adobeSign, createReceiver, silentLogger } from '@countersign/core';
import { killAll, startServer } from './lib/children.js';
import { ADOBE_CLIENT_ID, adobeLarge, adobeSmall, idGenerator, type BodyTemplate } from './lib/payloads.js';
import type { ServerKind } from './lib/protocol.js';

function arg(name: string): string | undefined {
  const raw = process.argv.slice(2).find((a) => a === `--${name}` || a.startsWith(`--${name}=`));
  return raw === undefined ? undefined : raw.slice(name.length + 3);
}

const N = Number(arg('n') ?? 20_000);
const N_LARGE = Number(arg('n-large') ?? Math.max(50, Math.round(N / 100)));
/** Deliveries in flight at once (`--concurrency`, default 50; 1 is a trickle: every delivery finds the pipeline idle). */
// Under callgrind a server runs ~50x slower: 50 large deliveries at once would run past the 4 s budget (503).
const CONCURRENCY = Number(arg('concurrency') ?? (arg('callgrind') === undefined ? 50 : 4));
const DIST = arg('source') === undefined;
const CALLGRIND = arg('callgrind') !== undefined;
/** `--profile=<dir>`: V8 CPU profiles of the server children (`node --cpu-prof`), for `profile-summary.ts`. */
const PROFILE_DIR = arg('profile');
const run = promisify(exec);
const small = adobeSmall();
const large = adobeLarge();
const nextId = idGenerator();
let counter = 0;
const body = (t: BodyTemplate): Buffer => Buffer.from(t.prefix + nextId(++counter) + t.suffix);

const SERVERS: Array<{ key: string; kind: ServerKind; template: BodyTemplate }> = [
  { key: 'node-bare', kind: 'node-bare', template: small },
  { key: 'node-floor', kind: 'node-floor', template: small },
  { key: 'node', kind: 'node', template: small },
  { key: 'express-bare', kind: 'express-bare', template: small },
  { key: 'express', kind: 'express', template: small },
  { key: 'fastify-bare', kind: 'fastify-bare', template: small },
  { key: 'fastify', kind: 'fastify', template: small },
  { key: 'fetch-bare', kind: 'fetch-bare', template: small },
  { key: 'fetch', kind: 'fetch', template: small },
  { key: 'express-bare-1mb', kind: 'express-bare', template: large },
  { key: 'express-1mb', kind: 'express', template: large },
];
const only = arg('only')?.split(',');
const wanted = (key: string): boolean => only === undefined || only.includes(key);

const cpuUs = (): number => {
  const { user, system } = process.cpuUsage();
  return user + system;
};

/**
 * `count` calls of `one`, `CONCURRENCY` at a time. Every `every` calls the lanes yield to the event loop, as sockets
 * do between requests: without that, a pipeline that answers within microtasks would never let the memory
 * queue's handlers (a later macrotask) run, and the queue would fill.
 */
async function load(count: number, one: () => Promise<void>, every = 100): Promise<void> {
  let started = 0;
  const lane = async (): Promise<void> => {
    while (started < count) {
      started += 1;
      if (started % every === 0) await new Promise((r) => (every === 1 ? setTimeout(r, 1) : setImmediate(r)));
      await one();
    }
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENCY, count) }, lane));
}

async function inProcess(template: BodyTemplate, count: number): Promise<{ us: number; dispatched: number }> {
  const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [ADOBE_CLIENT_ID] }) }, logger: silentLogger });
  let dispatched = 0;
  receiver.onAny(() => {
    dispatched += 1;
  });
  const headers = { 'content-type': 'application/json', 'x-adobesign-clientid': ADOBE_CLIENT_ID, 'content-length': String(template.bytes) };
  const one = async (): Promise<void> => {
    const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body: body(template) });
    if (answer.status !== 200) throw new Error(`receiver.handle answered ${answer.status}: ${answer.body}`);
  };
  const every = template.bytes > 100_000 ? 1 : 100; // the memory queue holds 64 MiB of bodies by default: let handlers run
  await load(Math.ceil(count / 5), one, every);
  await new Promise((r) => setTimeout(r, 50));
  // Bodies are built before the clock starts: only the receiver's work is counted.
  const bodies = Array.from({ length: count }, () => body(template));
  let i = 0;
  const before = cpuUs();
  const seen = dispatched;
  await load(count, async () => {
    const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body: bodies[i++] as Buffer });
    if (answer.status !== 200) throw new Error(`receiver.handle answered ${answer.status}`);
  }, every);
  await new Promise((r) => setTimeout(r, 20)); // handlers run after the answers
  const us = (cpuUs() - before) / count;
  await receiver.close();
  return { us, dispatched: dispatched - seen };
}

function jsonParseUs(template: BodyTemplate, count: number): number {
  const bodies = Array.from({ length: count }, () => new Uint8Array(body(template)));
  const decoder = new TextDecoder();
  const before = cpuUs();
  for (const b of bodies) JSON.parse(decoder.decode(b));
  return (cpuUs() - before) / count;
}

async function overHttp(kind: ServerKind, template: BodyTemplate, count: number): Promise<{ us: number; dispatched: number; ir?: number }> {
  const out = CALLGRIND ? `/tmp/countersign-callgrind-${process.pid}-${kind}-${template.bytes}.out` : undefined;
  const server = await startServer(kind, { dist: DIST, heapMb: 2048, callgrindOut: out, profileDir: PROFILE_DIR });
  const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const path = '/webhooks/adobe';
  const one = (): Promise<void> =>
    new Promise((resolve, reject) => {
      const payload = body(template);
      const req = request(
        {
          host: '127.0.0.1',
          port: server.port,
          path,
          method: 'POST',
          agent,
          headers: { 'content-type': 'application/json', 'content-length': payload.byteLength, 'x-adobesign-clientid': ADOBE_CLIENT_ID },
        },
        (res) => {
          res.resume();
          res.on('end', () => (res.statusCode === 200 ? resolve() : reject(new Error(`${kind} answered ${String(res.statusCode)}`))));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  try {
    await load(Math.ceil(count / 5), one);
    if (CALLGRIND) await run(`callgrind_control -i on ${server.pid}`);
    const before = await server.cpu();
    await load(count, one);
    await new Promise((r) => setTimeout(r, 50));
    const after = await server.cpu();
    if (CALLGRIND) {
      await run(`callgrind_control -i off ${server.pid}`);
      await run(`callgrind_control -d ${server.pid}`);
      // The dump is written as <out>.1 (a numbered part); its `totals:` line is the instructions collected.
      const { stdout } = await run(`grep '^totals:' ${out}.1`);
      const ir = Number(stdout.trim().split(/\s+/)[1]);
      return { us: (after.us - before.us) / count, dispatched: after.dispatched - before.dispatched, ir: ir / count };
    }
    // The IPC round trip of `cpu()` itself is a few µs in total: negligible over thousands of requests.
    return { us: (after.us - before.us) / count, dispatched: after.dispatched - before.dispatched };
  } finally {
    agent.destroy();
    await server.stop();
  }
}

async function main(): Promise<void> {
  console.log(`CPU µs per delivery (process.cpuUsage), ${N} x 2 kB / ${N_LARGE} x 1 MB Adobe notifications, ${CONCURRENCY} in flight, countersign from ${DIST ? 'dist/' : 'src/'}`);
  const row = (key: string, us: number, note = ''): void => console.log(`  ${key.padEnd(18)} ${us.toFixed(1).padStart(9)} µs${note}`);
  if (wanted('handle')) {
    const r = await inProcess(small, N);
    row('handle', r.us, `  (receiver.handle, ${r.dispatched} dispatched)`);
  }
  if (wanted('handle-1mb')) {
    row('json-parse-1mb', jsonParseUs(large, N_LARGE), '  (TextDecoder + JSON.parse of the 1 MB body)');
    const r = await inProcess(large, N_LARGE);
    row('handle-1mb', r.us, `  (receiver.handle, ${r.dispatched} dispatched)`);
  }
  for (const s of SERVERS) {
    if (!wanted(s.key)) continue;
    const count = s.template === large ? N_LARGE : N;
    const r = await overHttp(s.kind, s.template, count);
    const ir = r.ir === undefined ? '' : `  ${Math.round(r.ir).toLocaleString('en')} instructions per delivery (callgrind)`;
    row(s.key, r.us, `${s.kind.endsWith('-bare') ? '' : `  (${r.dispatched} dispatched)`}${ir}`);
  }
}

process.on('exit', killAll);
main().catch((error: unknown) => {
  console.error(error);
  killAll();
  process.exit(1);
});
