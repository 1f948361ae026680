import { afterAll, beforeAll, describe } from 'vitest';
import { describeScenarios, freePort, recipes, requireBuiltPackages, requireRuntime, settings, startProcess, waitForServer, type Row } from './harness.js';

// Bun runs recipes/bun.ts as it is, resolving @countersign/* to their built dist/.
const bun = requireRuntime('bun');

describe.runIf(bun !== undefined)('Bun (Bun.serve, recipes/bun.ts)', () => {
  let row: Row;
  beforeAll(async () => {
    requireBuiltPackages();
    const port = await freePort();
    const proc = startProcess(bun as string, ['bun.ts'], { cwd: recipes, env: { ...settings, HOST: '127.0.0.1', PORT: String(port) } });
    row = { url: `http://127.0.0.1:${port}/webhooks`, proc };
    await waitForServer(`${row.url}/adobe-sign`, proc);
  });
  afterAll(() => row?.proc.stop());
  describeScenarios('Bun', () => row);
});
