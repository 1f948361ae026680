/**
 * The demo: starts the reference server (src/server.ts) with a local stand-in for Ignisign's verification API,
 * sends it realistic deliveries from every platform (handshake, events, duplicates, forgeries, malformed bodies)
 * and shows what was accepted, refused and dispatched.
 *
 *   npx -y pnpm@10.34.8 demo                                     in-memory mode: one process, nothing to install
 *   REDIS_URL=redis://127.0.0.1:6379 npx -y pnpm@10.34.8 demo    production mode: Redis dedupe + BullMQ, the server
 *                                                                only receives and examples/worker runs the handlers
 *
 * In production mode the demo uses a queue and a key prefix of its own (`countersign-demo-<pid>-<random>`) and
 * deletes every key it wrote when it ends, also after a failure or Ctrl-C.
 * Exits non-zero if any answer or dispatch differs from what the delivery is meant to show.
 */
import { randomBytes } from 'node:crypto';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { closeRedisClient, createRedisClient } from '@countersign/redis';
import {
  adobeSignDelivery,
  adobeSignHandshake,
  boldsignDelivery,
  docstudioDelivery,
  docusignDelivery,
  dropboxSignDelivery,
  fakeIgnisignApi,
  ignisignDelivery,
  pandadocDelivery,
  sendDelivery,
  signitDelivery,
  yousignDelivery,
  type SimulatedDelivery,
} from '@countersign/testing';

const ADOBE_CLIENT_ID = 'CBJCHBCAABAA5a9c0de1client';
const IGNISIGN_APP = { appId: 'appId_e5d6bcfb-e9f4-4858-8027-b65e1a170bd7', appEnv: 'DEVELOPMENT' } as const;
const SIGNIT_APP = { appId: '16aa4db191c3eebbcfde3dd95a1', appSecret: 'sk5f9e87967150fe485d5f047cc300c2ce' };
const DOCSTUDIO = { login: 'hooks', password: 's3cret-Pa55', successCode: 202 };
const DOCUSIGN_HMAC_KEY = 'demo-connect-hmac-key-Qm9ndXM=';
const DROPBOX_SIGN_API_KEY = 'demo-dropbox-sign-api-key-5f1c';
const YOUSIGN_SECRET = 'demo-yousign-secret-4b5683893752';
const PANDADOC_SHARED_KEY = 'demo-pandadoc-shared-key-bnk7';
const BOLDSIGN_SECRET = 'demo-boldsign-secret-whsec-81d3';

/** `ping`: a platform's verification ping, answered 2xx and never dispatched. */
type Expect = 'handshake' | 'ping' | 'accepted' | 'duplicate' | 'refused';
interface Step {
  platform: string;
  what: string;
  endpoint: string;
  delivery: SimulatedDelivery;
  expect: Expect;
  /** The event name(s) that must be dispatched once each for this step (accepted steps only; a batch has several). */
  dispatches?: string | readonly string[];
}

const color = process.stdout.isTTY ? (code: number, s: string): string => `\x1b[${code}m${s}\x1b[0m` : (_: number, s: string): string => s;
const green = (s: string): string => color(32, s);
const red = (s: string): string => color(31, s);
const dim = (s: string): string => color(2, s);

async function buildSteps(ignisignApi: { addToken(token: string): void }): Promise<Step[]> {
  const created = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: ADOBE_CLIENT_ID });
  const launched = ignisignDelivery({
    ...IGNISIGN_APP,
    topic: 'SIGNATURE_REQUEST',
    action: 'LAUNCHED',
    content: {
      signatureRequestId: '672d206d10e44e00125eac63',
      signatureRequestExternalId: 'contract-2024-0042',
      status: 'IN_PROGRESS',
      signers: { signersBySide: [{ signerId: '672d1f3a10e44e00125eab10', signerExternalId: 'customer-17' }], signersEmbedded: [] },
    },
  });
  const finalized = ignisignDelivery({
    ...IGNISIGN_APP,
    topic: 'SIGNATURE',
    action: 'FINALIZED',
    content: {
      ...IGNISIGN_APP,
      documentNature: 'PDF',
      signerId: '672d1f3a10e44e00125eab10',
      documentId: '672d206d9902ba0012e9a7f0',
      signatureRequestId: '672d206d10e44e00125eac63',
      signatureId: '672d2a0110e44e00125ead01',
    },
  });
  // Ignisign's retry of an event carries the same content under a fresh verification token.
  const finalizedRetry = ignisignDelivery({ ...IGNISIGN_APP, topic: 'SIGNATURE', action: 'FINALIZED', content: JSON.parse(finalized.body).content as unknown });
  const forgedIgnisign = ignisignDelivery({ ...IGNISIGN_APP, topic: 'SIGNATURE_REQUEST', action: 'COMPLETED', content: { signatureRequestId: 'forged' } });
  ignisignApi.addToken(launched.token);
  ignisignApi.addToken(finalized.token);
  ignisignApi.addToken(finalizedRetry.token);

  const envelopeRawData = {
    code: '100600000',
    invokeNo: '202611220912463824001721298001',
    customTag: 'contract-2024-0042',
    basicEnvelope: { wsid: 'WSID_ENVE_0000018c5b1d1c87e294b6c7f50d0001', status: 'ED_COMPLETED' },
  };
  const signitCompleted = await signitDelivery({ ...SIGNIT_APP, event: 'envelopeCompleted', rawData: envelopeRawData });
  const signitTampered = { ...signitCompleted, body: signitCompleted.body.replace('ED_COMPLETED', 'ED_REVOKED__') };
  const docCompleted = docstudioDelivery({ login: DOCSTUDIO.login, password: DOCSTUDIO.password, status: 'COMPLETED' });
  const docWrongPassword = docstudioDelivery({ login: DOCSTUDIO.login, password: 'guess', status: 'COMPLETED' });

  const envelopeId = '5a1c7a0e-9a0b-4b7e-8c1f-2f3d4e5a6b7c';
  const docusignCompleted = await docusignDelivery({ hmacKeys: DOCUSIGN_HMAC_KEY, event: 'envelope-completed', data: { envelopeId } });
  const docusignForged = await docusignDelivery({ hmacKeys: 'a-key-docusign-never-gave-us', event: 'envelope-voided', data: { envelopeId } });

  const dropboxRequest = {
    signature_request_id: 'fa5c8a0b0f492d768749333ad6fcc214c111e967',
    title: 'NDA with Acme Co.',
    is_complete: false,
    signatures: [{ signature_id: '78caf2a1d01cd39cea2bc1cbb340dac3', signer_email_address: 'jack@example.com', signer_name: 'Jack', status_code: 'signed' }],
  };
  const dropboxSigned = await dropboxSignDelivery({
    apiKey: DROPBOX_SIGN_API_KEY,
    eventType: 'signature_request_signed',
    metadata: { related_signature_id: '78caf2a1d01cd39cea2bc1cbb340dac3', reported_for_account_id: '63522885f9261e2b04eea043933ee7313eb674fd' },
    signatureRequest: dropboxRequest,
  });
  const dropboxTest = await dropboxSignDelivery({ apiKey: DROPBOX_SIGN_API_KEY, eventType: 'callback_test' });
  const dropboxForged = await dropboxSignDelivery({ apiKey: 'not-the-account-key', eventType: 'signature_request_all_signed', signatureRequest: dropboxRequest });

  const signatureRequest = { id: '1755e012-389f-433d-8e75-ac37cad6de75', status: 'ongoing' };
  const yousignSignerDone = await yousignDelivery({
    secret: YOUSIGN_SECRET,
    eventName: 'signer.done',
    data: { signature_request: signatureRequest, signer: { id: '874d03d0-3139-4e5c-9c1e-1e6d0b6a27c4', status: 'signed', info: { email: 'ana@example.com', first_name: 'Ana', last_name: 'Silva' } } },
  });
  const yousignRetried = await yousignDelivery({ secret: YOUSIGN_SECRET, eventName: 'signer.done', body: yousignSignerDone.body, retry: 1 });
  const yousignTampered = { ...yousignSignerDone, body: yousignSignerDone.body.replace('"signed"', '"refused"') };

  const pandaDocument = (status: string, at: string) => ({ id: 'm1IfRD1wGcgOFFsmCnZEKs', name: 'Proposal for Acme Corp', status, date_modified: at });
  const pandadocBatch = await pandadocDelivery({
    sharedKey: PANDADOC_SHARED_KEY,
    notifications: [
      { event: 'recipient_completed', data: { ...pandaDocument('document.completed', '2026-03-15T01:43:20Z'), action_date: '2026-03-15T01:43:20Z', action_by: { id: 'oLg6PHtSq4wxWZOdx5YaWO', email: 'dana.kim@example.com' } } },
      { event: 'document_state_changed', data: pandaDocument('document.completed', '2026-03-15T01:43:21Z') },
    ],
  });
  const pandadocForged = { ...pandadocBatch, query: 'signature=0000000000000000000000000000000000000000000000000000000000000000' };

  const boldsignData = { object: 'document', documentId: '1e6adb4e-7dda-4d4f-b043-62ff6c692556', status: 'Completed', messageTitle: 'Service Agreement' };
  const boldsignVerification = await boldsignDelivery({ secret: BOLDSIGN_SECRET, eventType: 'Verification' });
  const boldsignCompleted = await boldsignDelivery({ secret: BOLDSIGN_SECRET, eventType: 'Completed', data: boldsignData });
  const boldsignStale = await boldsignDelivery({ secret: BOLDSIGN_SECRET, eventType: 'Completed', data: boldsignData, timestamp: Math.floor(Date.now() / 1000) - 3600 });

  return [
    { platform: 'Adobe Sign', what: 'GET verification of intent', endpoint: 'adobe-sign', delivery: adobeSignHandshake(ADOBE_CLIENT_ID), expect: 'handshake' },
    { platform: 'Adobe Sign', what: 'AGREEMENT_CREATED', endpoint: 'adobe-sign', delivery: created, expect: 'accepted', dispatches: 'AGREEMENT_CREATED' },
    {
      platform: 'Adobe Sign',
      what: 'AGREEMENT_WORKFLOW_COMPLETED with signed PDF',
      endpoint: 'adobe-sign',
      delivery: adobeSignDelivery({ event: 'AGREEMENT_WORKFLOW_COMPLETED', clientId: ADOBE_CLIENT_ID, signedDocument: '%PDF-1.7 demo' }),
      expect: 'accepted',
      dispatches: 'AGREEMENT_WORKFLOW_COMPLETED',
    },
    { platform: 'Adobe Sign', what: 'AGREEMENT_CREATED again (platform retry)', endpoint: 'adobe-sign', delivery: created, expect: 'duplicate' },
    {
      platform: 'Adobe Sign',
      what: 'a future event countersign does not know',
      endpoint: 'adobe-sign',
      delivery: adobeSignDelivery({ event: 'AGREEMENT_TELEPORTED', clientId: ADOBE_CLIENT_ID }),
      expect: 'accepted',
      dispatches: 'AGREEMENT_TELEPORTED',
    },
    {
      platform: 'Adobe Sign',
      what: 'forged: unknown client id',
      endpoint: 'adobe-sign',
      delivery: adobeSignDelivery({ event: 'AGREEMENT_WORKFLOW_COMPLETED', clientId: 'ATTACKER' }),
      expect: 'refused',
    },
    {
      platform: 'Adobe Sign',
      what: 'malformed JSON',
      endpoint: 'adobe-sign',
      delivery: { ...created, body: '{"webhookNotificationId": ' },
      expect: 'refused',
    },
    { platform: 'Ignisign', what: 'SIGNATURE_REQUEST.LAUNCHED', endpoint: 'ignisign', delivery: launched, expect: 'accepted', dispatches: 'SIGNATURE_REQUEST.LAUNCHED' },
    { platform: 'Ignisign', what: 'SIGNATURE.FINALIZED', endpoint: 'ignisign', delivery: finalized, expect: 'accepted', dispatches: 'SIGNATURE.FINALIZED' },
    { platform: 'Ignisign', what: 'SIGNATURE.FINALIZED again (platform retry, new token)', endpoint: 'ignisign', delivery: finalizedRetry, expect: 'duplicate' },
    { platform: 'Ignisign', what: 'forged: token the API does not know', endpoint: 'ignisign', delivery: forgedIgnisign, expect: 'refused' },
    {
      platform: 'Ignisign',
      what: 'forged: another app id (no API call)',
      endpoint: 'ignisign',
      delivery: ignisignDelivery({ appId: 'appId_someone-else', appEnv: 'DEVELOPMENT', topic: 'SIGNER', action: 'CREATED', content: { signerId: 'x' } }),
      expect: 'refused',
    },
    { platform: 'SignIt', what: 'envelopeCompleted (HMAC-SHA512)', endpoint: 'signit', delivery: signitCompleted, expect: 'accepted', dispatches: 'envelopeCompleted' },
    { platform: 'SignIt', what: 'envelopeCompleted again', endpoint: 'signit', delivery: signitCompleted, expect: 'duplicate' },
    { platform: 'SignIt', what: 'forged: body changed after signing', endpoint: 'signit', delivery: signitTampered, expect: 'refused' },
    { platform: 'DocStudio', what: 'COMPLETED (Basic auth, success code 202)', endpoint: 'docstudio', delivery: docCompleted, expect: 'accepted', dispatches: 'COMPLETED' },
    { platform: 'DocStudio', what: 'COMPLETED again', endpoint: 'docstudio', delivery: docCompleted, expect: 'duplicate' },
    { platform: 'DocStudio', what: 'forged: wrong password', endpoint: 'docstudio', delivery: docWrongPassword, expect: 'refused' },
    { platform: 'DocuSign', what: 'envelope-completed (HMAC-SHA256, Connect)', endpoint: 'docusign', delivery: docusignCompleted, expect: 'accepted', dispatches: 'envelope-completed' },
    { platform: 'DocuSign', what: 'envelope-completed again', endpoint: 'docusign', delivery: docusignCompleted, expect: 'duplicate' },
    { platform: 'DocuSign', what: 'forged: signed with an unknown key', endpoint: 'docusign', delivery: docusignForged, expect: 'refused' },
    { platform: 'Dropbox Sign', what: 'callback_test (answered, not queued)', endpoint: 'dropbox-sign', delivery: dropboxTest, expect: 'ping' },
    { platform: 'Dropbox Sign', what: 'signature_request_signed (multipart)', endpoint: 'dropbox-sign', delivery: dropboxSigned, expect: 'accepted', dispatches: 'signature_request_signed' },
    { platform: 'Dropbox Sign', what: 'signature_request_signed again', endpoint: 'dropbox-sign', delivery: dropboxSigned, expect: 'duplicate' },
    { platform: 'Dropbox Sign', what: 'forged: event_hash of another key', endpoint: 'dropbox-sign', delivery: dropboxForged, expect: 'refused' },
    { platform: 'Yousign', what: 'signer.done (X-Yousign-Signature-256)', endpoint: 'yousign', delivery: yousignSignerDone, expect: 'accepted', dispatches: 'signer.done' },
    { platform: 'Yousign', what: 'signer.done retried (X-Yousign-Retry: 1)', endpoint: 'yousign', delivery: yousignRetried, expect: 'duplicate' },
    { platform: 'Yousign', what: 'forged: body changed after signing', endpoint: 'yousign', delivery: yousignTampered, expect: 'refused' },
    {
      platform: 'PandaDoc',
      what: 'two notifications in one array (?signature=)',
      endpoint: 'pandadoc',
      delivery: pandadocBatch,
      expect: 'accepted',
      dispatches: ['recipient_completed', 'document_state_changed'],
    },
    { platform: 'PandaDoc', what: 'the same array again', endpoint: 'pandadoc', delivery: pandadocBatch, expect: 'duplicate' },
    { platform: 'PandaDoc', what: 'forged: wrong ?signature=', endpoint: 'pandadoc', delivery: pandadocForged, expect: 'refused' },
    { platform: 'BoldSign', what: 'Verification (answered, not queued)', endpoint: 'boldsign', delivery: boldsignVerification, expect: 'ping' },
    { platform: 'BoldSign', what: 'Completed (t=..., s0=...)', endpoint: 'boldsign', delivery: boldsignCompleted, expect: 'accepted', dispatches: 'Completed' },
    { platform: 'BoldSign', what: 'Completed again', endpoint: 'boldsign', delivery: boldsignCompleted, expect: 'duplicate' },
    { platform: 'BoldSign', what: 'replayed: signed an hour ago (300 s tolerance)', endpoint: 'boldsign', delivery: boldsignStale, expect: 'refused' },
  ];
}

interface Child {
  name: string;
  /** What the process printed on stdout, line by line (one JSON line per handled event). */
  lines: string[];
  stderr(): string;
  stop(): Promise<void>;
}

/** Start `script` (next to this file or in examples/worker) and resolve once its stderr matches `ready`. */
function startProcess(name: string, script: URL, env: Record<string, string>, ready: RegExp): Promise<{ child: Child; match: RegExpExecArray }> {
  const proc = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', fileURLToPath(script)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: string[] = [];
  let stdoutBuffer = '';
  let stderr = '';
  proc.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdoutBuffer += chunk;
    let nl;
    while ((nl = stdoutBuffer.indexOf('\n')) !== -1) {
      lines.push(stdoutBuffer.slice(0, nl));
      stdoutBuffer = stdoutBuffer.slice(nl + 1);
    }
  });
  const stop = (): Promise<void> =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGTERM');
    });
  const child: Child = { name, lines, stderr: () => stderr, stop };
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${name} did not start within 30 s:\n${stderr}`));
    }, 30_000);
    proc.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      const match = ready.exec(stderr);
      if (match) {
        clearTimeout(timer);
        resolve({ child, match });
      }
    });
    proc.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${name} exited (${code}):\n${stderr}`));
    });
  });
}

/** The URL without its password, for printing. */
function displayUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable REDIS_URL)';
  }
}

/**
 * Production mode's Redis side: a queue and a key prefix no other run uses, and the deletion of every key under
 * them. The demo's processes write `bull:<name>:*` (BullMQ) and `<name>:dedupe:*` (redisDedupe).
 */
class DemoRedis {
  readonly name = `countersign-demo-${process.pid}-${randomBytes(4).toString('hex')}`;
  readonly #client;
  constructor(readonly url: string) {
    this.#client = createRedisClient(url);
    this.#client.on('error', () => undefined); // reported by the commands that fail
  }
  get patterns(): string[] {
    return [`bull:${this.name}:*`, `${this.name}:*`];
  }
  /** Resolve once Redis answers (the URL's database and credentials included), or reject with why not. */
  async check(): Promise<void> {
    if (this.#client.status !== 'ready') {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no answer within 5 s (connection ${this.#client.status})`)), 5000);
        this.#client.once('ready', () => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
    await this.#client.ping();
  }
  /** Delete every key the demo's processes wrote; resolve with how many. */
  async removeKeys(): Promise<number> {
    let removed = 0;
    for (const pattern of this.patterns) {
      let cursor = '0';
      do {
        const [next, keys] = await this.#client.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
        if (keys.length > 0) removed += await this.#client.del(...keys);
        cursor = next;
      } while (cursor !== '0');
    }
    return removed;
  }
  close(): Promise<void> {
    return closeRedisClient(this.#client);
  }
}

function outcomeOf(status: number, expect: Expect): boolean {
  if (expect === 'refused') return status >= 400;
  return status >= 200 && status < 300;
}

async function main(): Promise<void> {
  const redisUrl = process.env.REDIS_URL || undefined;
  const redis = redisUrl === undefined ? undefined : new DemoRedis(redisUrl);
  if (redis !== undefined) {
    try {
      await redis.check();
    } catch (error) {
      await redis.close();
      console.error(red(`REDIS_URL is set, but Redis does not answer at ${displayUrl(redis.url)}: ${error instanceof Error ? error.message : String(error)}`));
      console.error('Start Redis, fix REDIS_URL, or unset it to run the demo in memory.');
      process.exit(1);
    }
  }

  const ignisign = await fakeIgnisignApi({ apiKey: 'demo-ignisign-api-key' });
  const env: Record<string, string> = {
    PORT: '0',
    LOG_LEVEL: 'info',
    ADOBE_SIGN_CLIENT_IDS: `${ADOBE_CLIENT_ID},UB7E5BXCXY`,
    IGNISIGN_APP_ID: IGNISIGN_APP.appId,
    IGNISIGN_APP_ENV: IGNISIGN_APP.appEnv,
    IGNISIGN_API_KEY: ignisign.apiKey,
    IGNISIGN_API_URL: ignisign.url,
    SIGNIT_APPS: `${SIGNIT_APP.appId}:${SIGNIT_APP.appSecret}`,
    DOCSTUDIO_LOGIN: DOCSTUDIO.login,
    DOCSTUDIO_PASSWORD: DOCSTUDIO.password,
    DOCSTUDIO_SUCCESS_CODE: String(DOCSTUDIO.successCode),
    DOCUSIGN_HMAC_KEYS: DOCUSIGN_HMAC_KEY,
    DROPBOX_SIGN_API_KEY,
    YOUSIGN_SECRETS: YOUSIGN_SECRET,
    PANDADOC_SHARED_KEYS: PANDADOC_SHARED_KEY,
    BOLDSIGN_SECRETS: BOLDSIGN_SECRET,
    ...(redis === undefined ? {} : { REDIS_URL: redis.url, COUNTERSIGN_QUEUE: redis.name, COUNTERSIGN_PREFIX: redis.name }),
  };

  const children: Child[] = [];
  let cleaned: Promise<void> | undefined;
  /** Stop the processes, the Ignisign stand-in and, in production mode, delete the demo's keys. Runs once. */
  const cleanup = (): Promise<void> =>
    (cleaned ??= (async () => {
      await Promise.all(children.map((child) => child.stop()));
      await ignisign.close();
      if (redis !== undefined) {
        try {
          const removed = await redis.removeKeys();
          console.log(dim(`Removed the ${removed} Redis keys the demo wrote (${redis.patterns.join(', ')}).`));
        } catch (error) {
          console.error(red(`Could not remove the demo's Redis keys (${redis.patterns.join(', ')}): ${String(error)}`));
        }
        await redis.close();
      }
    })());
  process.once('SIGINT', () => {
    void cleanup().then(() => process.exit(130));
  });

  let failures = 0;
  try {
    const { child: server, match } = await startProcess('the example server', new URL('./server.ts', import.meta.url), env, /"port":(\d+)/);
    children.push(server);
    const url = `http://127.0.0.1:${match[1]}`;
    // In production mode the server only receives; the worker runs the handlers and prints the events.
    let handler = server;
    if (redis !== undefined) {
      const { child: worker } = await startProcess('the example worker', new URL('../../worker/src/worker.ts', import.meta.url), env, /worker started/);
      children.push(worker);
      handler = worker;
      console.log(
        `countersign demo, production mode: Redis dedupe + BullMQ at ${displayUrl(redis.url)} (queue ${redis.name}).\n` +
          `The example receiver at ${url}/webhooks/<endpoint> only receives; a separate worker process runs the handlers. Ignisign API stand-in at ${ignisign.url}\n`,
      );
    } else {
      console.log(
        `countersign demo, in-memory mode: example receiver at ${url}/webhooks/<endpoint>, handlers in the same process. Ignisign API stand-in at ${ignisign.url}\n`,
      );
    }

    const steps = await buildSteps(ignisign);
    for (const step of steps) {
      const res = await sendDelivery(`${url}/webhooks/${step.endpoint}`, step.delivery);
      const ok = outcomeOf(res.status, step.expect);
      if (!ok) failures++;
      let detail = '';
      if (res.status >= 400) {
        try {
          detail = (JSON.parse(res.body) as { error: { code: string; message: string } }).error.code;
        } catch {
          detail = res.body.slice(0, 60);
        }
      } else if (step.endpoint === 'adobe-sign') {
        detail = `echo ${res.headers['x-adobesign-clientid'] ?? 'MISSING'}`;
      } else if (step.endpoint === 'dropbox-sign') {
        detail = JSON.stringify(res.body);
      }
      const mark = ok ? green('✓') : red('✗');
      console.log(`${mark} ${step.platform.padEnd(12)} ${step.what.padEnd(46)} -> ${String(res.status).padEnd(3)} ${step.expect.padEnd(9)} ${dim(detail)}`);
    }

    const expected = steps.flatMap((s) => (s.dispatches === undefined ? [] : typeof s.dispatches === 'string' ? [s.dispatches] : [...s.dispatches]));
    const deadline = Date.now() + (redis === undefined ? 5000 : 15_000);
    while (handler.lines.length < expected.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200)); // would reveal a second dispatch of a duplicate

    console.log(`\nDispatched to handlers (one JSON line per event on the ${redis === undefined ? "server's" : "worker's"} stdout):`);
    const names: string[] = [];
    const stages = new Map<string, number>();
    for (const line of handler.lines) {
      console.log(`  ${line}`);
      const event = JSON.parse(line) as { name: string; stage?: string };
      names.push(event.name);
      if (event.stage !== undefined) stages.set(event.stage, (stages.get(event.stage) ?? 0) + 1);
    }
    if (redis !== undefined && server.lines.length > 0) {
      failures++;
      console.log(red(`\nthe receiver dispatched events itself in production mode:\n  ${server.lines.join('\n  ')}`));
    }
    const sorted = (a: string[]): string => [...a].sort().join(',');
    if (sorted(names) !== sorted(expected)) {
      failures++;
      console.log(red(`\nexpected exactly these dispatches: ${expected.join(', ')}`));
    }
    const count = (e: Expect): number => steps.filter((s) => s.expect === e).length;
    console.log(
      `\n${steps.length} deliveries from ${new Set(steps.map((s) => s.platform)).size} platforms: ${count('handshake')} handshake, ${count('ping')} verification pings answered, ${count('accepted')} accepted, ${count('duplicate')} duplicates acknowledged and not dispatched again, ${count('refused')} refused; ${names.length} events dispatched; ${ignisign.calls.length} Ignisign token checks.`,
    );
    console.log(
      `One signing lifecycle across them (on('lifecycle:<stage>')): ${[...stages].map(([stage, n]) => `${stage} ${n}`).join(', ') || 'none'}.`,
    );
    if (failures > 0) {
      for (const child of children) console.log(dim(`\n${child.name} logged (stderr):\n${child.stderr().trimEnd()}`));
    }
    console.log(
      dim(
        redis === undefined
          ? 'In-memory mode: a crash loses acknowledged events that were not handled yet. Set REDIS_URL for Redis + BullMQ (docs/production.md).'
          : 'Production mode: each event was stored in Redis before its acknowledgement and handled by the worker; receivers and workers scale separately (docs/production.md).',
      ),
    );
  } finally {
    await cleanup();
  }
  if (failures > 0) {
    console.log(red(`\n${failures} unexpected result(s)`));
    process.exit(1);
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
