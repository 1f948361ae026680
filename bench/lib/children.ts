/**
 * Server child processes: one per measurement, started and stopped in turn, every one of them tracked so that
 * nothing outlives the bench (normal end, error, Ctrl-C).
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { ChildMessage, ParentMessage, ServerKind } from './protocol.js';

const SERVER_ENTRY = fileURLToPath(new URL('../server.ts', import.meta.url));
const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
const START_TIMEOUT_MS = 600_000; // under valgrind, starting takes minutes
const STOP_TIMEOUT_MS = 5_000;

const live = new Set<ChildProcess>();

export interface ChildOptions {
  /** Write a V8 CPU profile of the server into this directory (`node --cpu-prof`). */
  profileDir?: string | undefined;
  /** Old-space limit of the child, in MB. */
  heapMb?: number | undefined;
  /** Load the @countersign packages from their built `dist/` (run `pnpm build` first) instead of their sources. */
  dist?: boolean | undefined;
  /** Run the child under `valgrind --tool=callgrind`, instrumentation off until `callgrind_control -i on`. */
  callgrindOut?: string | undefined;
}

export interface ServerStats {
  dispatched: number;
  rssMb: number;
}

export interface RunningServer {
  kind: ServerKind;
  port: number;
  pid: number;
  /** Ask the child to stop; resolves with what its handlers saw (undefined when it had to be killed). */
  stop(): Promise<ServerStats | undefined>;
  /** The child's CPU time so far (`process.cpuUsage()`, user + system, µs) and the events its handlers saw. */
  cpu(): Promise<{ us: number; dispatched: number }>;
}

function execArgv(options: ChildOptions): string[] {
  // tsx transpiles the bench's own TypeScript; with `source` the workspace packages are loaded from src/ too.
  const args = options.dist ? ['--import', import.meta.resolve('tsx')] : ['--conditions=source', '--import', import.meta.resolve('tsx')];
  if (options.heapMb !== undefined) args.push(`--max-old-space-size=${options.heapMb}`);
  if (options.profileDir !== undefined) {
    mkdirSync(options.profileDir, { recursive: true });
    args.push('--cpu-prof', `--cpu-prof-dir=${options.profileDir}`);
  }
  return args;
}

/** Start `server.ts <kind>` in a child process and wait until it listens. */
export function startServer(kind: ServerKind, options: ChildOptions = {}): Promise<RunningServer> {
  const valgrind = options.callgrindOut === undefined ? undefined : ['--tool=callgrind', '--instr-atstart=no', '--smc-check=all-non-file', `--callgrind-out-file=${options.callgrindOut}`, process.execPath];
  const child = fork(SERVER_ENTRY, [kind], {
    cwd: BENCH_DIR,
    ...(valgrind === undefined ? {} : { execPath: 'valgrind' }),
    execArgv: [...(valgrind ?? []), ...execArgv(options)],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, NODE_ENV: 'production' },
  });
  live.add(child);
  child.once('exit', () => live.delete(child));

  let stats: ServerStats | undefined;
  child.on('message', (message: ChildMessage) => {
    if (message.type === 'stats') stats = { dispatched: message.dispatched, rssMb: message.rssMb };
  });

  const stop = async (): Promise<ServerStats | undefined> => {
    if (child.exitCode !== null || child.signalCode !== null) return stats;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    if (child.connected) child.send({ type: 'stop' } satisfies ParentMessage);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), STOP_TIMEOUT_MS);
    });
    const outcome = await Promise.race([exited, timedOut]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
    return stats;
  };

  const cpu = (): Promise<{ us: number; dispatched: number }> =>
    new Promise((resolve, reject) => {
      const onMessage = (message: ChildMessage): void => {
        if (message.type !== 'cpu') return;
        child.off('message', onMessage);
        resolve({ us: message.us, dispatched: message.dispatched });
      };
      child.on('message', onMessage);
      if (!child.connected) reject(new Error(`${kind} server is gone`));
      else child.send({ type: 'cpu' } satisfies ParentMessage);
    });

  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${kind} server did not start within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`${kind} server exited before listening (code ${String(code)}, signal ${String(signal)})`));
    });
    child.on('message', (message: ChildMessage) => {
      if (message.type !== 'ready') return;
      clearTimeout(timer);
      resolve({ kind, port: message.port, pid: child.pid ?? -1, stop, cpu });
    });
  });
}

/** Kill every server child still running (synchronous, safe in an `exit` handler). */
export function killAll(): void {
  for (const child of live) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  live.clear();
}
