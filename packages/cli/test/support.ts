/** Shared by the CLI's tests: examples/express as a process, the CLI in-process with captured output, the CLI as a process. */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { run, type CliIo } from '../src/index.js';

export const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const SERVER = fileURLToPath(new URL('../../../examples/express/src/server.ts', import.meta.url));

/** The test's environment without anything the examples or the CLI read. */
export const cleanEnv = (): Record<string, string> =>
  Object.fromEntries(
    Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|DOCUSIGN|DROPBOX_SIGN|YOUSIGN|PANDADOC|BOLDSIGN|REDIS_URL|COUNTERSIGN|METRICS_PORT|LOG_LEVEL)/.test(e[0])),
  );

export interface ExampleServer {
  url: string;
  proc: ChildProcess;
  /** One JSON object per handled event, as the server printed it on stdout. */
  events: Array<{ endpoint: string; id: string; name: string }>;
  stderr(): string;
  stop(): Promise<void>;
}

/** Start examples/express with `env` (PORT 0) and resolve once it listens. */
export function startExampleServer(env: Record<string, string>): Promise<ExampleServer> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER], {
    env: { ...cleanEnv(), LOG_LEVEL: 'info', ...env, PORT: '0' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: ExampleServer['events'] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => events.push(JSON.parse(line) as ExampleServer['events'][number]));
  let stderr = '';
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`examples/express did not start:\n${stderr}`)), 30_000);
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"port":(\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${match[1]}`, proc, events, stderr: () => stderr, stop });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/express exited (${code}):\n${stderr}`));
    });
  });
}

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI in this process with `env` as its whole environment; what it prints is captured. */
export async function runCli(args: string[], env: Record<string, string | undefined> = {}): Promise<Result> {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { env, out: (l) => void out.push(l), err: (l) => void err.push(l), interactive: false, ask: () => Promise.resolve('') };
  const code = await run(args, io);
  return { code, stdout: out.join('\n'), stderr: err.join('\n') };
}

/** Run the CLI as a process (stdin not a terminal). */
export function cliProcess(args: string[], env: Record<string, string>, timeout = 60_000): Promise<Result> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, ...args], { env: { ...cleanEnv(), ...env }, timeout }, (error, stdout, stderr) => {
      resolve({ code: error === null ? 0 : typeof error.code === 'number' ? error.code : -1, stdout, stderr });
    });
  });
}

/** Wait until `check` holds, polling every 20 ms for at most `ms`. */
export async function until(check: () => boolean, ms = 10_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; ) {
    if (check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}
