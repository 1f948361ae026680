import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const demo = fileURLToPath(new URL('../src/demo.ts', import.meta.url));

describe('examples/express demo (the README first command)', () => {
  it('starts the reference server, sends every platform deliveries and gets exactly the expected answers and dispatches', async () => {
    const { stdout } = await run(process.execPath, ['--conditions=source', '--import', 'tsx', demo], {
      cwd: fileURLToPath(new URL('..', import.meta.url)),
      env: { ...process.env, FORCE_COLOR: '0' },
      timeout: 60_000,
    });
    expect(stdout).not.toContain('✗');
    expect(stdout).toContain('7 events dispatched');
    for (const name of ['AGREEMENT_CREATED', 'SIGNATURE_REQUEST.LAUNCHED', 'envelopeCompleted', '"name":"COMPLETED"']) {
      expect(stdout).toContain(name);
    }
  }, 90_000);
});

describe('examples/express configuration', () => {
  it('refuses to start without any endpoint, saying which variables to set', async () => {
    const server = fileURLToPath(new URL('../src/server.ts', import.meta.url));
    const clean = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|REDIS_URL)/.test(k)),
    );
    const error = await run(process.execPath, ['--conditions=source', '--import', 'tsx', server], { env: { ...clean, PORT: '0' }, timeout: 30_000 }).then(
      () => undefined,
      (e: { code: number; stderr: string }) => e,
    );
    expect(error?.code).toBe(1);
    expect(error?.stderr).toContain('ADOBE_SIGN_CLIENT_IDS');
  }, 60_000);
});
