/**
 * How much of the machine other processes used while the bench ran: on a shared 2-core box a colleague's
 * test run halves a row's numbers, and the report should say so instead of printing a false regression.
 * Linux only (/proc); elsewhere the figures are NaN and the checks are skipped.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';

const TICK_MS = 10; // USER_HZ is 100 on Linux

export interface CpuSnapshot {
  at: number;
  busyMs: number;
  ownMs: number;
}

/** CPU time (user + system, ms) a process has used so far; NaN when /proc is not there. */
export function processMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * TICK_MS; // utime, stime
  } catch {
    return Number.NaN;
  }
}

/**
 * Machine-wide busy time from /proc/stat: user, nice, system, irq, softirq and steal (time the hypervisor gave
 * this VM's CPUs to someone else, invisible to `top` inside the VM). Falls back to `os.cpus()`.
 */
function machineBusyMs(): number {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const [, user, nice, system, , , irq, softirq, steal] = line.trim().split(/\s+/).map(Number);
    const ticks = [user, nice, system, irq, softirq, steal].reduce<number>((sum, v) => sum + (v ?? 0), 0);
    if (Number.isFinite(ticks) && ticks > 0) return ticks * TICK_MS;
  } catch {
    // not Linux
  }
  let busyMs = 0;
  for (const cpu of cpus()) busyMs += cpu.times.user + cpu.times.nice + cpu.times.sys + cpu.times.irq;
  return busyMs;
}

/** Machine-wide busy time, plus the time spent by this process and `pids` (the server child). */
export function snapshot(pids: readonly number[] = []): CpuSnapshot {
  const busyMs = machineBusyMs();
  const own = process.cpuUsage();
  let ownMs = (own.user + own.system) / 1000;
  for (const pid of pids) ownMs += processMs(pid);
  return { at: performance.now(), busyMs, ownMs };
}

/** Share of the whole machine (0..1) used by processes other than ours between two snapshots. */
export function foreignLoad(a: CpuSnapshot, b: CpuSnapshot): number {
  const capacity = (b.at - a.at) * cpus().length;
  if (!(capacity > 0)) return Number.NaN;
  const foreign = b.busyMs - a.busyMs - (b.ownMs - a.ownMs);
  return Math.min(1, Math.max(0, foreign / capacity));
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Wait (at most `maxSeconds`, one-second samples) until other processes use less than `threshold` of the
 * machine. Resolves with the last sample.
 */
export async function waitUntilQuiet(maxSeconds: number, threshold: number): Promise<number> {
  let load = Number.NaN;
  for (let i = 0; i <= maxSeconds; i++) {
    const a = snapshot();
    await sleep(1000);
    load = foreignLoad(a, snapshot());
    if (!(load >= threshold)) return load;
  }
  return load;
}
