/**
 * `countersign send` against the reference receiver (examples/express as a process): every platform accepted and
 * dispatched with the receiver's own credentials (Ignisign's verification API is the stand-in of
 * @countersign/testing), refused with other credentials (exit 1), a load smoke, fields merged from a file.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fakeIgnisignApi, type FakeIgnisignApi } from '@countersign/testing';
import { EXIT } from '../src/index.js';
import { cliProcess, runCli, startExampleServer, until, type ExampleServer } from './support.js';

const SECRETS = { signit: 'send-test-signit-secret', docstudio: 'send-test-docstudio-Pa55' };
let ignisignApi: FakeIgnisignApi;
let server: ExampleServer;
let env: Record<string, string>;

beforeAll(async () => {
  ignisignApi = await fakeIgnisignApi({ apiKey: 'send-test-ignisign-key', acceptAll: true });
  env = {
    ADOBE_SIGN_CLIENT_IDS: 'CBJCHBCAABAAsendtest0001,UB7E5BXCXY',
    IGNISIGN_APP_ID: 'appId_send-test',
    IGNISIGN_APP_ENV: 'DEVELOPMENT',
    IGNISIGN_API_KEY: ignisignApi.apiKey,
    IGNISIGN_API_URL: ignisignApi.url,
    SIGNIT_APPS: `send-test-app:${SECRETS.signit}`,
    DOCSTUDIO_LOGIN: 'hooks',
    DOCSTUDIO_PASSWORD: SECRETS.docstudio,
    DOCSTUDIO_SUCCESS_CODE: '202',
    DOCUSIGN_HMAC_KEYS: 'send-test-docusign-key,send-test-docusign-old-key',
    DROPBOX_SIGN_API_KEY: 'send-test-dropbox-sign-api-key',
    YOUSIGN_SECRETS: 'send-test-yousign-secret',
    PANDADOC_SHARED_KEYS: 'send-test-pandadoc-shared-key',
    BOLDSIGN_SECRETS: 'send-test-boldsign-secret',
  };
  server = await startExampleServer(env);
}, 60_000);

afterAll(async () => {
  await server?.stop();
  await ignisignApi?.close();
});

const handled = (endpoint: string, name: string): number => server.events.filter((e) => e.endpoint === endpoint && e.name === name).length;

describe('countersign send', () => {
  it.each([
    ['adobe-sign', 'AGREEMENT_WORKFLOW_COMPLETED', 200],
    ['ignisign', 'SIGNATURE_REQUEST.LAUNCHED', 200],
    ['signit', 'envelopeCompleted', 200],
    ['docstudio', 'COMPLETED', 202],
    ['docusign', 'envelope-completed', 200],
    ['dropbox-sign', 'signature_request_all_signed', 200],
    ['yousign', 'signer.done', 200],
    ['pandadoc', 'document_state_changed', 200],
    ['boldsign', 'Completed', 200],
  ] as const)('%s %s: accepted by examples/express with its credentials from the environment, and dispatched', async (platform, event, status) => {
    const before = handled(platform, event);
    const result = await runCli(['send', platform, event, '--to', `${server.url}/webhooks/${platform}`], env);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toContain(`POST ${server.url}/webhooks/${platform}  ${platform} ${event}`);
    expect(result.stdout).toMatch(new RegExp(`^-> ${status} \\(\\d+ ms\\)$`, 'm'));
    expect(await until(() => handled(platform, event) === before + 1)).toBe(true);
  });

  it.each([
    ['adobe-sign', 'AGREEMENT_CREATED', { ADOBE_SIGN_CLIENT_IDS: 'CBJCHBCAABAAsomeoneelse01' }, 403],
    ['ignisign', 'SIGNER.CREATED', { IGNISIGN_APP_ID: 'appId_someone-else' }, 401],
    ['signit', 'envelopeStarted', { SIGNIT_APPS: 'send-test-app:not-the-secret' }, 401],
    ['docstudio', 'COMPLETED', { DOCSTUDIO_PASSWORD: 'not-the-password' }, 401],
    ['docusign', 'envelope-completed', { DOCUSIGN_HMAC_KEYS: 'not-the-docusign-key' }, 401],
    ['dropbox-sign', 'signature_request_all_signed', { DROPBOX_SIGN_API_KEY: 'not-the-dropbox-key' }, 401],
    ['yousign', 'signer.done', { YOUSIGN_SECRETS: 'not-the-yousign-secret' }, 401],
    ['pandadoc', 'document_state_changed', { PANDADOC_SHARED_KEYS: 'not-the-pandadoc-key' }, 401],
    ['boldsign', 'Completed', { BOLDSIGN_SECRETS: 'not-the-boldsign-secret' }, 401],
  ] as const)('%s: refused (%s) with other credentials, and the CLI exits 1', async (platform, event, other, status) => {
    const result = await runCli(['send', platform, event, '--to', server.url], { ...env, ...other });
    expect(result.code).toBe(EXIT.FAILED);
    expect(result.stdout).toMatch(new RegExp(`^-> ${status} `, 'm'));
    expect(result.stdout).toMatch(/"code":"AUTH_(INVALID|FORBIDDEN)"/);
    for (const secret of Object.values(other)) expect(result.stdout + result.stderr).not.toContain(secret.split(':').at(-1));
  });

  it('as a process: exit codes 0 and 1, and secrets given as flags are never printed', async () => {
    const ok = await cliProcess(['send', 'docstudio', 'SENT', '--to', server.url, '--login', 'hooks', '--password', SECRETS.docstudio], {});
    expect([ok.code, ok.stderr]).toEqual([EXIT.OK, '']);
    const refused = await cliProcess(['send', 'docstudio', 'SENT', '--to', server.url, '--login', 'hooks', '--password', 'a-guessed-password'], {});
    expect(refused.code).toBe(EXIT.FAILED);
    expect(refused.stdout + refused.stderr).not.toContain('a-guessed-password');
    expect(ok.stdout + ok.stderr).not.toContain(SECRETS.docstudio);
  });

  it('--secret signs the new platforms\' deliveries and is never printed; PandaDoc\'s signature travels in the query', async () => {
    const before = handled('pandadoc', 'document_updated');
    const ok = await runCli(['send', 'pandadoc', 'document_updated', '--to', server.url, '--secret', 'send-test-pandadoc-shared-key'], {});
    expect([ok.code, ok.stderr]).toEqual([EXIT.OK, '']);
    expect(await until(() => handled('pandadoc', 'document_updated') === before + 1)).toBe(true);
    const refused = await runCli(['send', 'yousign', 'signer.notified', '--to', server.url, '--secret', 'a-guessed-yousign-secret'], env);
    expect(refused.code).toBe(EXIT.FAILED);
    expect(refused.stdout + refused.stderr).not.toContain('a-guessed-yousign-secret');
    expect(ok.stdout + ok.stderr).not.toContain('send-test-pandadoc-shared-key');
    expect(ok.stdout).not.toContain('signature=');
  });

  it('--repeat N --concurrency C: N distinct events, a summary by status', async () => {
    const before = handled('signit', 'participantConfirmed');
    const result = await runCli(['send', 'signit', 'participantConfirmed', '--to', server.url, '--repeat', '30', '--concurrency', '6'], env);
    expect(result.code).toBe(EXIT.OK);
    expect(result.stdout).toContain(`sent 30 signit participantConfirmed deliveries to ${server.url}/webhooks/signit, 6 at a time`);
    expect(result.stdout).toMatch(/^ {2}200: 30$/m);
    expect(result.stdout).toMatch(/^ {2}latency ms: p50 [\d.]+, p90 [\d.]+, p99 [\d.]+, max [\d.]+$/m);
    expect(await until(() => handled('signit', 'participantConfirmed') === before + 30)).toBe(true);
  });

  it('--payload merges fields over the body: the event id follows the uuid given', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-send-'));
    const file = join(dir, 'fields.json');
    writeFileSync(file, JSON.stringify({ uuid: '0f0f0f0f-1111-4222-8333-444444444444', subject: 'Lease' }));
    const result = await runCli(['send', 'docstudio', 'WAITING', '--to', server.url, '--payload', file], env);
    expect(result.code).toBe(EXIT.OK);
    expect(await until(() => server.events.some((e) => e.id.startsWith('docstudio:0f0f0f0f-1111-4222-8333-444444444444:WAITING')))).toBe(true);
    writeFileSync(file, '[1,2]');
    expect((await runCli(['send', 'docstudio', 'WAITING', '--to', server.url, '--payload', file], env)).code).toBe(EXIT.USAGE);
  });

  it('says what is wrong: an unknown platform or event, missing credentials, a receiver that is not there', async () => {
    const platform = await runCli(['send', 'hellosign', 'COMPLETED', '--to', server.url], env);
    expect([platform.code, platform.stderr]).toEqual([
      EXIT.USAGE,
      expect.stringContaining('unknown platform "hellosign": use one of adobe-sign, ignisign, signit, docstudio, docusign, dropbox-sign, yousign, pandadoc, boldsign'),
    ]);
    const docusignEvent = await runCli(['send', 'docusign', 'envelope-complete', '--to', server.url], env);
    expect([docusignEvent.code, docusignEvent.stderr]).toEqual([EXIT.USAGE, expect.stringContaining('did you mean envelope-completed')]);
    const event = await runCli(['send', 'docstudio', 'COMPLETE', '--to', server.url], env);
    expect([event.code, event.stderr]).toEqual([EXIT.USAGE, expect.stringContaining('did you mean COMPLETED?')]);
    expect((await runCli(['send', 'adobe-sign', 'AGREEMENT_TELEPORTED', '--to', server.url, '--allow-unknown'], env)).code).toBe(EXIT.OK);
    const missing = await runCli(['send', 'signit', 'envelopeCompleted', '--to', server.url], {});
    expect([missing.code, missing.stderr]).toEqual([EXIT.CONFIG, expect.stringContaining('set SIGNIT_APPS')]);
    for (const [platform, event, variable] of [
      ['docusign', 'envelope-sent', 'DOCUSIGN_HMAC_KEYS'],
      ['dropbox-sign', 'signature_request_sent', 'DROPBOX_SIGN_API_KEY'],
      ['yousign', 'signer.done', 'YOUSIGN_SECRETS'],
      ['pandadoc', 'document_updated', 'PANDADOC_SHARED_KEYS'],
      ['boldsign', 'Sent', 'BOLDSIGN_SECRETS'],
    ] as const) {
      const none = await runCli(['send', platform, event, '--to', server.url], {});
      expect([platform, none.code, none.stderr]).toEqual([platform, EXIT.CONFIG, expect.stringContaining(`set ${variable}`)]);
    }
    const nobody = await runCli(['send', 'docstudio', 'COMPLETED', '--to', 'http://127.0.0.1:9/webhooks/docstudio'], env);
    expect([nobody.code, nobody.stderr]).toEqual([EXIT.UNREACHABLE, expect.stringContaining('could not reach http://127.0.0.1:9/webhooks/docstudio')]);
    const help = await runCli(['send', '--help'], env);
    expect([help.code, help.stdout]).toEqual([EXIT.OK, expect.stringContaining('--repeat <n>')]);
  });
});
