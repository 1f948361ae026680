// `pnpm test`: type-check, lint, build, package checks, then Vitest, in that order. Each step's output is captured
// and printed in full only when the step fails; on success one line says which steps ran, and the last line is
// Vitest's totals (`tests: N passed, N failed, N skipped`, scripts/test-summary.mjs), which CI reads.
import { spawn } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const results = 'node_modules/.cache/vitest-results.json';

/** How to call pnpm: the pnpm running this script, or the pinned one through npx. */
function pnpm() {
  if (process.env.npm_execpath && /^pnpm\//.test(process.env.npm_config_user_agent ?? '')) return [process.execPath, [process.env.npm_execpath]];
  const pinned = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).packageManager;
  return ['npx', ['-y', pinned]];
}

const [command, prefix] = pnpm();
const steps = [
  ['typecheck', ['run', 'typecheck']],
  ['lint', ['run', 'lint']],
  ['build', ['run', 'build']],
  ['package checks', ['run', 'check:packages']],
  // minimal: nothing for passing tests, failures in full; json: the totals below.
  ['vitest', ['exec', 'vitest', 'run', '--reporter=minimal', '--reporter=json', `--outputFile.json=${results}`]],
];

/** Run one step with its output captured (stdout and stderr interleaved as they came). */
function run(args) {
  return new Promise((resolve) => {
    const started = Date.now();
    const child = spawn(command, [...prefix, ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, FORCE_COLOR: process.stdout.isTTY ? '1' : '0' } });
    let output = '';
    child.stdout.on('data', (chunk) => (output += chunk));
    child.stderr.on('data', (chunk) => (output += chunk));
    child.on('error', (error) => (output += `${error.stack ?? error}\n`));
    child.on('close', (code, signal) => resolve({ code: code ?? 1, signal, output, seconds: Math.round((Date.now() - started) / 1000) }));
  });
}

const summary = () =>
  new Promise((resolve) => {
    const child = spawn(process.execPath, ['scripts/test-summary.mjs', results], { cwd: root, stdio: 'inherit' });
    child.on('close', resolve);
  });

const done = [];
for (const [name, args] of steps) {
  process.stdout.write(`${done.length === 0 ? 'steps: ' : ', '}${name}`);
  if (name === 'vitest') rmSync(new URL(`../${results}`, import.meta.url), { force: true }); // no stale totals
  const result = await run(args);
  if (result.code !== 0) {
    process.stdout.write(` FAILED (${result.signal ?? `exit ${result.code}`}, ${result.seconds} s)\n\n`);
    process.stdout.write(`----- ${name}: ${command === 'npx' ? 'npx -y ' : 'pnpm '}${args.join(' ')} -----\n${result.output}\n----- end of ${name} -----\n`);
    if (name === 'vitest') await summary();
    else console.log(`tests: not run (${name} failed)`);
    process.exit(result.code);
  }
  done.push(name);
  process.stdout.write(` ${result.seconds} s`);
}
process.stdout.write('\n');
await summary();
