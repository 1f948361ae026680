import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { here, recipes, requireBuiltPackages } from './harness.js';

// The recipes type-check as a user's project would: against the packages' published types (dist/) and the runtime's
// own type package. (The Next.js routes are checked by `next build`, the Deno recipe by `deno check`.)
const tsc = createRequire(join(here, '..', '..', 'package.json')).resolve('typescript/bin/tsc');

async function typeCheck(project: string): Promise<{ code: number; output: string }> {
  requireBuiltPackages();
  try {
    await promisify(execFile)(process.execPath, [tsc, '-p', project], { cwd: recipes, timeout: 120_000 });
    return { code: 0, output: '' };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, output: `${failed.stdout ?? ''}${failed.stderr ?? ''}` };
  }
}

describe('the recipes type-check with their runtime\'s types', () => {
  it('recipes/worker.ts, hono.ts and receiver.ts with @cloudflare/workers-types', async () => {
    const { code, output } = await typeCheck('tsconfig.workers.json');
    expect(code, output).toBe(0);
  }, 120_000);

  it('recipes/bun.ts and receiver.ts with @types/bun', async () => {
    const { code, output } = await typeCheck('tsconfig.bun.json');
    expect(code, output).toBe(0);
  }, 120_000);
});
