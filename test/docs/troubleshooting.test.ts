/**
 * docs/troubleshooting.md covers every error code of `ErrorCodes` (read at test time, so a code added to
 * packages/core/src/errors.ts fails here until it is documented), and its curl commands get the answers it says
 * (`→ status`) from the example server it tells people to start.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ErrorCodes } from '@countersign/core';
import { fakeIgnisignApi, type FakeIgnisignApi } from '@countersign/testing';
import { codeBlocks, ROOT, where } from './markdown.js';

const DOC = 'docs/troubleshooting.md';
const text = readFileSync(join(ROOT, DOC), 'utf8');

/** `### \`CODE\` (status)` sections: code -> { status, body }. */
function sections(): Map<string, { status: number; body: string }> {
  const found = new Map<string, { status: number; body: string }>();
  const parts = text.split(/^### /m).slice(1);
  for (const part of parts) {
    const heading = /^`([A-Z_]+)` \((\d{3})\)\n/.exec(part);
    if (heading === null) continue;
    found.set(heading[1] as string, { status: Number(heading[2]), body: part.slice(heading[0].length).split(/^## /m)[0] as string });
  }
  return found;
}

describe(`${DOC}: error codes`, () => {
  const documented = sections();

  it.each(Object.entries(ErrorCodes))('explains %s (%i): its status, cause and fix', (code, status) => {
    const section = documented.get(code);
    expect(section, `${DOC} has no section "### \`${code}\` (${status})"`).toBeDefined();
    expect(section?.status).toBe(status);
    expect(section?.body).toMatch(/\*\*Cause\*\*: \S/);
    expect(section?.body).toMatch(/\*\*Fix\*\*: \S/);
  });

  it('has no section for a code that does not exist', () => {
    expect([...documented.keys()].filter((code) => !Object.hasOwn(ErrorCodes, code))).toEqual([]);
  });
});

const serverBlock = codeBlocks(DOC).find((b) => b.lang === 'sh' && b.flags.has('example-server'));
const curlBlocks = codeBlocks(DOC).filter((b) => b.lang === 'sh' && b.flags.has('curl'));
const DOC_URL = 'http://127.0.0.1:3000';

/** Run a shell block with bash (-euo pipefail), at most 30 s. */
function bash(script: string): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn('bash', ['-euo', 'pipefail', '-c', script], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('exit', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}
const curlAvailable = spawnSync('curl', ['--version'], { stdio: 'ignore' }).status === 0;
if (!curlAvailable) console.warn(`\n[countersign] SKIPPING the curl commands of ${DOC}: curl is not installed.\n`);

describe.runIf(curlAvailable)(`${DOC}: a first delivery to each platform`, () => {
  let server: ChildProcess;
  let url = '';
  let stderr = '';
  let ignisign: FakeIgnisignApi;

  /** `VAR=value` assignments in front of the documented start command. */
  const documentedEnv = (): Record<string, string> => {
    const code = (serverBlock?.code ?? '').replace(/\\\n/g, ' ');
    return Object.fromEntries([...code.matchAll(/(?:^|\s)([A-Z][A-Z0-9_]*)=(\S+)/g)].map((m) => [m[1] as string, m[2] as string]));
  };

  beforeAll(async () => {
    expect(serverBlock?.code, `${DOC} has a \`\`\`sh example-server block`).toContain('@countersign/example-express start');
    const env = documentedEnv();
    // Ignisign's verification API, stood in for locally: it knows the documented API key and no token.
    ignisign = await fakeIgnisignApi({ apiKey: env.IGNISIGN_API_KEY });
    const clean = Object.fromEntries(Object.entries(process.env).filter(([k]) => !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|REDIS_URL|COUNTERSIGN|PORT$|HOST$)/.test(k)));
    const script = fileURLToPath(new URL('../../examples/express/src/server.ts', import.meta.url));
    server = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', script], {
      env: { ...clean, ...env, PORT: '0', IGNISIGN_API_URL: ignisign.url },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server.stdout!.resume();
    url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the example server did not start:\n${stderr}`)), 30_000);
      server.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
        stderr += chunk;
        const port = /"port":(\d+)/.exec(stderr)?.[1];
        if (port !== undefined) {
          clearTimeout(timer);
          resolve(`http://127.0.0.1:${port}`);
        }
      });
      server.once('exit', (code) => reject(new Error(`the example server exited (${code}):\n${stderr}`)));
    });
  }, 40_000);

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    await ignisign?.close();
  });

  it('has a block for every platform', () => {
    for (const endpoint of ['adobe-sign', 'ignisign', 'signit', 'docstudio']) {
      expect(curlBlocks.some((b) => b.code.includes(`${DOC_URL}/webhooks/${endpoint}`)), endpoint).toBe(true);
    }
  });

  it.each(curlBlocks.map((block) => [where(block), block] as const))('%s answers what its comments say', async (_where, block) => {
    const expected = [...block.code.matchAll(/→ (\d{3})/g)].map((m) => Number(m[1]));
    expect(expected.length).toBeGreaterThan(0);
    // Asynchronously: the Ignisign API stand-in answers from this process.
    const run = await bash(block.code.replaceAll(DOC_URL, url));
    const statuses = [...run.stdout.matchAll(/^HTTP\/[\d.]+ (\d{3})/gm)].map((m) => Number(m[1]));
    const output = `exit ${run.status}\n----- stdout -----\n${run.stdout}\n----- stderr -----\n${run.stderr}\n----- server -----\n${stderr}`;
    expect(run.status, output).toBe(0);
    expect(statuses, output).toEqual(expected);
  });
});
