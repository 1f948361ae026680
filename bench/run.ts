/**
 * countersign load benchmark. `pnpm bench` at the root (builds, then runs this file under tsx).
 *
 * Each server runs alone in a child process (started and stopped in turn); autocannon drives it from this
 * process, so the machine's cores are split between the load generator and the server. Every Adobe request
 * carries a unique `webhookNotificationId`, so countersign does the full work (auth, zod, dedupe claim,
 * enqueue, echo) on every request instead of answering duplicates.
 *
 * Options (environment variable or `--name=value` argument):
 *   BENCH_DURATION     seconds measured per server (default 8)
 *   BENCH_WARMUP       seconds of warm-up per server, not measured (default 2)
 *   BENCH_CONNECTIONS  concurrent connections (default 50)
 *   BENCH_ONLY         rows to run, comma-separated: express, express-1mb, fastify, node, node-floor, fetch, octokit, slow
 *                      (`express` selects both express rows)
 *   BENCH_ROUNDS       run every server this many times, in turn; the table shows each server's median
 *                      round and the median of the per-round ratios (default 1)
 *   BENCH_RATE         request rates of the fixed-rate slow-handler runs, comma-separated (default 1000)
 *   BENCH_QUIET_WAIT   before each server, wait up to this many seconds for other processes to use < 10% of
 *                      the CPU (default 20; 0 = do not wait). Rows measured on a busy machine are flagged.
 *   BENCH_SOURCE       1: servers load the @countersign packages from their TypeScript sources (transpiled by
 *                      tsx, which adds a cost of its own) instead of their built dist/ (what users run;
 *                      `pnpm bench` builds first)
 *   BENCH_PROFILE      1: write a V8 CPU profile of every countersign server to bench/profiles/
 *   BENCH_JSON         write the raw results to this file
 */
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { killAll, startServer, type ServerStats } from './lib/children.js';
import { foreignLoad, processMs, snapshot, waitUntilQuiet } from './lib/cpu.js';
import { load, type LoadResult } from './lib/load.js';
import { ADOBE_CLIENT_ID, adobeLarge, adobeSmall, githubDelivery, ID_LENGTH, idGenerator } from './lib/payloads.js';
import { SLOW_CONCURRENCY, SLOW_HANDLER_MS, type ServerKind } from './lib/protocol.js';

// ---------------------------------------------------------------------------------------------- options

function option(name: string): string | undefined {
  const flag = `--${name.toLowerCase().replace(/^bench_/, '')}=`;
  const arg = process.argv.slice(2).find((a) => a.startsWith(flag));
  return arg === undefined ? process.env[name] : arg.slice(flag.length);
}

function numberOption(name: string, fallback: number, min: number, max: number): number {
  const raw = option(name);
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < min || value > max) throw new Error(`${name} must be a number between ${min} and ${max} (got "${raw}")`);
  return value;
}

const DURATION = numberOption('BENCH_DURATION', 8, 1, 600);
const WARMUP = numberOption('BENCH_WARMUP', 2, 0, 120);
const CONNECTIONS = numberOption('BENCH_CONNECTIONS', 50, 1, 1000);
const SLOW_RATES = (option('BENCH_RATE') ?? '1000').split(',').map((raw) => {
  const rate = Number(raw.trim());
  if (!Number.isInteger(rate) || rate < 1 || rate > 1_000_000) throw new Error(`BENCH_RATE: "${raw}" is not a request rate`);
  return rate;
});
const ROUNDS = numberOption('BENCH_ROUNDS', 1, 1, 20);
const PROFILE = option('BENCH_PROFILE') === '1';
const DIST = option('BENCH_SOURCE') !== '1';
const QUIET_WAIT = numberOption('BENCH_QUIET_WAIT', 20, 0, 600);
const QUIET_THRESHOLD = 0.1;
const JSON_OUT = option('BENCH_JSON');
const PROFILE_DIR = fileURLToPath(new URL('./profiles/', import.meta.url));

// ---------------------------------------------------------------------------------------------- requests

type BodyKind = 'adobe-2kb' | 'adobe-1mb' | 'github-2kb';

interface Delivery {
  path: string;
  headers: Record<string, string>;
  body: Buffer;
}

const nextId = idGenerator();
let idCounter = 0;
const newId = (): string => nextId(++idCounter);
const small = adobeSmall();
const large = adobeLarge();
const GITHUB_POOL = 4096;

function delivery(kind: BodyKind, id: string): Delivery {
  if (kind === 'github-2kb') {
    const signed = githubDelivery(id);
    return {
      path: '/webhooks/github',
      headers: { 'content-type': 'application/json', 'x-github-event': 'issues', 'x-github-delivery': signed.delivery, 'x-hub-signature-256': signed.signature },
      body: signed.body,
    };
  }
  const template = kind === 'adobe-2kb' ? small : large;
  return {
    path: '/webhooks/adobe',
    headers: { 'content-type': 'application/json', 'x-adobesign-clientid': ADOBE_CLIENT_ID },
    body: Buffer.from(template.prefix + id + template.suffix),
  };
}

/** The complete HTTP/1.1 request bytes of a delivery. */
function rawRequest(port: number, d: Delivery): Buffer {
  const head = [`POST ${d.path} HTTP/1.1`, `host: 127.0.0.1:${port}`, 'connection: keep-alive'];
  for (const [name, value] of Object.entries(d.headers)) head.push(`${name}: ${value}`);
  head.push(`content-length: ${d.body.byteLength}`, '', '');
  return Buffer.concat([Buffer.from(head.join('\r\n'), 'latin1'), d.body]);
}

/**
 * Per-connection request generators. Adobe: one buffer per connection, a never-used `webhookNotificationId`
 * patched in place before each send. GitHub: a shared pool of pre-signed deliveries (octokit keeps no memory of
 * delivery ids, so reuse costs it nothing less, and signing in the load generator would slow only that row).
 */
function clients(kind: BodyKind, port: number): () => () => Buffer {
  if (kind === 'github-2kb') {
    const pool = Array.from({ length: GITHUB_POOL }, () => rawRequest(port, delivery(kind, newId())));
    let connection = 0;
    return () => {
      let i = (connection++ * 997) % GITHUB_POOL;
      return () => pool[i++ % GITHUB_POOL] as Buffer;
    };
  }
  const template = kind === 'adobe-2kb' ? small : large;
  return () => {
    const d = delivery(kind, 'x'.repeat(ID_LENGTH));
    const raw = rawRequest(port, d);
    const offset = raw.byteLength - d.body.byteLength + Buffer.byteLength(template.prefix);
    return () => {
      raw.write(newId(), offset, 'latin1');
      return raw;
    };
  };
}

/** One request outside autocannon, to check the server answers 2xx (and countersign echoes the client id). */
async function preflight(port: number, kind: BodyKind, countersign: boolean): Promise<string | undefined> {
  const d = delivery(kind, newId());
  const response = await fetch(`http://127.0.0.1:${port}${d.path}`, { method: 'POST', headers: d.headers, body: new Uint8Array(d.body) });
  const text = await response.text();
  if (response.status < 200 || response.status > 299) return `preflight answered ${response.status}: ${text.slice(0, 300)}`;
  if (countersign && response.headers.get('x-adobesign-clientid') !== ADOBE_CLIENT_ID) return 'preflight: no X-AdobeSign-ClientId echo';
  return undefined;
}

// ---------------------------------------------------------------------------------------------- measurements

interface Measurement {
  key: string;
  server: ServerKind;
  label: string;
  body: BodyKind;
  countersign: boolean;
  /** Fixed request rate (req/s); undefined = full speed. */
  rate?: number;
}

interface Measured {
  measurement: Measurement;
  result?: LoadResult;
  stats?: ServerStats | undefined;
  /** Share of the machine other processes used during the measured run (0..1). */
  otherCpu?: number;
  /** CPU time the server process spent per answered request during the measured run (µs). */
  serverUsPerRequest?: number;
  error?: string;
}

const M = {
  expressBare2k: { key: 'express-bare-2kb', server: 'express-bare', label: 'bare Express 5 + express.raw()', body: 'adobe-2kb', countersign: false },
  express2k: { key: 'express-2kb', server: 'express', label: '@countersign/express', body: 'adobe-2kb', countersign: true },
  expressBare1m: { key: 'express-bare-1mb', server: 'express-bare', label: 'bare Express 5 + express.raw()', body: 'adobe-1mb', countersign: false },
  express1m: { key: 'express-1mb', server: 'express', label: '@countersign/express', body: 'adobe-1mb', countersign: true },
  fastifyBare: { key: 'fastify-bare-2kb', server: 'fastify-bare', label: 'bare Fastify 5 (JSON parser)', body: 'adobe-2kb', countersign: false },
  fastify: { key: 'fastify-2kb', server: 'fastify', label: '@countersign/fastify', body: 'adobe-2kb', countersign: true },
  nodeBare: { key: 'node-bare-2kb', server: 'node-bare', label: 'bare node:http (reads body)', body: 'adobe-2kb', countersign: false },
  node: { key: 'node-2kb', server: 'node', label: '@countersign/node', body: 'adobe-2kb', countersign: true },
  nodeFloor: { key: 'node-floor-2kb', server: 'node-floor', label: 'hand-written minimum receiver on node:http', body: 'adobe-2kb', countersign: false },
  fetchBare: { key: 'fetch-bare-2kb', server: 'fetch-bare', label: 'bare @hono/node-server (arrayBuffer)', body: 'adobe-2kb', countersign: false },
  fetch: { key: 'fetch-2kb', server: 'fetch', label: '@countersign/fetch on @hono/node-server', body: 'adobe-2kb', countersign: true },
  octokit: { key: 'octokit-2kb', server: 'octokit', label: '@octokit/webhooks createNodeMiddleware (HMAC)', body: 'github-2kb', countersign: false },
  slowFull: { key: 'slow-full', server: 'express-slow', label: '@countersign/express, handlers sleep 10 s, full speed', body: 'adobe-2kb', countersign: true },
} satisfies Record<string, Measurement>;

interface Row {
  id: string;
  title: string;
  baseline: Measurement;
  subject: Measurement;
  /** Minimum subject/baseline ratio aimed at (reported, not asserted). */
  target: number;
  /** `>=` or `>` */
  strict: boolean;
}

const ROWS: Row[] = [
  { id: 'express', title: 'Express 5, 2 kB', baseline: M.expressBare2k, subject: M.express2k, target: 0.85, strict: false },
  { id: 'express-1mb', title: 'Express 5, 1 MB', baseline: M.expressBare1m, subject: M.express1m, target: 0, strict: false },
  { id: 'fastify', title: 'Fastify 5, 2 kB', baseline: M.fastifyBare, subject: M.fastify, target: 0.6, strict: false },
  { id: 'node', title: 'node:http, 2 kB', baseline: M.nodeBare, subject: M.node, target: 0.6, strict: false },
  // The floor: what any receiver must do (parse, key, remember, queue, echo) with nothing else; no target, a reference.
  { id: 'node-floor', title: 'node:http floor, 2 kB', baseline: M.nodeBare, subject: M.nodeFloor, target: 0, strict: false },
  { id: 'fetch', title: 'Fetch on Node, 2 kB', baseline: M.fetchBare, subject: M.fetch, target: 0.8, strict: false },
  { id: 'octokit', title: 'peer: octokit vs countersign node, 2 kB', baseline: M.octokit, subject: M.node, target: 1, strict: true },
];
/** Rows a fast countersign adapter must also beat octokit on (reported beside their own row). */
const BEATS_OCTOKIT = new Set(['fastify', 'node', 'fetch']);

function selected(): { rows: Row[]; slow: boolean } {
  const only = option('BENCH_ONLY');
  const tokens = only === undefined || only.trim() === '' ? undefined : only.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const known = [...ROWS.map((r) => r.id), 'slow'];
  for (const t of tokens ?? []) {
    if (!known.some((id) => id === t || id.startsWith(`${t}-`))) throw new Error(`BENCH_ONLY: unknown row "${t}"; rows are ${known.join(', ')}`);
  }
  const wanted = (id: string): boolean => tokens === undefined || tokens.some((t) => id === t || id.startsWith(`${t}-`));
  return { rows: ROWS.filter((r) => wanted(r.id)), slow: wanted('slow') };
}

/**
 * Every acknowledged Adobe request carried a new id, so each one must have reached the handler exactly once:
 * `acknowledged` (preflight + warm-up + measured 2xx) <= dispatched <= acknowledged + the requests still in flight
 * when autocannon stopped (answered by the server, never counted by the client). The slow server only counts
 * handlers that started (its queue runs at most 10 000 at once).
 */
function dispatchNote(m: Measurement, dispatched: number, acknowledged: number): string {
  if (m.server === 'express-slow') return `${fmtInt(dispatched)} handlers started`;
  const ok = dispatched >= acknowledged && dispatched <= acknowledged + 2 * CONNECTIONS;
  return `${fmtInt(dispatched)} dispatched for ${fmtInt(acknowledged)} acknowledged${ok ? '' : ' (MISMATCH: duplicates or lost events?)'}`;
}

async function measure(m: Measurement): Promise<Measured> {
  const profile = PROFILE && m.countersign ? PROFILE_DIR : undefined;
  if (QUIET_WAIT > 0) {
    const busy = await waitUntilQuiet(QUIET_WAIT, QUIET_THRESHOLD);
    if (busy >= QUIET_THRESHOLD) console.log(`  (other processes still use ${fmtPct(busy)} of the CPU after ${QUIET_WAIT} s of waiting; measuring anyway)`);
  }
  process.stdout.write(`  ${m.key.padEnd(18)} ${m.label} ... `);
  let server;
  try {
    server = await startServer(m.server, { profileDir: profile, heapMb: m.server === 'express-slow' ? 4096 : undefined, dist: DIST });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`FAILED (${message})`);
    return { measurement: m, error: message };
  }
  try {
    const failed = await preflight(server.port, m.body, m.countersign);
    if (failed !== undefined) {
      console.log(`SKIPPED (${failed})`);
      return { measurement: m, error: failed };
    }
    const url = `http://127.0.0.1:${server.port}`;
    const client = clients(m.body, server.port);
    const warm = WARMUP > 0 ? await load({ url, seconds: WARMUP, connections: CONNECTIONS, rate: m.rate, client }) : undefined;
    const before = snapshot([server.pid]);
    const serverMsBefore = processMs(server.pid);
    const result = await load({ url, seconds: DURATION, connections: CONNECTIONS, rate: m.rate, client });
    const serverUsPerRequest = ((processMs(server.pid) - serverMsBefore) * 1000) / (result.ok + result.non2xx);
    const otherCpu = foreignLoad(before, snapshot([server.pid]));
    const stats = await server.stop();
    const bad = result.non2xx + result.errors + result.timeouts;
    console.log(
      `${fmtInt(result.rps)} req/s, p50 ${fmtMs(result.p50)} ms, p99 ${fmtMs(result.p99)} ms, server CPU ${fmtInt(serverUsPerRequest)} µs/req` +
        (bad > 0 ? `, ${bad} failed (${JSON.stringify(result.statusCodes)}, ${result.errors} errors, ${result.timeouts} timeouts)` : '') +
        (stats && m.countersign ? `, ${dispatchNote(m, stats.dispatched, 1 + (warm?.ok ?? 0) + result.ok)}, rss ${stats.rssMb} MB` : '') +
        (otherCpu >= QUIET_THRESHOLD ? `, WARNING: other processes used ${fmtPct(otherCpu)} of the CPU` : ''),
    );
    return { measurement: m, result, stats, otherCpu, serverUsPerRequest };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.log(`FAILED (${message})`);
    return { measurement: m, error: message };
  } finally {
    await server.stop();
  }
}

type Runs = Map<string, Measured[]>;

function median(values: number[]): number {
  const sorted = values.filter(Number.isFinite).sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/**
 * The run that stands for a server over several rounds: the median one (by req/s; by p99 for fixed-rate runs).
 * Rounds run in turn, so a burst of other load on the machine hits one round, not every one.
 */
function representative(list: Measured[] | undefined): Measured | undefined {
  const done = (list ?? []).filter((m) => m.result !== undefined);
  if (done.length === 0) return list?.[0];
  const metric = (m: Measured): number => (m.measurement.rate ? (m.result?.p99 ?? Number.NaN) : (m.result?.rps ?? Number.NaN));
  return done.sort((a, b) => metric(a) - metric(b))[Math.floor((done.length - 1) / 2)];
}

// ---------------------------------------------------------------------------------------------- output

function fmtInt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-';
}
function fmtMs(n: number): string {
  return Number.isFinite(n) ? n.toFixed(n < 10 ? 2 : 1) : '-';
}
function fmtPct(n: number): string {
  return Number.isFinite(n) ? `${Math.round(n * 100)}%` : '-';
}
function fmtRatio(n: number): string {
  return Number.isFinite(n) ? `${n.toFixed(2)}x` : '-';
}

function table(header: string[], lines: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
  const row = (cells: string[]): string => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
  return [row(header), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...lines.map(row)].join('\n');
}

/** subject/baseline req/s, round by round (the two ran back to back), then the median over the rounds. */
function ratioOf(runs: Runs, row: Row): number {
  const baseline = runs.get(row.baseline.key) ?? [];
  const subject = runs.get(row.subject.key) ?? [];
  const ratios: number[] = [];
  for (let i = 0; i < Math.min(baseline.length, subject.length); i++) {
    const b = baseline[i]?.result;
    const s = subject[i]?.result;
    if (b && s) ratios.push(s.rps / b.rps);
  }
  return median(ratios);
}

function verdict(ratio: number, target: number, strict: boolean): string {
  if (target === 0) return '(no target)';
  if (!Number.isFinite(ratio)) return '-';
  const ok = strict ? ratio > target : ratio >= target;
  return `${strict ? '>' : '>='} ${target.toFixed(2)}x ${ok ? 'met' : 'MISSED'}`;
}

function cells(m: Measured | undefined): string[] {
  const r = m?.result;
  if (r === undefined) return [m?.error ? 'error' : '-', '-', '-', '-'];
  const busy = (m?.otherCpu ?? 0) >= QUIET_THRESHOLD ? ' *' : '';
  return [`${fmtInt(r.rps)}${busy}`, fmtMs(r.p50), fmtMs(r.p99), fmtInt(m?.serverUsPerRequest ?? Number.NaN)];
}

interface SlowPair {
  control: Measurement;
  slow: Measurement;
}

function report(rows: Row[], slow: SlowPair[], runs: Runs): string {
  const results = new Map<string, Measured | undefined>([...runs].map(([key, list]) => [key, representative(list)]));
  const lines: string[][] = [];
  for (const row of rows) {
    const ratio = ratioOf(runs, row);
    lines.push([row.title, row.baseline.label, ...cells(results.get(row.baseline.key)), '', '']);
    const extra: string[] = [];
    if (BEATS_OCTOKIT.has(row.id) && results.get(M.octokit.key)?.result) {
      const octokitRow: Row = { ...row, baseline: M.octokit, target: 1, strict: true };
      const vs = ratioOf(runs, octokitRow);
      extra.push(`vs octokit ${fmtRatio(vs)} (${verdict(vs, 1, true)})`);
    }
    lines.push(['', row.subject.label, ...cells(results.get(row.subject.key)), fmtRatio(ratio), [verdict(ratio, row.target, row.strict), ...extra].join('; ')]);
  }
  let out = rows.length > 0 ? table(['Row', 'Server', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'ratio', 'Target'], lines) : '';
  if (slow.length > 0) {
    const slowLines = slow.flatMap(({ control, slow: m }) => {
      const load = m.rate ? `${fmtInt(m.rate)} req/s (fixed)` : 'full speed';
      const line = (x: Measurement, handlers: string, target: boolean): string[] => {
        const measured = results.get(x.key);
        const p99 = measured?.result?.p99 ?? Number.NaN;
        return [
          handlers === 'no-op' ? load : '',
          handlers,
          ...cells(measured),
          measured?.result ? fmtMs(measured.result.max) : '-',
          x.server === 'express-slow' ? fmtInt(measured?.stats?.dispatched ?? Number.NaN) : '',
          target && Number.isFinite(p99) ? `p99 < 50 ms ${p99 < 50 ? 'met' : 'MISSED'}` : '',
        ];
      };
      return [line(control, 'no-op', false), line(m, 'sleep 10 s', true)];
    });
    out +=
      `\n\nAcknowledgement latency while every handler sleeps ${SLOW_HANDLER_MS / 1000} s (memoryQueue concurrency ${fmtInt(SLOW_CONCURRENCY)}), ` +
      `@countersign/express, 2 kB, each beside the same load on no-op handlers:\n` +
      table(['Load', 'Handlers', 'req/s', 'p50 ms', 'p99 ms', 'CPU µs/req', 'max ms', 'handlers started', 'Target'], slowLines);
  }
  if ([...results.values()].some((m) => (m?.otherCpu ?? 0) >= QUIET_THRESHOLD)) {
    out += `\n\n* other processes used ${fmtPct(QUIET_THRESHOLD)} or more of the CPU during this measurement: its req/s is understated.`;
  }
  out += '\nCPU µs/req: CPU time of the server process per answered request (less sensitive to other load than req/s).';
  return out.replace(/^\n+/, '');
}

// ---------------------------------------------------------------------------------------------- main

async function main(): Promise<void> {
  const started = Date.now();
  const { rows, slow } = selected();
  // Slow handlers, each beside a control: the same server and load with no-op handlers (at full speed, the
  // Express 2 kB row), so what the sleeping handlers change is read apart from what the load itself costs.
  const slowPairs: SlowPair[] = slow
    ? [
        ...SLOW_RATES.map((rate) => ({
          control: { ...M.express2k, key: `express-2kb-${rate}`, label: `@countersign/express, no-op handlers, ${rate} req/s`, rate },
          slow: { ...M.slowFull, key: `slow-${rate}`, label: `@countersign/express, handlers sleep 10 s, ${rate} req/s`, rate },
        })),
        { control: M.express2k, slow: M.slowFull },
      ]
    : [];
  const slowMeasurements = slowPairs.flatMap((p) => [p.control, p.slow]);
  const order: Measurement[] = [];
  for (const m of [...rows.flatMap((r) => [r.baseline, r.subject]), ...slowMeasurements]) {
    if (!order.some((o) => o.key === m.key)) order.push(m);
  }
  console.log(
    `countersign bench: ${order.length} servers${ROUNDS > 1 ? ` x ${ROUNDS} rounds (medians)` : ''}, ${WARMUP} s warm-up + ${DURATION} s each, ${CONNECTIONS} connections, pipelining 1, ` +
      `Node ${process.version}, ${(await import('node:os')).cpus().length} CPUs, countersign from ${DIST ? 'dist/' : 'src/ (tsx)'}. Bodies: Adobe ${small.bytes} B and ${large.bytes} B, GitHub ~2 kB.`,
  );
  const runs: Runs = new Map();
  for (let round = 1; round <= ROUNDS; round++) {
    if (ROUNDS > 1) console.log(`round ${round} of ${ROUNDS}`);
    for (const m of order) {
      const measured = await measure(m);
      runs.set(m.key, [...(runs.get(m.key) ?? []), measured]);
    }
  }

  console.log(`\n${report(rows, slowPairs, runs)}\n`);
  const seconds = Math.round((Date.now() - started) / 1000);
  console.log(`Run took ${seconds} s (${new Date().toISOString()}).${PROFILE ? ` CPU profiles in ${PROFILE_DIR}` : ''}`);
  if (JSON_OUT) {
    const raw = [...runs.values()].flatMap((list) =>
      list.map((r, round) => ({
        key: r.measurement.key,
        round: round + 1,
        label: r.measurement.label,
        result: r.result,
        serverUsPerRequest: r.serverUsPerRequest,
        otherCpu: r.otherCpu,
        stats: r.stats,
        error: r.error,
      })),
    );
    writeFileSync(JSON_OUT, `${JSON.stringify({ date: new Date().toISOString(), seconds, duration: DURATION, connections: CONNECTIONS, results: raw }, null, 2)}\n`);
  }
  if ([...runs.values()].flat().some((r) => r.error !== undefined)) process.exitCode = 1;
}

process.on('exit', killAll);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killAll();
    process.exit(130);
  });
}

main().catch((error: unknown) => {
  console.error(error);
  killAll();
  process.exit(1);
});
