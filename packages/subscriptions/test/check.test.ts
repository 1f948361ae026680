import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type {
  adobeSignWebhooks,
  docstudioCallbacks,
  ignisignWebhooks,
  signitWebhooks} from '../src/index.js';
import {
  subscriptionFor,
  subscriptions,
  type CheckReport,
  type Finding,
  type FindingKind,
  type SubscriptionManager,
} from '../src/index.js';
import { DOCSTUDIO, ENVELOPE, manager, setupFor, startPlatforms, startReceiver, type Platforms, type RunningReceiver } from './support.js';

let platforms: Platforms;
let receiver: RunningReceiver;
let subs: SubscriptionManager;
let docstudio: ReturnType<typeof docstudioCallbacks>;
let adobe: ReturnType<typeof adobeSignWebhooks>;
let signit: ReturnType<typeof signitWebhooks>;
let ignisign: ReturnType<typeof ignisignWebhooks>;

beforeEach(async () => {
  platforms = await startPlatforms();
  receiver = await startReceiver(platforms);
  subs = manager(platforms, receiver.url);
  const clients = setupFor(platforms, receiver.url).clients!;
  docstudio = clients.docstudio as typeof docstudio;
  adobe = clients['adobe-sign'] as typeof adobe;
  signit = clients.signit as typeof signit;
  ignisign = clients.ignisign as typeof ignisign;
});
afterEach(async () => {
  await receiver.close();
  await platforms.close();
});

const url = (endpoint: string): string => `${receiver.url}/webhooks/${endpoint}`;
const kinds = (report: CheckReport): Array<[string, FindingKind]> => report.findings.map((f) => [f.endpoint, f.kind]);
const one = (report: CheckReport, kind: FindingKind): Finding => {
  const found = report.findings.filter((f) => f.kind === kind);
  expect(found, `exactly one ${kind} in ${JSON.stringify(kinds(report))}`).toHaveLength(1);
  return found[0] as Finding;
};
/** The right DocStudio callback, with `changes` planted. */
const docstudioCallback = (changes: Record<string, unknown> = {}) =>
  docstudio.add({ filter: {}, url: url('docstudio'), retries: 10, timeout: 5000, successCode: 202, login: DOCSTUDIO.login, password: DOCSTUDIO.password, ...changes });

/** After `apply`, the endpoint matches: the finding's fix works. */
async function mendedBy(endpoint: string): Promise<void> {
  const result = await subs.apply(await subs.plan({ endpoints: [endpoint] }));
  expect(result.failed).toBe(0);
  expect(kinds(await subs.check({ endpoints: [endpoint] }))).toEqual([]);
}

describe('check', () => {
  it('reports nothing on a matching setup, every handler registered and the test deliveries answered', async () => {
    await subs.apply(await subs.plan());
    const report = await subs.check({ handled: ['docstudio:*', 'adobe-sign:*', 'signit:*', 'ignisign:*'], testDelivery: true, docstudioEnvelope: ENVELOPE });
    expect(report.findings).toEqual([]);
    expect(report.endpoints.map((e) => e.status)).toEqual(['checked', 'checked', 'checked', 'checked']);
    expect(report.tests.map((t) => [t.kind, t.outcome])).toEqual([
      ['docstudio-send', 'passed'],
      ['adobe-sign-intent', 'passed'],
      ['ignisign-resend', 'skipped'],
    ]);
  });

  it('missing: no subscription at all, for every endpoint', async () => {
    const report = await subs.check();
    expect(kinds(report)).toEqual([
      ['docstudio', 'missing'],
      ['adobe-sign', 'missing'],
      ['signit', 'missing'],
      ['ignisign', 'missing'],
    ]);
    for (const f of report.findings) expect(f).toMatchObject({ severity: 'error', fix: expect.stringContaining('apply'), repair: { action: 'create' } });
  });

  it('url-mismatch: a DocStudio callback to an old host (re-created) and a SignIt webhook elsewhere (updated)', async () => {
    await docstudioCallback({ url: 'https://old-tunnel.example.net/webhooks/docstudio' });
    await signit.create({ webhookName: 'countersign:signit', webhookUrl: 'https://old.example.net/hooks', events: ['envelopeCompleted'], status: 1 });
    const report = await subs.check({ endpoints: ['docstudio', 'signit'] });
    const [ds, si] = report.findings.filter((f) => f.kind === 'url-mismatch');
    expect(ds).toMatchObject({ endpoint: 'docstudio', repair: { action: 'replace', from: 'https://old-tunnel.example.net/webhooks/docstudio', to: url('docstudio') } });
    expect(ds?.message).toContain('old-tunnel.example.net');
    expect(si).toMatchObject({ endpoint: 'signit', repair: { action: 'update', to: url('signit') } });
    await mendedBy('docstudio');
    await mendedBy('signit');
    expect(platforms.docstudio.callbacks().map((c) => c.url)).toEqual([url('docstudio')]);
  });

  it('events-missing: an Acrobat Sign webhook for agreements only', async () => {
    await adobe.create({ name: 'countersign:adobe-sign', scope: 'ACCOUNT', state: 'ACTIVE', webhookSubscriptionEvents: ['AGREEMENT_ALL'], webhookUrlInfo: { url: url('adobe-sign') } });
    const f = one(await subs.check({ endpoints: ['adobe-sign'] }), 'events-missing');
    expect(f.message).toContain('WIDGET_CREATED');
    expect(f.message).not.toContain('AGREEMENT_CREATED');
    expect(f).toMatchObject({ severity: 'error', repair: { action: 'update', field: 'events' } });
    await mendedBy('adobe-sign');
  });

  it('events-extra: a SignIt webhook with more events than the endpoint subscribes to', async () => {
    subs = manager(platforms, receiver.url, { signit: subscriptionFor('signit', { events: ['envelopeCompleted', 'envelopeReject'] }) });
    await signit.create({ webhookName: 'countersign:signit', webhookUrl: url('signit'), events: ['envelopeCompleted', 'envelopeReject', 'recipientConfirm'], status: 1 });
    const f = one(await subs.check({ endpoints: ['signit'] }), 'events-extra');
    expect(f).toMatchObject({ severity: 'warning', message: expect.stringContaining('recipientConfirm'), fix: expect.stringContaining('envelopeCompleted,envelopeReject') });
    await mendedBy('signit');
    expect(platforms.signit.webhooks()[0]?.event).toEqual(['envelopeCompleted', 'envelopeReject']);
  });

  it('events-unhandled: subscribed events no handler covers', async () => {
    await subs.apply(await subs.plan());
    const report = await subs.check({ handled: ['docstudio:COMPLETED', 'adobe-sign:AGREEMENT', 'adobe-sign:WIDGET', 'adobe-sign:MEGASIGN', 'signit:envelope', 'ignisign:SIGNATURE_REQUEST.LAUNCHED'] });
    const unhandled = Object.fromEntries(report.findings.filter((f) => f.kind === 'events-unhandled').map((f) => [f.endpoint, f.message]));
    expect(Object.keys(unhandled)).toEqual(['docstudio', 'adobe-sign', 'signit', 'ignisign']);
    expect(unhandled.docstudio).toContain('WAITING, EXPIRED, CANCELLED');
    expect(unhandled['adobe-sign']).toContain('LIBRARY_DOCUMENT_CREATED');
    expect(unhandled['adobe-sign']).not.toContain('WIDGET_CREATED');
    expect(unhandled.signit).toContain('recipientConfirm, recipientReject');
    expect(unhandled.ignisign).not.toContain('SIGNATURE_REQUEST,');
    expect(unhandled.ignisign).toContain('APP');
    expect(report.findings.find((f) => f.kind === 'events-unhandled')?.fix).toContain("receiver.on('docstudio:WAITING'");
    expect(report.findings.every((f) => f.kind === 'events-unhandled')).toBe(true);
  });

  it('filter-restricted: a DocStudio callback that also filters on a label', async () => {
    await docstudioCallback({ filter: { label: ['hr'] } });
    const f = one(await subs.check({ endpoints: ['docstudio'] }), 'filter-restricted');
    expect(f.message).toContain('"label":["hr"]');
    await mendedBy('docstudio');
  });

  it('success-code-mismatch: DocStudio expects 200, the receiver answers 202, so DocStudio retries every delivery', async () => {
    await docstudioCallback({ successCode: 200, retries: 2 });
    const f = one(await subs.check({ endpoints: ['docstudio'] }), 'success-code-mismatch');
    expect(f).toMatchObject({ severity: 'error', fix: expect.stringContaining('DOCSTUDIO_SUCCESS_CODE'), repair: { action: 'replace', from: '200', to: '202' } });
    // What the mismatch does: every attempt counts as failed.
    expect((await platforms.docstudio.emit(ENVELOPE)).map((d) => d.status)).toEqual([202, 202, 202]);
    await mendedBy('docstudio');
    expect((await platforms.docstudio.emit(ENVELOPE)).map((d) => d.status)).toEqual([202]);
  });

  it("timeout-too-short: DocStudio gives up before the receiver's budget", async () => {
    await docstudioCallback({ timeout: 1000 });
    const f = one(await subs.check({ endpoints: ['docstudio'] }), 'timeout-too-short');
    expect(f).toMatchObject({ severity: 'error', repair: { from: '1000', to: '5000' } });
    expect(f.message).toContain('1000 ms');
    await mendedBy('docstudio');
  });

  it('retries-mismatch: fewer retries than configured', async () => {
    await docstudioCallback({ retries: 0 });
    expect(one(await subs.check({ endpoints: ['docstudio'] }), 'retries-mismatch')).toMatchObject({ severity: 'error', repair: { from: '0', to: '10' } });
    await mendedBy('docstudio');
  });

  it('credentials-unset: a DocStudio callback without the Basic credentials the receiver requires', async () => {
    await docstudio.add({ filter: {}, url: url('docstudio'), retries: 10, timeout: 5000, successCode: 202 });
    const f = one(await subs.check({ endpoints: ['docstudio'] }), 'credentials-unset');
    expect(f.fix).toContain('DOCSTUDIO_LOGIN');
    expect((await platforms.docstudio.emit(ENVELOPE))[0]?.status).toBe(401);
    await mendedBy('docstudio');
    expect(platforms.docstudio.callbacks()).toMatchObject([{ authType: 'BASIC' }]);
  });

  it('disabled: an Acrobat Sign webhook disabled after failures (re-activated by apply)', async () => {
    await subs.apply(await subs.plan({ endpoints: ['adobe-sign'] }));
    platforms.adobe.disable(platforms.adobe.webhooks()[0]!.id);
    const f = one(await subs.check({ endpoints: ['adobe-sign'] }), 'disabled');
    expect(f).toMatchObject({ severity: 'error', message: expect.stringContaining('72 h'), repair: { action: 'reactivate' } });
    await mendedBy('adobe-sign');
  });

  it('disabled: a SignIt webhook switched off (switched on by apply)', async () => {
    await signit.create({ webhookName: 'countersign:signit', webhookUrl: url('signit'), events: [...(subscriptionFor('signit', {}).events)], status: 0 });
    expect(one(await subs.check({ endpoints: ['signit'] }), 'disabled')).toMatchObject({ repair: { action: 'update', field: 'status' } });
    await mendedBy('signit');
    expect(platforms.signit.webhooks().map((w) => w.status)).toEqual([1]);
  });

  it('disabled: an Ignisign endpoint Ignisign disabled (a console fix, listed by the plan)', async () => {
    await subs.apply(await subs.plan({ endpoints: ['ignisign'] }));
    platforms.ignisign.disable(platforms.ignisign.endpoints()[0]!._id);
    const f = one(await subs.check({ endpoints: ['ignisign'] }), 'disabled');
    expect(f.repair).toBeUndefined();
    expect(f.fix).toContain('Ignisign console');
    const plan = await subs.plan({ endpoints: ['ignisign'] });
    expect(plan.changes).toBe(0);
    expect(plan.endpoints[0]?.manual.map((m) => m.kind)).toEqual(['disabled']);
  });

  it('duplicate: two DocStudio callbacks to the same URL (one removed by apply)', async () => {
    await docstudioCallback();
    await docstudioCallback();
    expect(one(await subs.check({ endpoints: ['docstudio'] }), 'duplicate')).toMatchObject({ severity: 'warning', repair: { action: 'remove' } });
    await mendedBy('docstudio');
    expect(platforms.docstudio.callbacks()).toHaveLength(1);
  });

  it("stale: an old Ignisign endpoint of this endpoint's beside the right one", async () => {
    await ignisign.add({ url: url('ignisign'), description: 'countersign:ignisign' });
    await ignisign.add({ url: 'https://old.example.net/ignisign-hook', description: 'countersign:ignisign' });
    await ignisign.add({ url: 'https://other-app.example.net/hook', description: 'another integration' });
    expect(one(await subs.check({ endpoints: ['ignisign'] }), 'stale')).toMatchObject({ message: expect.stringContaining('old.example.net') });
    await mendedBy('ignisign');
    expect(platforms.ignisign.endpoints().map((e) => e.url).sort()).toEqual([url('ignisign'), 'https://other-app.example.net/hook'].sort());
  });

  it('client-id-not-allowed: the API application creating the webhook is not in the receiver\'s client ids', async () => {
    subs = manager(platforms, receiver.url, { 'adobe-sign': subscriptionFor('adobe-sign', { clientIds: ['UB7E5BXCXY', 'CBJCHBCAABAAotherapp'], clientId: platforms.adobe.clientId }) });
    const f = one(await subs.check({ endpoints: ['adobe-sign'] }), 'client-id-not-allowed');
    expect(f.fix).toContain('ADOBE_SIGN_CLIENT_IDS');
    expect(f.fix).toContain(platforms.adobe.clientId);
    // The plan shows it before creating anything.
    expect((await subs.plan({ endpoints: ['adobe-sign'] })).endpoints[0]?.manual.map((m) => m.kind)).toEqual(['client-id-not-allowed']);
  });

  it("test-delivery-failed: DocStudio's test delivery with credentials the receiver refuses", async () => {
    await docstudioCallback({ password: 'an-old-password' });
    const report = await subs.check({ endpoints: ['docstudio'], testDelivery: true, docstudioEnvelope: ENVELOPE });
    const f = one(report, 'test-delivery-failed');
    expect(f.message).toContain('401');
    expect(f.message).toContain('login or password');
    expect(report.tests).toMatchObject([{ outcome: 'failed', status: 401 }]);
    expect(JSON.stringify(report)).not.toContain('an-old-password');
    expect(JSON.stringify(report)).not.toContain(DOCSTUDIO.password);
  });

  it("test-delivery-failed: the intent GET to a receiver that stopped allowing the API application's client id", async () => {
    await subs.apply(await subs.plan({ endpoints: ['adobe-sign'] }));
    const port = Number(new URL(receiver.url).port);
    await receiver.close();
    receiver = await startReceiver(platforms, { adobeClientIds: ['CBJCHBCAABAAsomeoneelse01'], port });
    const report = await subs.check({ endpoints: ['adobe-sign'], testDelivery: true });
    const f = one(report, 'test-delivery-failed');
    expect(f.message).toContain('403');
    expect(f.message).toContain('would not activate');
    expect(report.tests).toMatchObject([{ kind: 'adobe-sign-intent', outcome: 'failed', status: 403 }]);
  });

  it('an endpoint without API access is skipped, saying so', async () => {
    const setup = setupFor(platforms, receiver.url);
    const partial = subscriptions({ ...setup, clients: { docstudio: setup.clients!.docstudio } });
    const report = await partial.check();
    expect(report.endpoints.map((e) => [e.endpoint, e.status])).toEqual([
      ['docstudio', 'checked'],
      ['adobe-sign', 'skipped'],
      ['signit', 'skipped'],
      ['ignisign', 'skipped'],
    ]);
    expect(report.endpoints[1]?.reason).toContain('no API access to Acrobat Sign');
  });
});

describe("docstudio: the callback's timeout is callbackTimeoutMs, as in docstudio()", () => {
  it('reads callbackTimeoutMs, and timeoutMs alone as its deprecated name; beside it timeoutMs is the budget', () => {
    expect(subscriptionFor('docstudio', { ...DOCSTUDIO, callbackTimeoutMs: 8000 })).toMatchObject({ callbackTimeoutMs: 8000, timeoutMs: 8000 });
    expect(subscriptionFor('docstudio', { ...DOCSTUDIO, timeoutMs: 7000 })).toMatchObject({ callbackTimeoutMs: 7000 });
    expect(subscriptionFor('docstudio', { ...DOCSTUDIO, callbackTimeoutMs: 8000, timeoutMs: 3000 })).toMatchObject({ callbackTimeoutMs: 8000 });
    expect(subscriptionFor('docstudio', DOCSTUDIO)).toMatchObject({ callbackTimeoutMs: 5000 });
    expect(() => subscriptionFor('docstudio', { ...DOCSTUDIO, callbackTimeoutMs: 99 })).toThrow(/callbackTimeoutMs/);
  });
});
