import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { formatPlan, subscriptionFor } from '../src/index.js';
import { DOCSTUDIO, ENVELOPE, manager, startPlatforms, startReceiver, type Platforms, type RunningReceiver } from './support.js';

let platforms: Platforms;
let receiver: RunningReceiver;

beforeEach(async () => {
  platforms = await startPlatforms();
  receiver = await startReceiver(platforms);
});
afterEach(async () => {
  await receiver.close();
  await platforms.close();
});

const mutating = (calls: ReadonlyArray<{ method: string }>): number => calls.filter((c) => c.method !== 'GET').length;

describe('plan and apply against the stand-ins', () => {
  it('creates on a fresh account the subscription each endpoint implies, then a second apply changes nothing', async () => {
    const subs = manager(platforms, receiver.url);
    const plan = await subs.plan();
    expect(plan.changes).toBe(4);
    expect(plan.endpoints.map((e) => [e.endpoint, e.actions.map((a) => a.kind)])).toEqual([
      ['docstudio', ['create']],
      ['adobe-sign', ['create']],
      ['signit', ['create']],
      ['ignisign', ['create']],
    ]);
    expect(formatPlan(plan).join('\n')).toContain(`url ${receiver.url}/webhooks/docstudio`);
    // Planning changes nothing.
    expect(platforms.docstudio.callbacks()).toHaveLength(0);

    const result = await subs.apply(plan);
    expect(result.failed).toBe(0);

    const [callback] = platforms.docstudio.callbacks();
    expect(callback).toMatchObject({ url: `${receiver.url}/webhooks/docstudio`, filter: {}, successCode: 202, timeout: 5000, retries: 10, authType: 'BASIC', login: 'hooks' });
    const [webhook] = platforms.adobe.webhooks();
    expect(webhook).toMatchObject({
      name: 'countersign:adobe-sign',
      scope: 'ACCOUNT',
      status: 'ACTIVE',
      webhookUrlInfo: { url: `${receiver.url}/webhooks/adobe-sign` },
      webhookSubscriptionEvents: ['AGREEMENT_ALL', 'WIDGET_ALL', 'MEGASIGN_ALL', 'LIBRARY_DOCUMENT_ALL'],
    });
    expect(platforms.adobe.intents).toEqual([{ url: `${receiver.url}/webhooks/adobe-sign`, webhookId: undefined, status: 200, echoed: true, passed: true }]);
    const [signitHook] = platforms.signit.webhooks();
    expect(signitHook).toMatchObject({ webhookName: 'countersign:signit', webhookUrl: `${receiver.url}/webhooks/signit`, status: 1 });
    expect(signitHook?.event).toHaveLength(7);
    expect(platforms.signit.refusals).toEqual([]);
    expect(platforms.ignisign.endpoints()).toMatchObject([{ url: `${receiver.url}/webhooks/ignisign`, description: 'countersign:ignisign', isDisabled: false, disabledTopics: [] }]);

    const before = [platforms.docstudio, platforms.adobe, platforms.signit, platforms.ignisign].map((p) => mutating(p.calls));
    const again = await subs.plan();
    expect(again.changes).toBe(0);
    expect(again.endpoints.every((e) => e.actions.length === 0 && e.manual.length === 0)).toBe(true);
    const second = await subs.apply(again);
    expect(second.actions).toEqual([]);
    expect([platforms.docstudio, platforms.adobe, platforms.signit, platforms.ignisign].map((p) => mutating(p.calls))).toEqual(before);
    expect((await subs.check()).findings).toEqual([]);
  });

  it("fires DocStudio's test delivery at the receiver, which answers the configured success code", async () => {
    const subs = manager(platforms, receiver.url, {});
    await subs.apply(await subs.plan({ endpoints: ['docstudio'] }));
    const report = await subs.check({ endpoints: ['docstudio'], testDelivery: true, docstudioEnvelope: ENVELOPE });
    expect(report.findings).toEqual([]);
    expect(report.tests).toEqual([
      { endpoint: 'docstudio', platform: 'docstudio', kind: 'docstudio-send', outcome: 'passed', status: DOCSTUDIO.successCode, detail: expect.stringContaining('202') },
    ]);
    expect(platforms.docstudio.deliveries).toMatchObject([{ envelopeUuid: ENVELOPE, status: 202, attempt: 1 }]);
    await expect.poll(() => receiver.handled).toEqual(['docstudio:COMPLETED']);
  });

  it('delivers what the platforms emit to the receiver once subscribed (each platform its own way)', async () => {
    const subs = manager(platforms, receiver.url);
    await subs.apply(await subs.plan());
    const [hook] = platforms.adobe.webhooks();
    expect(await platforms.adobe.notify(hook!.id, 'AGREEMENT_WORKFLOW_COMPLETED')).toMatchObject({ status: 200, echoed: true });
    expect(await platforms.signit.deliver('envelopeCompleted', { code: '100600000', invokeNo: 'inv-1', basicEnvelope: { wsid: 'E1', status: 'ED_COMPLETED' } }, SIGNIT_APP_FOR_TEST)).toMatchObject([{ status: 200 }]);
    expect(await platforms.ignisign.emit({ topic: 'SIGNER', action: 'CREATED', content: { signerId: 's-1' } })).toMatchObject([{ status: 'SUCCESS', response: { status: 200 } }]);
    expect(await platforms.docstudio.emit(ENVELOPE, 'WAITING')).toMatchObject([{ status: 202, attempt: 1 }]);
    await expect
      .poll(() => [...receiver.handled].sort())
      .toEqual(['adobe-sign:AGREEMENT_WORKFLOW_COMPLETED', 'docstudio:WAITING', 'ignisign:SIGNER.CREATED', 'signit:envelopeCompleted']);
  });

  it('Ignisign: resends the newest delivery at the receiver and reports its answer', async () => {
    const subs = manager(platforms, receiver.url);
    await subs.apply(await subs.plan({ endpoints: ['ignisign'] }));
    await platforms.ignisign.emit({ topic: 'SIGNATURE_REQUEST', action: 'LAUNCHED', content: { signatureRequestId: 'sr-1', status: 'IN_PROGRESS', signers: { signersBySide: [], signersEmbedded: [] } } });
    const report = await subs.check({ endpoints: ['ignisign'], testDelivery: true });
    expect(report.tests).toMatchObject([{ kind: 'ignisign-resend', outcome: 'passed', status: 200 }]);
  });

  it('an Ignisign endpoint subscribing to some topics gets the others disabled on creation', async () => {
    const subs = manager(platforms, receiver.url, { ignisign: subscriptionFor('ignisign', { events: ['SIGNATURE_REQUEST', 'SIGNATURE'] }) });
    await subs.apply(await subs.plan({ endpoints: ['ignisign'] }));
    const [endpoint] = platforms.ignisign.endpoints();
    expect(endpoint?.disabledTopics.sort()).toEqual(['APP', 'SIGNATURE_PROFILE', 'SIGNATURE_PROOF', 'SIGNATURE_SESSION', 'SIGNATURE_SIGNER_IMAGE', 'SIGNER']);
    expect(await platforms.ignisign.emit({ topic: 'SIGNER', action: 'CREATED', content: { signerId: 's-1' } })).toEqual([]);
  });
});

const SIGNIT_APP_FOR_TEST = { appId: '16aa4db191c3eebbcfde3dd95a1', appSecret: 'signit-app-secret-value' };

describe("Acrobat Sign's verification of intent", () => {
  it('runs the intent GET against the receiver when the webhook is created', async () => {
    const subs = manager(platforms, receiver.url);
    await subs.apply(await subs.plan({ endpoints: ['adobe-sign'] }));
    expect(platforms.adobe.intents).toMatchObject([{ url: `${receiver.url}/webhooks/adobe-sign`, status: 200, echoed: true, passed: true }]);
    expect(platforms.adobe.webhooks()).toHaveLength(1);
  });

  it("refuses to activate the webhook when the receiver's client id does not match", async () => {
    await receiver.close();
    receiver = await startReceiver(platforms, { adobeClientIds: ['CBJCHBCAABAAsomeoneelse01'] });
    const subs = manager(platforms, receiver.url);
    const result = await subs.apply(await subs.plan({ endpoints: ['adobe-sign'] }));
    expect(result.failed).toBe(1);
    expect(result.actions[0]?.error).toMatchObject({ code: 'API_REJECTED', platform: 'adobe-sign', status: 400, platformCode: 'WEBHOOK_URL_VERIFICATION_FAILED' });
    expect(platforms.adobe.intents).toMatchObject([{ status: 403, echoed: false, passed: false }]);
    expect(platforms.adobe.webhooks()).toEqual([]);
  });

  it('re-activates a webhook Acrobat Sign disabled, running the intent GET again', async () => {
    const subs = manager(platforms, receiver.url);
    await subs.apply(await subs.plan({ endpoints: ['adobe-sign'] }));
    const [hook] = platforms.adobe.webhooks();
    platforms.adobe.disable(hook!.id);
    const plan = await subs.plan({ endpoints: ['adobe-sign'] });
    expect(plan.endpoints[0]?.actions).toMatchObject([{ kind: 'reactivate', subscription: { id: hook!.id } }]);
    expect((await subs.apply(plan)).failed).toBe(0);
    expect(platforms.adobe.webhooks()[0]?.status).toBe('ACTIVE');
    expect(platforms.adobe.intents.map((i) => i.webhookId)).toEqual([undefined, hook!.id]);
  });
});
