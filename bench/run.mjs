// Entry point of the root `pnpm bench` script (`pnpm build && node bench/run.mjs`): runs bench/run.ts under tsx.
// The servers it starts load the built packages (`BENCH_SOURCE=1`: their TypeScript sources).
// Arguments are passed through, e.g. `pnpm bench --only=express,fastify --duration=5`.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const benchDir = fileURLToPath(new URL('.', import.meta.url));
const child = spawn(process.execPath, ['--conditions=source', '--import', import.meta.resolve('tsx'), 'run.ts', ...process.argv.slice(2)], {
  cwd: benchDir,
  stdio: 'inherit',
});
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
