import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { build } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cache, describeScenarios, here, recipes, requireBuiltPackages, requireRuntime, settings, startProcess, waitForServer, type Row, type RuntimeProcess } from './harness.js';

// workerd, the runtime of Cloudflare Workers, run directly (wrangler and Miniflare need Node 22): recipes/worker.ts and
// recipes/hono.ts bundled with esbuild as Workers bundles them, served by one workerd on two sockets.
const workerd = requireRuntime('workerd');
const out = join(cache, 'workerd');

/** Bundle `entry` for workerd into `<out>/<name>.js`, as Workers' own tooling does (`cloudflare:*` left to the runtime). */
async function bundle(entry: string, name: string): Promise<void> {
  await build({
    entryPoints: [entry],
    outfile: join(out, `${name}.js`),
    bundle: true,
    format: 'esm',
    platform: 'browser',
    conditions: ['workerd', 'worker', 'browser'],
    external: ['cloudflare:*'],
    target: 'es2022',
    logLevel: 'silent',
  });
}

/** A workerd config serving each module on its own socket (port 0: workerd reports the port it bound on --control-fd). */
function config(workers: string[]): string {
  const bindings = Object.entries(settings).map(([name, value]) => `(name = ${JSON.stringify(name)}, text = ${JSON.stringify(value)})`);
  return [
    'using Workerd = import "/workerd/workerd.capnp";',
    'const config :Workerd.Config = (',
    `  services = [${workers.map((w) => `(name = "${w}", worker = .${w})`).join(', ')}],`,
    `  sockets = [${workers.map((w) => `(name = "${w}", address = "127.0.0.1:0", http = (), service = "${w}")`).join(', ')}],`,
    ');',
    ...workers.map(
      (w) =>
        `const ${w} :Workerd.Worker = (modules = [(name = "${w}.js", esModule = embed "${w}.js")], compatibilityDate = "2025-09-01", bindings = [${bindings.join(', ')}]);`,
    ),
  ].join('\n');
}

/** Start workerd on `file` and resolve the port of each socket once it listens. */
function serve(file: string): { proc: RuntimeProcess; ports: Promise<Map<string, number>> } {
  // --verbose: workerd prints what the workers log (console.log) only then.
  const proc = startProcess(workerd as string, ['serve', file, '--verbose', '--control-fd=3'], { cwd: out, env: {}, controlFd: true });
  const ports = new Map<string, number>();
  return {
    proc,
    ports: new Promise((resolve) => {
      createInterface({ input: proc.control as NodeJS.ReadableStream }).on('line', (line) => {
        const message = JSON.parse(line) as { event?: string; socket?: string; port?: number };
        if (message.event === 'listen' && message.socket !== undefined && message.port !== undefined) ports.set(message.socket, message.port);
        if (ports.size === 2) resolve(ports);
      });
    }),
  };
}

describe.runIf(workerd !== undefined)('workerd (Cloudflare Workers runtime)', () => {
  let proc: RuntimeProcess;
  let ports: Map<string, number>;
  beforeAll(async () => {
    requireBuiltPackages();
    mkdirSync(out, { recursive: true });
    await Promise.all([bundle(join(recipes, 'worker.ts'), 'worker'), bundle(join(recipes, 'hono.ts'), 'hono'), bundle(join(here, 'refusal-worker.ts'), 'refusal')]);
    writeFileSync(join(out, 'recipes.capnp'), config(['worker', 'hono']));
    writeFileSync(join(out, 'refusal.capnp'), config(['refusal']));
    const started = serve(join(out, 'recipes.capnp'));
    proc = started.proc;
    ports = await Promise.race([started.ports, proc.exited.then(() => Promise.reject(new Error(`workerd exited:\n${proc.output()}`)))]);
    await waitForServer(`http://127.0.0.1:${ports.get('worker')}/webhooks/adobe-sign`, proc);
  }, 60_000);
  afterAll(() => proc?.stop());

  const row = (socket: string) => (): Row => ({ url: `http://127.0.0.1:${ports.get(socket)}/webhooks`, proc });
  describeScenarios('Workers: recipes/worker.ts, waitUntil from cloudflare:workers', row('worker'));
  describeScenarios('Hono on Workers: recipes/hono.ts, each request\'s c.executionCtx', row('hono'));

  it('a Worker without the keep-alive refuses to start: CONFIG_INVALID, saying how to fix it', async () => {
    const { proc: refusing } = serve(join(out, 'refusal.capnp'));
    try {
      await refusing.until(() => /CONFIG_INVALID|CountersignError/.test(refusing.output()), 'the refusal', 30_000);
      expect(refusing.output()).toContain('Cloudflare Workers may freeze or stop as soon as an answer is sent');
      expect(refusing.output()).toContain("waitUntil from 'cloudflare:workers'");
      expect(await refusing.exited).not.toBe(0);
    } finally {
      await refusing.stop();
    }
  });
});
