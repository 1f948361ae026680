import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeScenarios, freePort, recipes, requireBuiltPackages, requireRuntime, settings, startProcess, waitForServer, type Row } from './harness.js';

// Deno runs recipes/deno.ts as it is (node_modules resolution from test/package.json), with network and environment
// permissions only.
const deno = requireRuntime('deno');

describe.runIf(deno !== undefined)('Deno (Deno.serve, recipes/deno.ts)', () => {
  let row: Row;
  beforeAll(async () => {
    requireBuiltPackages();
    const port = await freePort();
    const args = ['run', '--no-lock', '--allow-net=127.0.0.1', '--allow-env', 'deno.ts'];
    const proc = startProcess(deno as string, args, { cwd: recipes, env: { ...settings, HOST: '127.0.0.1', PORT: String(port) } });
    row = { url: `http://127.0.0.1:${port}/webhooks`, proc };
    await waitForServer(`${row.url}/adobe-sign`, proc);
  });
  afterAll(() => row?.proc.stop());
  describeScenarios('Deno', () => row);

  it('recipes/deno.ts and recipes/receiver.ts type-check (deno check, against the packages\' published types)', async () => {
    const check = startProcess(deno as string, ['check', '--no-lock', 'deno.ts'], { cwd: recipes, env: {} });
    expect(await check.exited, check.output()).toBe(0);
  }, 60_000);
});
