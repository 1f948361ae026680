/**
 * Runs the Fetch adapter's recipes (test/runtimes/recipes, the files packages/fetch/README.md shows) in the real
 * runtimes, as separate processes on 127.0.0.1, and checks the same scenarios against each: the Adobe intent GET
 * with the client-id echo, an accepted notification, its duplicate, a DocStudio callback answered with its
 * successCode (202), a wrong DocStudio password (401), 11 MB refused with 413 (with and without Content-Length), and
 * every accepted event handled exactly once (each recipe's handler prints one JSON line per event on stdout).
 *
 * Runtime binaries come from npm packages the test suite depends on (workerd, bun, deno: their platform packages are
 * optional dependencies). Where one is missing the runtime is skipped with a visible notice; in CI it is a failure.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer } from 'node:net';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { send, type HttpRequest, type HttpResponse } from '../conformance/support.js';

export const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, '..', '..');
/** The recipes: the exact files packages/fetch/README.md shows. */
export const recipes = join(here, 'recipes');
/** Ignored by git: bundles, generated configs, runtime caches. */
export const cache = join(here, '.cache');

// ---------------------------------------------------------------------------------------------------------------
// Binaries

type Runtime = 'workerd' | 'bun' | 'deno';

/** Where each npm package keeps its binary, per platform (`<process.platform>-<process.arch>`). */
const binaries: Record<Runtime, { umbrella: string; file: string; packages: Record<string, string> }> = {
  workerd: {
    umbrella: 'workerd',
    file: 'bin/workerd',
    packages: {
      'linux-x64': '@cloudflare/workerd-linux-64',
      'linux-arm64': '@cloudflare/workerd-linux-arm64',
      'darwin-x64': '@cloudflare/workerd-darwin-64',
      'darwin-arm64': '@cloudflare/workerd-darwin-arm64',
      'win32-x64': '@cloudflare/workerd-windows-64',
    },
  },
  // npm and pnpm may skip the `bun` package's install script, which only copies this binary into place.
  bun: {
    umbrella: 'bun',
    file: 'bin/bun',
    packages: {
      'linux-x64': '@oven/bun-linux-x64',
      'linux-arm64': '@oven/bun-linux-aarch64',
      'darwin-x64': '@oven/bun-darwin-x64',
      'darwin-arm64': '@oven/bun-darwin-aarch64',
      'win32-x64': '@oven/bun-windows-x64',
    },
  },
  deno: {
    umbrella: 'deno',
    file: 'deno',
    packages: {
      'linux-x64': '@deno/linux-x64-glibc',
      'linux-arm64': '@deno/linux-arm64-glibc',
      'darwin-x64': '@deno/darwin-x64',
      'darwin-arm64': '@deno/darwin-arm64',
      'win32-x64': '@deno/win32-x64',
    },
  },
};

/** The runtime's binary, checked to run (`--version`), or why there is none. */
function locate(runtime: Runtime): { path: string; version: string } | { reason: string } {
  const { umbrella, file, packages } = binaries[runtime];
  const platform = `${process.platform}-${process.arch}`;
  const name = packages[platform];
  if (name === undefined) return { reason: `no ${runtime} binary package is known for ${platform}` };
  let path: string;
  try {
    const fromSuite = createRequire(join(here, 'package.json'));
    const umbrellaDir = dirname(realpathSync(fromSuite.resolve(`${umbrella}/package.json`)));
    path = join(dirname(createRequire(join(umbrellaDir, 'package.json')).resolve(`${name}/package.json`)), file + (process.platform === 'win32' ? '.exe' : ''));
  } catch {
    return { reason: `the npm package ${name} (an optional dependency of ${umbrella}) is not installed: run pnpm install` };
  }
  if (!existsSync(path)) return { reason: `${path} is missing` };
  try {
    const version = execFileSync(path, ['--version'], { encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] }).trim();
    return { path, version };
  } catch (error) {
    return { reason: `${path} does not run on this machine (${(error as Error).message.split('\n')[0]})` };
  }
}

/**
 * The binary of `runtime`, or `undefined` after a visible notice when it is missing here. In CI (`process.env.CI`)
 * a missing binary throws: the runtime's tests must run there.
 */
export function requireRuntime(runtime: Runtime): string | undefined {
  const found = locate(runtime);
  if ('path' in found) return found.path;
  const message = `${runtime}: ${found.reason}.`;
  if (process.env.CI) throw new Error(`${message} In CI this is a failure, not a skip.`);
  console.warn(`\n[countersign] SKIPPING the ${runtime} runtime tests: ${message}\n`);
  return undefined;
}

/** The packages the recipes import run from their dist/ (what npm ships): it must be built from the current sources. */
export function requireBuiltPackages(): void {
  for (const name of ['core', 'fetch']) {
    const dir = join(root, 'packages', name);
    const built = join(dir, 'dist', 'index.js');
    const newest = (folder: string): number =>
      Math.max(...readdirSync(folder, { withFileTypes: true }).map((e) => (e.isDirectory() ? newest(join(folder, e.name)) : statSync(join(folder, e.name)).mtimeMs)));
    if (!existsSync(built) || statSync(built).mtimeMs < newest(join(dir, 'src'))) {
      throw new Error(`packages/${name}/dist is missing or older than its sources: run \`pnpm build\` first (\`pnpm test\` does).`);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Processes

/** What a recipe's handler prints for each event it handles. */
export interface Handled {
  endpoint: string;
  name: string;
  id: string;
}

export interface RuntimeProcess {
  /** The handled events, as printed so far. */
  handled: Handled[];
  /** Everything printed (stdout and stderr), for diagnostics. */
  output(): string;
  /** Resolves once `probe()` holds (checked on every line printed), or rejects after `ms` with the output. */
  until(probe: () => boolean, what: string, ms?: number): Promise<void>;
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

/** The environment of a runtime process: this one's, less countersign settings, plus `env`; caches kept in `cache`. */
function environment(env: Record<string, string>): NodeJS.ProcessEnv {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|REDIS_URL|COUNTERSIGN|PORT$|HOST$)/.test(k)));
  mkdirSync(cache, { recursive: true });
  return {
    ...clean,
    NO_COLOR: '1',
    NEXT_TELEMETRY_DISABLED: '1',
    DENO_DIR: join(cache, 'deno'),
    DENO_NO_UPDATE_CHECK: '1',
    BUN_RUNTIME_TRANSPILER_CACHE_PATH: '0',
    XDG_CACHE_HOME: cache,
    ...env,
  };
}

/** Process groups started here and still running: killed if this process exits without stopping them. */
const groups = new Set<number>();
process.once('exit', () => {
  for (const pid of groups) {
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
});

/** Start `command` in its own process group (stopped as a whole), reading its JSON lines. */
export function startProcess(command: string, args: string[], options: { cwd: string; env: Record<string, string>; controlFd?: boolean }): RuntimeProcess & { control?: NodeJS.ReadableStream } {
  const stdio: Array<'ignore' | 'pipe'> = ['ignore', 'pipe', 'pipe'];
  if (options.controlFd) stdio.push('pipe');
  const proc: ChildProcess = spawn(command, args, { cwd: options.cwd, env: environment(options.env), stdio, detached: true });
  if (proc.pid !== undefined) groups.add(proc.pid);
  const handled: Handled[] = [];
  let output = '';
  const wake = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...wake]) w();
  };
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    output += `${line}\n`;
    if (line.startsWith('{')) {
      try {
        const value = JSON.parse(line) as Partial<Handled>;
        if (typeof value.endpoint === 'string' && typeof value.id === 'string' && typeof value.name === 'string') handled.push(value as Handled);
      } catch {
        // not one of the handler's lines
      }
    }
    notify();
  });
  proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
    output += chunk;
    notify();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('exit', (code) => {
      if (proc.pid !== undefined) groups.delete(proc.pid);
      resolve(code);
      notify();
    }),
  );
  const running = (): boolean => proc.exitCode === null && proc.signalCode === null;
  return {
    handled,
    output: () => output,
    exited,
    control: options.controlFd ? (proc.stdio[3] as NodeJS.ReadableStream) : undefined,
    until(probe, what, ms = 15_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (probe()) {
            clearTimeout(timer);
            wake.delete(check);
            resolve();
          }
        };
        const timer = setTimeout(() => {
          wake.delete(check);
          reject(new Error(`Waited ${ms} ms for ${what}; the process printed:\n${output.slice(-4000)}`));
        }, ms);
        wake.add(check);
        check();
      });
    },
    async stop() {
      if (!running() || proc.pid === undefined) return;
      const pid = proc.pid;
      const group = (signal: NodeJS.Signals): void => {
        try {
          process.kill(-pid, signal);
        } catch {
          // already gone
        }
      };
      group('SIGTERM');
      const killed = setTimeout(() => group('SIGKILL'), 10_000);
      await exited;
      clearTimeout(killed);
    },
  };
}

/** A free port on 127.0.0.1 (for runtimes that cannot report the one they picked). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Resolves once `url` answers at all (any status); rejects when the process exits first or after `ms`. */
export async function waitForServer(url: string, proc: RuntimeProcess, ms = 60_000): Promise<void> {
  let exited = false;
  void proc.exited.then(() => (exited = true));
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`The process exited before serving ${url}:\n${proc.output().slice(-4000)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(5000) });
      return;
    } catch {
      await sleep(100);
    }
  }
  throw new Error(`${url} did not answer within ${ms} ms:\n${proc.output().slice(-4000)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The scenarios

interface FixtureFile {
  provider: string;
  credentials: Record<string, unknown>;
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean };
}

function fixture(provider: string): FixtureFile {
  const dir = join(root, 'test', 'fixtures', provider);
  for (const name of readdirSync(dir).sort()) {
    const file = JSON.parse(readFileSync(join(dir, name), 'utf8')) as FixtureFile;
    if (file.expect.accepted) return file;
  }
  throw new Error(`test/fixtures/${provider} has no accepted delivery`);
}

const adobe = fixture('adobe-sign');
const docstudio = fixture('docstudio');
const adobeClientId = adobe.request.headers['x-adobesign-clientid'] as string;

/** The settings every recipe reads (the examples' names), for the fixtures above; DocStudio answers 202. */
export const settings: Record<string, string> = {
  ADOBE_SIGN_CLIENT_IDS: (adobe.credentials.clientIds as string[]).join(','),
  DOCSTUDIO_LOGIN: docstudio.credentials.login as string,
  DOCSTUDIO_PASSWORD: docstudio.credentials.password as string,
  DOCSTUDIO_SUCCESS_CODE: '202',
};

/** The Adobe fixture as a new notification (its own `webhookNotificationId`). */
function adobeNotification(path: string, notificationId: string): HttpRequest {
  const body = { ...(JSON.parse(adobe.request.body) as Record<string, unknown>), webhookNotificationId: notificationId };
  return { method: 'POST', path, headers: adobe.request.headers, body: JSON.stringify(body) };
}

/** The DocStudio fixture as a new envelope (its own `uuid`), with the given password. */
function docstudioCallback(path: string, uuid: string, password = settings.DOCSTUDIO_PASSWORD as string): HttpRequest {
  const body = { ...(JSON.parse(docstudio.request.body) as Record<string, unknown>), uuid };
  const authorization = `Basic ${btoa(`${settings.DOCSTUDIO_LOGIN}:${password}`)}`;
  return { method: 'POST', path, headers: { ...docstudio.request.headers, authorization }, body: JSON.stringify(body) };
}

/**
 * POST `request` with `Content-Length` and `Expect: 100-continue`, as curl sends large bodies: the body goes once the
 * server asks for it (or after 5 s without an answer: curl waits 1 s, but on a loaded 2-core machine a server that
 * refuses on the headers can take longer than that to answer, and the body would then race its close). A server that refuses the upload on its headers
 * (413) answers at once and may close the connection unread, as workerd, Bun and Next.js do: a client still writing
 * the body would then see a reset connection instead of the answer.
 */
function sendExpectingContinue(baseUrl: string, request: HttpRequest): Promise<HttpResponse> {
  const body = new TextEncoder().encode(request.body as string);
  const headers = { ...request.headers, 'content-length': String(body.byteLength), expect: '100-continue' };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(new URL(baseUrl + request.path), { method: request.method, headers, agent: false }, (res) => {
      answered = true;
      clearTimeout(fallback);
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const json = (): unknown => JSON.parse(text);
        const error = res.statusCode !== undefined && res.statusCode >= 400 && text.startsWith('{') ? (json() as { error?: HttpResponse['error'] }).error : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, error, json });
      });
    });
    let sent = false;
    const sendBody = (): void => {
      if (sent || answered) return;
      sent = true;
      req.end(body);
    };
    const fallback = setTimeout(sendBody, 5000);
    req.on('continue', () => {
      clearTimeout(fallback);
      sendBody();
    });
    req.on('error', (error) => {
      clearTimeout(fallback);
      if (!answered) reject(error);
    });
    req.flushHeaders();
  });
}

/**
 * POST `request` chunked (no `Content-Length`), writing its first `upTo` bytes, then the rest only if no answer came
 * within 2 s. A server that refuses the body once it passes its limit answers while the rest is held back, so the
 * client reads that answer; writing on would race the server closing the connection (Bun, workerd), which a client
 * sees as a reset instead of the answer.
 */
function sendChunkedHoldingBack(baseUrl: string, request: HttpRequest, upTo: number): Promise<HttpResponse> {
  const body = new TextEncoder().encode(request.body as string);
  const headers = { ...request.headers, 'transfer-encoding': 'chunked' };
  return new Promise((resolve, reject) => {
    let answered = false;
    const req = httpRequest(new URL(baseUrl + request.path), { method: request.method, headers, agent: false }, (res) => {
      answered = true;
      clearTimeout(rest);
      let text = '';
      res.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        req.destroy();
        const json = (): unknown => JSON.parse(text);
        const error = res.statusCode !== undefined && res.statusCode >= 400 && text.startsWith('{') ? (json() as { error?: HttpResponse['error'] }).error : undefined;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: text, error, json });
      });
    });
    req.on('error', (error) => {
      clearTimeout(rest);
      if (!answered) reject(error);
    });
    for (let at = 0; at < upTo; at += 64 * 1024) req.write(body.subarray(at, Math.min(upTo, at + 64 * 1024)));
    const rest = setTimeout(() => {
      if (!answered) req.end(body.subarray(upTo));
    }, 2000);
  });
}

export interface Row {
  /** Base URL of the webhook routes: endpoints are `<url>/adobe-sign` and `<url>/docstudio`. */
  url: string;
  proc: RuntimeProcess;
}

/** The scenarios against one runtime (`row()` is called once its server is up, in a `beforeAll`). */
export function describeScenarios(name: string, row: () => Row): void {
  describe(name, () => {
    // A new connection per request, as platforms do: a runtime may close one after refusing an upload unread.
    const send$ = (request: HttpRequest) => send(row().url, request, { agent: false });
    const of = (match: (h: Handled) => boolean): Handled[] => row().proc.handled.filter(match);
    const adobeId = `${name.replace(/\W+/g, '-')}-${randomUUID()}`;
    const envelope = randomUUID();
    const refusedEnvelope = randomUUID();
    // `event.id` is `<endpoint>:<key>`; Adobe's key is the notification id bound to the body (`<id>#<hash>`).
    const isAdobe = (id: string) => (h: Handled) => h.endpoint === 'adobe-sign' && h.id.startsWith(`adobe-sign:${id}#`);
    const isEnvelope = (uuid: string) => (h: Handled) => h.endpoint === 'docstudio' && h.id.includes(uuid);

    it('Adobe intent GET: 200 with the client id echoed (header and body)', async () => {
      const res = await send$({ method: 'GET', path: '/adobe-sign', headers: { 'x-adobesign-clientid': adobeClientId } });
      expect(res.status, res.body).toBe(200);
      expect(res.headers['x-adobesign-clientid']).toBe(adobeClientId);
      expect(res.json()).toEqual({ xAdobeSignClientId: adobeClientId });
    });

    it('an Adobe notification is accepted: 200 with the echo', async () => {
      const res = await send$(adobeNotification('/adobe-sign', adobeId));
      expect(res.status, res.body).toBe(200);
      expect(res.headers['x-adobesign-clientid']).toBe(adobeClientId);
      expect(res.json()).toEqual({ xAdobeSignClientId: adobeClientId });
    });

    it('the same notification again is acknowledged as a duplicate, with the echo', async () => {
      const res = await send$(adobeNotification('/adobe-sign', adobeId));
      expect(res.status, res.body).toBe(200);
      expect(res.headers['x-adobesign-clientid']).toBe(adobeClientId);
    });

    it('a DocStudio callback is answered with its successCode, 202', async () => {
      const res = await send$(docstudioCallback('/docstudio', envelope));
      expect(res.status, res.body).toBe(202);
    });

    it('a DocStudio callback with a wrong password: 401 AUTH_INVALID', async () => {
      const res = await send$(docstudioCallback('/docstudio', refusedEnvelope, 'not-the-password'));
      expect([res.status, res.error?.code], res.body).toEqual([401, 'AUTH_INVALID']);
    });

    for (const chunked of [false, true]) {
      it(`11 MB ${chunked ? 'chunked (no Content-Length)' : 'with Content-Length'}: 413 BODY_TOO_LARGE`, async () => {
        const request = adobeNotification('/adobe-sign', `${adobeId}-big`);
        const body = `${(request.body as string).slice(0, -1)},"pad":"${'x'.repeat(11 * 1024 * 1024)}"}`;
        // Past 10 MiB and Next.js's cut (64 KiB below it), the rest of the 11 MB held back until the server had its say.
        const res = chunked ? await sendChunkedHoldingBack(row().url, { ...request, body }, 10 * 1024 * 1024 + 128 * 1024) : await sendExpectingContinue(row().url, { ...request, body });
        expect([res.status, res.error?.code], res.body.slice(0, 500)).toEqual([413, 'BODY_TOO_LARGE']);
      });
    }

    it('handlers ran exactly once per accepted event, and never for a refused one', async () => {
      const last = `${adobeId}-last`;
      expect((await send$(adobeNotification('/adobe-sign', last))).status).toBe(200);
      await row().proc.until(() => of(isAdobe(adobeId)).length > 0 && of(isEnvelope(envelope)).length > 0 && of(isAdobe(last)).length > 0, 'the handlers of the accepted events');
      expect(of(isAdobe(adobeId)), 'the notification, sent twice').toHaveLength(1);
      expect(of(isEnvelope(envelope)), 'the DocStudio callback').toHaveLength(1);
      expect(of(isAdobe(last)), 'the last notification').toHaveLength(1);
      expect(of(isEnvelope(refusedEnvelope)), 'the refused callback').toHaveLength(0);
      expect(of(isAdobe(`${adobeId}-big`)), 'the 11 MB bodies').toHaveLength(0);
      expect(of(isAdobe(adobeId))[0]).toMatchObject({ name: (JSON.parse(adobe.request.body) as { event: string }).event });
      expect(of(isEnvelope(envelope))[0]).toMatchObject({ name: (JSON.parse(docstudio.request.body) as { status: string }).status });
    });
  });
}
