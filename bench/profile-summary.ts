/**
 * Summarise V8 CPU profiles written by `BENCH_PROFILE=1` (node --cpu-prof on the server child):
 * where the server's time goes, by area (countersign core, adapter, zod, Node internals, GC, idle) and by
 * function (self and inclusive time).
 *
 *   npx -y tsx profile-summary.ts profiles/CPU.*.cpuprofile [--top=25] [--focus=packages/core]
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function area(frame: CallFrame): string {
  const url = frame.url;
  if (frame.functionName === '(garbage collector)') return 'GC';
  if (frame.functionName === '(idle)') return 'idle';
  if (frame.functionName === '(program)') return 'V8/native (program)';
  const pkg = /\/packages\/([^/]+)\/src\//.exec(url);
  if (pkg) return pkg[1] === 'core' ? 'countersign core' : `@countersign/${pkg[1] ?? '?'}`;
  const dep = /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)\//.exec(url);
  if (dep) return dep[1] ?? 'dependency';
  if (url.startsWith('node:')) return 'Node internals';
  if (url.includes('/bench/')) return 'bench server';
  if (url === '') return 'native / builtins';
  return 'other';
}

function label(frame: CallFrame): string {
  const where = frame.url === '' ? '' : ` ${frame.url.replace(/^file:\/\//, '').replace(ROOT, '')}:${frame.lineNumber + 1}`;
  return `${frame.functionName || '(anonymous)'}${where}`;
}

function pct(part: number, total: number): string {
  return `${((part / total) * 100).toFixed(1).padStart(5)}%`;
}

function summarise(path: string, top: number, focus: string | undefined): void {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfile;
  const byId = new Map<number, ProfileNode>();
  const parent = new Map<number, number>();
  for (const node of profile.nodes) byId.set(node.id, node);
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);

  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  const areas = new Map<string, number>();
  let total = 0;
  let busy = 0;
  const count = Math.min(profile.samples.length, profile.timeDeltas.length);
  for (let i = 0; i < count; i++) {
    const dt = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000; // ms until the next sample
    const leaf = byId.get(profile.samples[i] ?? -1);
    if (leaf === undefined || dt <= 0) continue;
    total += dt;
    const a = area(leaf.callFrame);
    areas.set(a, (areas.get(a) ?? 0) + dt);
    if (a === 'idle') continue;
    busy += dt;
    const key = label(leaf.callFrame);
    self.set(key, (self.get(key) ?? 0) + dt);
    const seen = new Set<string>();
    let id: number | undefined = leaf.id;
    for (let depth = 0; id !== undefined && depth < 500; depth++) {
      const node = byId.get(id);
      if (node === undefined) break;
      const k = label(node.callFrame);
      if (!seen.has(k) && (focus === undefined || k.includes(focus))) {
        seen.add(k);
        inclusive.set(k, (inclusive.get(k) ?? 0) + dt);
      }
      id = parent.get(id);
    }
  }

  console.log(`\n${path}: ${(total / 1000).toFixed(1)} s sampled, ${(busy / 1000).toFixed(1)} s busy (not idle)`);
  console.log('\nBy area (self time, share of busy time):');
  for (const [a, ms] of [...areas].filter(([a]) => a !== 'idle').sort((x, y) => y[1] - x[1])) console.log(`  ${pct(ms, busy)}  ${a}`);
  console.log(`\nTop ${top} functions by self time:`);
  for (const [k, ms] of [...self].sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(ms, busy)}  ${k}`);
  console.log(`\nTop ${top} functions by inclusive time${focus ? ` (matching "${focus}")` : ''}:`);
  const skip = (k: string): boolean => k.startsWith('(root)') || k.startsWith('(program)');
  for (const [k, ms] of [...inclusive].filter(([k]) => !skip(k)).sort((x, y) => y[1] - x[1]).slice(0, top)) console.log(`  ${pct(ms, busy)}  ${k}`);
}

const args = process.argv.slice(2);
const topArg = args.find((a) => a.startsWith('--top='));
const focusArg = args.find((a) => a.startsWith('--focus='));
const files = args.filter((a) => !a.startsWith('--'));
if (files.length === 0) {
  console.error('usage: npx -y tsx profile-summary.ts <file.cpuprofile>... [--top=25] [--focus=packages/core]');
  process.exit(2);
}
for (const file of files) summarise(file, Number(topArg?.slice(6) ?? 25), focusArg?.slice(8));
