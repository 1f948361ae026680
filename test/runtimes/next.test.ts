import { createRequire } from 'node:module';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { describeScenarios, freePort, here, recipes, requireBuiltPackages, settings, startProcess, waitForServer, type Row, type RuntimeProcess } from './harness.js';

// One Next.js app (recipes/next), built once per run with `next build` and served by `next start`: its route
// app/api/webhooks/[endpoint] runs on the Node.js runtime, app/api/edge/webhooks/[endpoint] on the edge runtime.
const app = join(recipes, 'next');
const nextBin = createRequire(join(here, 'package.json')).resolve('next/dist/bin/next');

describe('Next.js (next build && next start, recipes/next)', () => {
  let proc: RuntimeProcess;
  let base: string;
  beforeAll(async () => {
    requireBuiltPackages();
    // Built without the settings, as a deployment pipeline does: the routes create their receiver on first use.
    const build = startProcess(process.execPath, [nextBin, 'build'], { cwd: app, env: {} });
    const code = await build.exited;
    expect(code, `next build failed:\n${build.output()}`).toBe(0);
    const port = await freePort();
    proc = startProcess(process.execPath, [nextBin, 'start', '-H', '127.0.0.1', '-p', String(port)], { cwd: app, env: settings });
    base = `http://127.0.0.1:${port}/api`;
    await waitForServer(`${base}/webhooks/adobe-sign`, proc);
  }, 300_000);
  afterAll(() => proc?.stop());

  describeScenarios('Node.js runtime: app/api/webhooks/[endpoint]/route.ts', (): Row => ({ url: `${base}/webhooks`, proc }));
  describeScenarios('edge runtime: app/api/edge/webhooks/[endpoint]/route.ts', (): Row => ({ url: `${base}/edge/webhooks`, proc }));
});
