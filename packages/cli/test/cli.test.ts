/**
 * `countersign subscriptions ...` run as a process, against the stand-in platform APIs and the reference receiver
 * (examples/express, started as a process from the same environment).
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  fakeAdobeSignApi,
  fakeDocstudioApi,
  fakeIgnisignWebhooksApi,
  fakeSignitApi,
  type FakeAdobeSignApi,
  type FakeDocstudioApi,
  type FakeIgnisignWebhooksApi,
  type FakeSignitApi,
} from '@countersign/testing';
import { EXIT, run, type CliIo } from '../src/index.js';

const CLI = fileURLToPath(new URL('../src/cli.ts', import.meta.url));
const BIN = fileURLToPath(new URL('../bin/countersign.js', import.meta.url));
const SERVER = fileURLToPath(new URL('../../../examples/express/src/server.ts', import.meta.url));
const ENVELOPE = '5b7c1d2e-0f9a-4b8c-8d7e-6f5a4b3c2d1e';
const SECRETS = {
  DOCSTUDIO_PASSWORD: 'docstudio-receiver-Pa55',
  DOCSTUDIO_API_TOKEN: 'docstudio-api-token-9f8e7d',
  SIGNIT_API_SECRET: 'signit-api-secret-1a2b3c',
  SIGNIT_APPS_SECRET: 'signit-app-secret-4d5e6f',
  ADOBE_SIGN_ACCESS_TOKEN: 'adobe-access-token-7g8h9i',
  IGNISIGN_API_KEY: 'ignisign-api-key-0j1k2l',
};

let docstudio: FakeDocstudioApi;
let adobe: FakeAdobeSignApi;
let signit: FakeSignitApi;
let ignisign: FakeIgnisignWebhooksApi;
let server: { url: string; proc: ChildProcess; events: string[] };
/** Everything every command printed, to look for secrets. */
const printed: string[] = [];

/** The receiver's environment, as in the README's table. */
function receiverEnv(): Record<string, string> {
  return {
    ADOBE_SIGN_CLIENT_IDS: `${adobe.clientId},UB7E5BXCXY`,
    IGNISIGN_APP_ID: ignisign.appId,
    IGNISIGN_APP_ENV: ignisign.appEnv,
    IGNISIGN_API_KEY: ignisign.apiKey,
    IGNISIGN_API_URL: ignisign.url,
    SIGNIT_APPS: `16aa4db191c3eebbcfde3dd95a1:${SECRETS.SIGNIT_APPS_SECRET}`,
    DOCSTUDIO_LOGIN: 'hooks',
    DOCSTUDIO_PASSWORD: SECRETS.DOCSTUDIO_PASSWORD,
    DOCSTUDIO_SUCCESS_CODE: '202',
  };
}

/** The CLI's: the receiver's, the public URL and each platform's API access. */
function cliEnv(overrides: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...receiverEnv(),
    COUNTERSIGN_PUBLIC_URL: server.url,
    DOCSTUDIO_API_URL: docstudio.url,
    DOCSTUDIO_API_TOKEN: docstudio.token,
    DOCSTUDIO_MAILBOX: docstudio.mailbox,
    SIGNIT_API_URL: signit.url,
    SIGNIT_API_KEY: signit.apiKey,
    SIGNIT_API_SECRET: signit.apiSecret,
    SIGNIT_USER_ID: signit.userId,
    ADOBE_SIGN_API_URL: adobe.url,
    ADOBE_SIGN_ACCESS_TOKEN: adobe.accessToken,
    ...overrides,
  };
}

const clean = (): Record<string, string> =>
  Object.fromEntries(Object.entries(process.env).filter((e): e is [string, string] => e[1] !== undefined && !/^(ADOBE_SIGN|IGNISIGN|SIGNIT|DOCSTUDIO|REDIS_URL|COUNTERSIGN)/.test(e[0])));

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

/** Run the CLI as a process (stdin is a pipe: not a terminal). */
function cli(args: string[], overrides: Record<string, string | undefined> = {}, entry: string[] = ['--conditions=source', '--import', 'tsx', CLI]): Promise<Result> {
  const env = { ...clean(), ...cliEnv(overrides) };
  for (const [key, value] of Object.entries(env)) if (value === undefined) delete env[key];
  return new Promise((resolve) => {
    execFile(process.execPath, [...entry, ...args], { env: env as Record<string, string>, timeout: 60_000 }, (error, stdout, stderr) => {
      printed.push(stdout, stderr);
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : -1;
      resolve({ code, stdout, stderr });
    });
  });
}

function startServer(): Promise<typeof server> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', SERVER], {
    env: { ...clean(), ...receiverEnv(), PORT: '0', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const events: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => events.push((JSON.parse(line) as { endpoint: string; name: string }).name));
  return new Promise((resolve, reject) => {
    let stderr = '';
    const timer = setTimeout(() => reject(new Error(`examples/express did not start:\n${stderr}`)), 30_000);
    proc.stderr!.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = /"port":(\d+)/.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ url: `http://127.0.0.1:${match[1]}`, proc, events });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`examples/express exited (${code}):\n${stderr}`));
    });
  });
}

const mutating = (): number => [docstudio, adobe, signit, ignisign].reduce((n, p) => n + p.calls.filter((c) => c.method !== 'GET').length, 0);

beforeAll(async () => {
  [docstudio, adobe, signit, ignisign] = await Promise.all([
    fakeDocstudioApi({ token: SECRETS.DOCSTUDIO_API_TOKEN, envelopes: [{ uuid: ENVELOPE, status: 'COMPLETED' }] }),
    fakeAdobeSignApi({ accessToken: SECRETS.ADOBE_SIGN_ACCESS_TOKEN, clientId: 'CBJCHBCAABAAcliapp000001' }),
    fakeSignitApi({ apiKey: 'signit-api-key', apiSecret: SECRETS.SIGNIT_API_SECRET, userId: 'user-7' }),
    fakeIgnisignWebhooksApi({ apiKey: SECRETS.IGNISIGN_API_KEY }),
  ]);
  server = await startServer();
}, 60_000);

afterAll(async () => {
  server?.proc.kill('SIGTERM');
  await Promise.all([docstudio?.close(), adobe?.close(), signit?.close(), ignisign?.close()]);
});

describe('countersign subscriptions (as a process)', () => {
  it('plan shows what would be created; apply refuses without --yes when nobody can answer', async () => {
    const plan = await cli(['subscriptions', 'plan']);
    expect(plan.code).toBe(EXIT.OK);
    expect(plan.stdout.match(/^ {2}\+ create$/gm)).toHaveLength(4);
    expect(plan.stdout).toContain(`url ${server.url}/webhooks/docstudio`);
    expect(plan.stdout).toContain('successCode 202, timeout 5000 ms, retries 10');
    expect(plan.stdout).toContain('4 change(s).');

    const refused = await cli(['subscriptions', 'apply']);
    expect(refused.code).toBe(EXIT.USAGE);
    expect(refused.stderr).toContain('--yes');
    expect(mutating()).toBe(0);
  }, 120_000);

  it('apply --yes creates the subscriptions; a second apply changes nothing; check finds nothing and the test deliveries reach the receiver', async () => {
    const first = await cli(['subscriptions', 'apply', '--yes']);
    expect(first.code, first.stderr).toBe(EXIT.OK);
    expect(first.stdout).toContain('4 done, 0 failed.');
    expect(docstudio.callbacks()).toMatchObject([{ url: `${server.url}/webhooks/docstudio`, successCode: 202, authType: 'BASIC' }]);
    expect(adobe.intents).toMatchObject([{ passed: true }]);
    expect(signit.webhooks()).toHaveLength(1);
    expect(ignisign.endpoints()).toHaveLength(1);

    const before = mutating();
    const second = await cli(['subscriptions', 'apply', '--yes']);
    expect(second.code).toBe(EXIT.OK);
    expect(second.stdout).toContain('Nothing to change.');
    expect(mutating()).toBe(before);

    const check = await cli(['subscriptions', 'check', '--test-delivery', '--docstudio-envelope', ENVELOPE, '--handled', 'docstudio:*,adobe-sign:*,signit:*,ignisign:*']);
    expect(check.code, check.stdout).toBe(EXIT.OK);
    expect(check.stdout).toContain('0 mismatch(es)');
    expect(check.stdout).toContain('ok    test delivery (docstudio-send): the receiver answered 202');
    expect(check.stdout).toContain('ok    test delivery (adobe-sign-intent)');
    // DocStudio's delivery reached examples/express, which answered the configured success code and handled it.
    expect(docstudio.deliveries).toMatchObject([{ envelopeUuid: ENVELOPE, status: 202 }]);
    await expect.poll(() => server.events).toContain('COMPLETED');

    const list = await cli(['subscriptions', 'list', '--endpoint', 'docstudio', '--verbose']);
    expect(list.code).toBe(EXIT.OK);
    expect(list.stdout).toMatch(new RegExp(`^ {2}\\* \\S+ active ${server.url}/webhooks/docstudio \\[all events\\] successCode=202`, 'm'));
  }, 120_000);

  it('check reports a planted mismatch with its fix and exits 1; apply mends it', async () => {
    const [callback] = docstudio.callbacks();
    // Somebody re-created the callback by hand with the default success code.
    await fetch(`${docstudio.url}/api/v1/envelope/callback/${callback!.id}/remove`, { method: 'DELETE', headers: { authorization: `Bearer ${docstudio.token}`, mailbox: docstudio.mailbox } });
    await fetch(`${docstudio.url}/api/v1/envelope/callback/add`, {
      method: 'POST',
      headers: { authorization: `Bearer ${docstudio.token}`, mailbox: docstudio.mailbox, 'content-type': 'application/json' },
      body: JSON.stringify({ filter: {}, url: `${server.url}/webhooks/docstudio`, retries: 10, timeout: 5000, login: 'hooks', password: SECRETS.DOCSTUDIO_PASSWORD }),
    });
    const check = await cli(['subscriptions', 'check', '--endpoint', 'docstudio']);
    expect(check.code).toBe(EXIT.DRIFT);
    expect(check.stdout).toContain('ERROR success-code-mismatch: DocStudio expects 200 but the receiver answers 202');
    expect(check.stdout).toMatch(/fix: Set DOCSTUDIO_SUCCESS_CODE/);
    expect((await cli(['subscriptions', 'apply', '--yes', '-e', 'docstudio'])).stdout).toContain('± replace');
    expect((await cli(['subscriptions', 'check', '-e', 'docstudio'])).code).toBe(EXIT.OK);
  }, 120_000);

  it('skips an endpoint whose API access is not set, with a line saying which variables to set', async () => {
    const result = await cli(['subscriptions', 'plan'], { ADOBE_SIGN_ACCESS_TOKEN: undefined, SIGNIT_API_KEY: undefined });
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toContain('adobe-sign (Acrobat Sign): skipped, its API access is not set (set ADOBE_SIGN_API_URL, ADOBE_SIGN_ACCESS_TOKEN; missing ADOBE_SIGN_ACCESS_TOKEN)');
    expect(result.stdout).toContain('signit (SignIt): skipped, its API access is not set (set SIGNIT_API_KEY, SIGNIT_API_SECRET, SIGNIT_USER_ID; missing SIGNIT_API_KEY)');
  }, 120_000);

  it('exit codes: a refused credential is 4, an unknown endpoint 2, a missing public URL 3', async () => {
    const refused = await cli(['subscriptions', 'check', '-e', 'docstudio', '--verbose'], { DOCSTUDIO_API_TOKEN: 'a-revoked-docstudio-token' });
    expect(refused.code).toBe(EXIT.PLATFORM);
    expect(refused.stdout).toContain('check the API credentials');
    expect(refused.stdout).toContain('HTTP 401');
    expect(refused.stdout).not.toContain('a-revoked-docstudio-token');
    expect(refused.stderr).not.toContain('a-revoked-docstudio-token');
    expect((await cli(['subscriptions', 'plan', '--endpoint', 'hellosign'])).code).toBe(EXIT.USAGE);
    const noUrl = await cli(['subscriptions', 'plan'], { COUNTERSIGN_PUBLIC_URL: undefined });
    expect(noUrl.code).toBe(EXIT.CONFIG);
    expect(noUrl.stderr).toContain('COUNTERSIGN_PUBLIC_URL');
  }, 120_000);

  it('remove --yes takes the endpoint off its platform (SignIt: switched off)', async () => {
    const result = await cli(['subscriptions', 'remove', '--yes', '--endpoint', 'signit,ignisign']);
    expect(result.code, result.stderr).toBe(EXIT.OK);
    expect(signit.webhooks().map((w) => w.status)).toEqual([0]);
    expect(ignisign.endpoints()).toEqual([]);
    expect((await cli(['subscriptions', 'remove', '--yes', '-e', 'signit'])).stdout).toContain('Nothing to remove.');
  }, 120_000);

  it('--help everywhere, through the bin too', async () => {
    for (const args of [['--help'], ['subscriptions', '--help'], ['subscriptions', 'plan', '--help'], ['subscriptions', 'apply', '--help'], ['subscriptions', 'list', '--help'], ['subscriptions', 'check', '--help'], ['subscriptions', 'remove', '--help']]) {
      const result = await run(args, memoryIo({}).io);
      expect(result, args.join(' ')).toBe(EXIT.OK);
    }
    const bin = await cli(['subscriptions', '--help'], {}, [BIN]);
    expect(bin.code).toBe(EXIT.OK);
    expect(bin.stdout).toContain('COUNTERSIGN_PUBLIC_URL');
  }, 120_000);

  it('never prints a token, key, secret or password (every command above, --verbose included)', async () => {
    await cli(['subscriptions', 'check', '--verbose', '--json', '--test-delivery', '--docstudio-envelope', ENVELOPE]);
    const all = printed.join('\n');
    expect(all.length).toBeGreaterThan(1000);
    for (const [name, secret] of Object.entries(SECRETS)) expect(all, name).not.toContain(secret);
  }, 120_000);
});

/** A terminal-like IO for the confirmation prompt (stdin that a person answers). */
function memoryIo(env: Record<string, string | undefined>, answer = 'n'): { io: CliIo; out: string[]; err: string[]; asked: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const asked: string[] = [];
  return {
    out,
    err,
    asked,
    io: {
      env,
      out: (line) => out.push(line),
      err: (line) => err.push(line),
      interactive: true,
      ask: async (question) => {
        asked.push(question);
        return answer;
      },
    },
  };
}

describe('apply asks before changing anything', () => {
  it('a "no" changes nothing and exits 5; a "yes" applies', async () => {
    const before = mutating();
    const no = memoryIo({ ...clean(), ...cliEnv() }, 'n');
    await fetch(`${adobe.url}/api/rest/v6/webhooks/${adobe.webhooks()[0]!.id}`, { method: 'DELETE', headers: { authorization: `Bearer ${adobe.accessToken}` } });
    const afterDelete = mutating();
    expect(afterDelete).toBe(before + 1);
    expect(await run(['subscriptions', 'apply', '-e', 'adobe-sign'], no.io)).toBe(EXIT.CANCELLED);
    expect(no.asked).toEqual(['Apply 1 change(s)? [y/N] ']);
    expect(mutating()).toBe(afterDelete);
    const yes = memoryIo({ ...clean(), ...cliEnv() }, 'y');
    expect(await run(['subscriptions', 'apply', '-e', 'adobe-sign'], yes.io)).toBe(EXIT.OK);
    expect(adobe.webhooks()).toHaveLength(1);
  }, 120_000);
});
