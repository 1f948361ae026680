/** `countersign dev` as a process: what it prints is enough to send a delivery of every platform and see it arrive. */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXIT } from '../src/index.js';
import { CLI, cleanEnv, runCli, until } from './support.js';

let child: ChildProcess;
const stdout: string[] = [];
let stderr = '';

beforeAll(async () => {
  child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', CLI, 'dev', '--port', '0', '--fail', 'docstudio:COMPLETED', '--attempts', '1'], {
    env: cleanEnv(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  createInterface({ input: child.stdout! }).on('line', (line) => stdout.push(line));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  expect(await until(() => stdout.some((l) => l.includes('Ctrl-C stops')), 30_000), stderr).toBe(true);
}, 60_000);

afterAll(async () => {
  if (child.exitCode === null) child.kill('SIGKILL');
});

describe('countersign dev', () => {
  it('prints the inspector, the endpoints and credentials that countersign send uses as they are; every platform arrives', async () => {
    const inspector = stdout.map((l) => /^ {2}inspector {2}(http:\/\/127\.0\.0\.1:\d+)\/inspector\/$/.exec(l)?.[1]).find(Boolean) as string;
    expect(inspector).toBeDefined();
    const exported = stdout.find((l) => l.trim().startsWith('export '))!.trim().slice('export '.length);
    const env = Object.fromEntries(exported.split(' ').map((pair) => [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)]));
    expect(Object.keys(env)).toEqual([
      'ADOBE_SIGN_CLIENT_IDS',
      'IGNISIGN_APP_ID',
      'IGNISIGN_APP_ENV',
      'SIGNIT_APPS',
      'DOCSTUDIO_LOGIN',
      'DOCSTUDIO_PASSWORD',
      'DOCUSIGN_HMAC_KEYS',
      'DROPBOX_SIGN_API_KEY',
      'YOUSIGN_SECRETS',
      'PANDADOC_SHARED_KEYS',
      'BOLDSIGN_SECRETS',
    ]);

    for (const [platform, event] of [
      ['adobe-sign', 'AGREEMENT_CREATED'],
      ['ignisign', 'SIGNER.CREATED'],
      ['signit', 'envelopeStarted'],
      ['docstudio', 'COMPLETED'],
      ['docusign', 'envelope-completed'],
      ['dropbox-sign', 'signature_request_all_signed'],
      ['yousign', 'signer.done'],
      ['pandadoc', 'document_state_changed'],
      ['boldsign', 'Completed'],
    ] as const) {
      const sent = await runCli(['send', platform, event, '--to', inspector], env);
      expect([platform, sent.code]).toEqual([platform, EXIT.OK]);
    }
    const refused = await runCli(['send', 'docstudio', 'SENT', '--to', inspector], { ...env, DOCSTUDIO_PASSWORD: 'wrong' });
    expect(refused.code).toBe(EXIT.FAILED);

    expect(await until(() => stdout.filter((l) => /^ +handled /.test(l)).length === 8)).toBe(true);
    expect(stdout.some((l) => / POST docstudio {2}- {2}-> 401 AUTH_INVALID$/.test(l))).toBe(true);
    // The failing handler: a dead letter, with the inspector's button as the way to replay it.
    expect(await until(() => stderr.includes('is a dead letter now. Replay it with: the Replay button at'))).toBe(true);

    const page = await fetch(`${inspector}/inspector`, { redirect: 'manual' });
    expect([page.status, page.headers.get('location')]).toEqual([308, '/inspector/']);
    expect(await (await fetch(`${inspector}/inspector/`)).text()).toContain('<title>countersign inspector</title>');
    const { deliveries } = (await (await fetch(`${inspector}/inspector/api/deliveries`)).json()) as {
      deliveries: Array<{ endpoint: string; status: number; code: string | null; events: Array<{ handler: string; stage?: string | null }> }>;
    };
    // Each event with its handler's outcome and its lifecycle stage (null: the event has none, or was not handled).
    expect(deliveries.map((d) => [d.endpoint, d.status, d.code, d.events.map((e) => `${e.handler} ${e.stage ?? '-'}`)])).toEqual([
      ['adobe-sign', 200, null, ['handled -']],
      ['ignisign', 200, null, ['handled -']],
      ['signit', 200, null, ['handled sent']],
      ['docstudio', 200, null, ['dead-letter completed']],
      ['docusign', 200, null, ['handled completed']],
      ['dropbox-sign', 200, null, ['handled completed']],
      ['yousign', 200, null, ['handled signed']],
      ['pandadoc', 200, null, ['handled sent']],
      ['boldsign', 200, null, ['handled completed']],
      ['docstudio', 401, 'AUTH_INVALID', []],
    ]);
  });

  it('stops on SIGTERM with exit code 0', async () => {
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });
});
