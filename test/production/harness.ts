import { spawn, type ChildProcess } from 'node:child_process';
import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { adobeSignDelivery, type AdobeSignDelivery } from '@countersign/testing';
import { CLIENT_ID } from './processes/app.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PROCESSES = fileURLToPath(new URL('./processes/', import.meta.url));

/** One JSON line a child process printed. */
export interface Line {
  pid: number;
  type: string;
  id?: string;
  port?: number;
  [field: string]: unknown;
}

/** A child process running one of test/production/processes/*.ts, with its stdout parsed line by line. */
export class Child {
  readonly lines: Line[] = [];
  stderr = '';
  exit: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  readonly exited: Promise<void>;
  #listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly proc: ChildProcess,
  ) {
    createInterface({ input: proc.stdout! }).on('line', (text) => {
      try {
        this.lines.push(JSON.parse(text) as Line);
      } catch {
        this.stderr += `[stdout] ${text}\n`;
      }
      for (const listener of this.#listeners) listener();
    });
    proc.stderr!.setEncoding('utf8');
    proc.stderr!.on('data', (chunk: string) => {
      this.stderr = (this.stderr + chunk).slice(-20_000);
    });
    this.exited = new Promise((resolve) => {
      proc.once('exit', (code, signal) => {
        this.exit = { code, signal };
        for (const listener of this.#listeners) listener();
        resolve();
      });
    });
  }

  get pid(): number {
    return this.proc.pid ?? -1;
  }

  /** The lines of one type (e.g. `handled`). */
  of(type: string): Line[] {
    return this.lines.filter((line) => line.type === type);
  }

  /** Resolve with the first line matching `predicate` (already printed or to come); reject after `timeoutMs`. */
  waitFor(predicate: (line: Line) => boolean, timeoutMs = 30_000): Promise<Line> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(predicate);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.exit !== undefined) {
          done();
          reject(new Error(`${this.name} exited (${JSON.stringify(this.exit)}) before printing the expected line.\n${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`${this.name} did not print the expected line within ${timeoutMs} ms.\n${this.stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#listeners.delete(check);
      };
      this.#listeners.add(check);
      check();
    });
  }

  /** Send `signal` (default SIGKILL) unless the process already ended, and wait for it to end. */
  async stop(signal: NodeJS.Signals = 'SIGKILL'): Promise<void> {
    if (this.exit === undefined) this.proc.kill(signal);
    await this.exited;
  }
}

const children = new Set<Child>();

/**
 * Start `processes/<script>.ts` in a new Node process. Node runs it directly with tsx's loader (the same as
 * `npx -y tsx --conditions=source <file>`, without the wrapper process), so `kill -9` hits the process that runs it.
 */
export function start(script: 'receiver' | 'worker', env: Record<string, string>, name: string = script): Child {
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', `${PROCESSES}${script}.ts`], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const wrapped = new Child(name, child);
  children.add(wrapped);
  void wrapped.exited.then(() => children.delete(wrapped));
  return wrapped;
}

/** SIGKILL every child still running (afterAll). */
export async function stopAll(): Promise<void> {
  await Promise.all([...children].map((child) => child.stop('SIGKILL')));
}

/** Start a receiver process and resolve with its port. */
export async function startReceiver(env: Record<string, string>, name = 'receiver'): Promise<{ child: Child; port: number }> {
  const child = start('receiver', env, name);
  const line = await child.waitFor((l) => l.type === 'listening');
  return { child, port: line.port as number };
}

/** Start a worker process and wait until it is connected. */
export async function startWorker(env: Record<string, string>, name = 'worker'): Promise<Child> {
  const child = start('worker', env, name);
  await child.waitFor((l) => l.type === 'ready');
  return child;
}

export interface DeliveryResult {
  id: string;
  /** Every status this delivery got, retries included (the last one is final). */
  statuses: number[];
  final: number;
}

const notifications = new Map<string, AdobeSignDelivery>();

/** The Acrobat Sign notification (AGREEMENT_WORKFLOW_COMPLETED) with this `webhookNotificationId`: every copy identical. */
export function notification(id: string): AdobeSignDelivery {
  let delivery = notifications.get(id);
  if (delivery === undefined) {
    delivery = adobeSignDelivery({ event: 'AGREEMENT_WORKFLOW_COMPLETED', clientId: CLIENT_ID, notificationId: id });
    notifications.set(id, delivery);
  }
  return delivery;
}

/**
 * Deliver one Acrobat Sign notification the way the platform does: POST, and on a 503 (or a refused connection)
 * retry after a short pause until a 2xx or `deadlineMs`. A 2xx must echo the client id.
 */
export async function deliver(port: number, id: string, options: { deadlineMs?: number; retryMs?: number; retry?: boolean } = {}): Promise<DeliveryResult> {
  const deadline = Date.now() + (options.deadlineMs ?? 15_000);
  const statuses: number[] = [];
  for (;;) {
    let status: number;
    try {
      const { method, headers, body: payload } = notification(id);
      const res = await fetch(`http://127.0.0.1:${port}/webhooks/adobe`, { method, headers, body: payload, signal: AbortSignal.timeout(10_000) });
      status = res.status;
      const body = await res.text();
      if (status >= 200 && status < 300 && (res.headers.get('x-adobesign-clientid') !== CLIENT_ID || !body.includes(CLIENT_ID))) {
        throw new Error(`delivery ${id}: a ${status} without the client id echo`);
      }
    } catch (error) {
      if (error instanceof Error && error.message.includes('echo')) throw error;
      status = 0; // connection refused / reset: the platform retries too
    }
    statuses.push(status);
    const retryable = status === 503 || status === 0;
    if (!retryable || options.retry === false || Date.now() > deadline) return { id, statuses, final: status };
    await new Promise((resolve) => setTimeout(resolve, options.retryMs ?? 50));
  }
}

/** Delete every key starting with one of `prefixes` (each test run uses its own). */
export async function deleteKeys(url: string, ...prefixes: string[]): Promise<void> {
  const redis = new Redis(url);
  try {
    for (const prefix of prefixes) {
      let cursor = '0';
      do {
        const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
        if (keys.length > 0) await redis.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
  } finally {
    redis.disconnect();
  }
}

/** Count how often each id appears among `lines`. */
export function tally(lines: Line[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const line of lines) counts.set(String(line.id), (counts.get(String(line.id)) ?? 0) + 1);
  return counts;
}

/**
 * A TCP proxy in front of the shared Redis, to make Redis unreachable for some processes without touching it:
 * `down()` closes the listening port and cuts every connection (refused / reset, as when Redis stops),
 * `up()` listens on the same port again.
 */
export class RedisOutage {
  #server: Server | undefined;
  #sockets = new Set<Socket>();
  readonly #upstream: URL;
  port = 0;

  /** `upstream`: the Redis URL the proxy forwards to; its database, credentials and options carry over to `url`. */
  constructor(upstream: string) {
    this.#upstream = new URL(upstream);
  }

  get target(): { host: string; port: number } {
    return { host: this.#upstream.hostname || '127.0.0.1', port: Number(this.#upstream.port || 6379) };
  }

  /** The upstream URL with the proxy's address: same scheme, credentials, database (`/14`) and query. */
  get url(): string {
    const url = new URL(this.#upstream.href);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.href;
  }

  async up(): Promise<void> {
    const server = createServer((client) => {
      const upstream = connect(this.target);
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {
          client.destroy();
          upstream.destroy();
        });
      }
      client.pipe(upstream);
      upstream.pipe(client);
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as AddressInfo).port;
    this.#server = server;
  }

  async down(): Promise<void> {
    const server = this.#server;
    this.#server = undefined;
    for (const socket of this.#sockets) socket.destroy();
    this.#sockets.clear();
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** GET /ready on a receiver process: the status and the readiness report. */
export async function readiness(port: number): Promise<{ status: number; report: { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> } }> {
  const res = await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(10_000) });
  return { status: res.status, report: (await res.json()) as { ready: boolean; checks: Record<string, { ok: boolean; error?: string }> } };
}

/** Wait until `check` passes (it throws until then), polling; fail with its last error after `timeoutMs`. */
export async function eventually(check: () => void | Promise<void>, timeoutMs = 20_000, intervalMs = 50): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }
}
