import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { recordingReceiver } from './provider-harness.js';
import { boldsign, boldsignPlatform, type BoldSignOptions, type WebhookResponse } from '@countersign/core';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { boldsignDelivery } from '../../testing/src/boldsign.js';

interface Fixture {
  name: string;
  resignAtSendTime?: boolean;
  credentials: { secrets: string[]; now: number };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event: string; dedupeKey: string };
}

const { fixtures, fixture } = platformFixtures<Fixture>('boldsign');

const SECRET = 'QZwVqp25n0EudFGvUJEtOoA39VyKqtGp';
const OLD_SECRET = 'CODSyZKETH70KT8m04ygp4VFwDPOiGJC';

interface Seen {
  id: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: unknown;
  lifecycle: unknown;
}

function setup(options: BoldSignOptions) {
  return recordingReceiver('boldsign', boldsign(options), (event): Seen => ({ id: event.key, name: event.name, topic: event.topic, known: event.known, payload: event.payload, lifecycle: event.lifecycle }));
}

/** A receiver whose clock is pinned to the fixture's `credentials.now`. */
const pinned = (f: Fixture, options: Partial<BoldSignOptions> = {}) => setup({ secrets: f.credentials.secrets, now: () => f.credentials.now * 1000, ...options });

const errorCode = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { code: string } }).error.code;
const errorMessage = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { message: string } }).error.message;

/** A signature computed here with node:crypto, independently of the provider and the builders. */
const nodeSignature = (secret: string, t: string, body: string): string => createHmac('sha256', secret).update(`${t}.${body}`, 'utf8').digest('hex');

const documentData = (status = 'InProgress', signers: Array<Record<string, unknown>> = [{ id: 's-1', signerName: 'Ann Lee', signerEmail: 'ann@example.org', status: 'NotCompleted' }]) => ({
  object: 'document',
  documentId: 'doc-1',
  status,
  signerDetails: signers,
  createdDate: 1767323000,
});

describe('boldsign: the shared fixtures', () => {
  it.each(fixtures.filter((f) => f.expect.event !== 'Verification').map((f) => [f.name, f] as const))(
    '%s verifies at its pinned clock and is dispatched once under its type, keyed by event.id',
    async (_name, f) => {
      expect(f.expect.accepted).toBe(true);
      const { send, settled } = pinned(f);
      const response = await send(f.request);
      expect([response.status, response.body]).toEqual([200, '']);
      const seen = await settled();
      expect(seen.map((e) => [e.name, e.id, e.known, e.topic])).toEqual([[f.expect.event, f.expect.dedupeKey, true, 'document']]);
      const payload = seen[0]?.payload as { event: { created: unknown }; data: { documentId: string } };
      expect(payload.event.created).toBeInstanceOf(Date);
      expect(payload.data.documentId).toEqual(expect.any(String));
    },
  );

  it('01-verification: answered 200 and not queued', async () => {
    const f = fixture('01-verification');
    const { send, settled } = pinned(f);
    const response = await send(f.request);
    expect([response.status, response.body]).toEqual([200, '']);
    expect(await settled()).toEqual([]);
  });

  it('a Verification must be signed like any event (UNCONFIRMED whether BoldSign signs it: refusing is the safe side)', async () => {
    const f = fixture('01-verification');
    const { send } = pinned(f);
    const { 'x-boldsign-signature': _dropped, ...headers } = f.request.headers;
    const response = await send({ ...f.request, headers });
    expect([response.status, errorCode(response)]).toEqual([401, 'AUTH_MISSING']);
  });

  it('the stored signatures are what node:crypto computes over "<t>.<body>"', () => {
    for (const f of fixtures) {
      const [, t, s0] = /^t=(\d+), s0=([0-9a-f]{64})/.exec(f.request.headers['x-boldsign-signature'] as string) ?? [];
      const secret = f.name.includes('old-secret') ? undefined : f.credentials.secrets[0];
      if (secret !== undefined) expect(s0).toBe(nodeSignature(secret, t as string, f.request.body));
    }
  });

  it('the resign fixtures verify once re-signed at the current time with the real clock', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    for (const f of fixtures.filter((x) => x.resignAtSendTime)) {
      const t = String(Math.floor(Date.now() / 1000));
      const headers = { ...f.request.headers, 'x-boldsign-signature': `t=${t}, s0=${nodeSignature(SECRET, t, f.request.body)}` };
      expect((await send({ ...f.request, headers })).status).toBe(200);
    }
    expect((await settled()).map((e) => e.name)).toEqual(['Completed', 'Declined']);
  });
});

describe('boldsign: refusals', () => {
  const f = fixture('02-sent');

  it('refuses the body with one byte changed', async () => {
    const { send, settled } = pinned(f);
    const response = await send({ ...f.request, body: f.request.body.replace('InProgress', 'Inprogress') });
    expect([response.status, errorCode(response)]).toEqual([401, 'AUTH_INVALID']);
    expect(await settled()).toEqual([]);
  });

  it('refuses a delivery signed with another secret', async () => {
    const response = await pinned(f, { secrets: OLD_SECRET }).send(f.request);
    expect([response.status, errorCode(response)]).toEqual([401, 'AUTH_INVALID']);
  });

  it('refuses a missing or malformed signature header', async () => {
    const { send } = pinned(f);
    const sig = f.request.headers['x-boldsign-signature'] as string;
    const s0 = sig.split('s0=')[1] as string;
    for (const [value, code] of [
      [undefined, 'AUTH_MISSING'],
      ['  ', 'AUTH_MISSING'],
      [`s0=${s0}`, 'AUTH_INVALID'],
      ['t=1742020100', 'AUTH_INVALID'],
      [`t=abc, s0=${s0}`, 'AUTH_INVALID'],
      [`t=1742020100, t=1742020100, s0=${s0}`, 'AUTH_INVALID'],
      [`t=1742020100, s0=${s0.slice(1)}`, 'AUTH_INVALID'],
      [`t=1742020100, s0=${s0}, ${'x=1, '.repeat(300)}`, 'AUTH_INVALID'],
    ] as const) {
      const headers: Record<string, string> = { ...f.request.headers };
      if (value === undefined) delete headers['x-boldsign-signature'];
      else headers['x-boldsign-signature'] = value;
      const response = await send({ ...f.request, headers });
      expect([value?.slice(0, 30), response.status, errorCode(response)]).toEqual([value?.slice(0, 30), 401, code]);
    }
  });

  it('refuses a timestamp outside the tolerance (300 s by default), either way; toleranceSeconds widens it', async () => {
    const t = 1742020100;
    for (const [offset, status] of [
      [300, 200],
      [301, 401],
      [-300, 200],
      [-301, 401],
    ] as const) {
      const response = await pinned(f, { now: () => (t + offset) * 1000 }).send(f.request);
      expect([offset, response.status]).toEqual([offset, status]);
      if (status === 401) expect([errorCode(response), errorMessage(response)]).toEqual(['AUTH_INVALID', expect.stringMatching(/301 s away.*at most 300 s/)]);
    }
    expect((await pinned(f, { now: () => (t + 3600) * 1000, toleranceSeconds: 3600 }).send(f.request)).status).toBe(200);
    expect((await setup({ secrets: SECRET }).send(f.request)).status).toBe(401); // the real clock: years later
  });

  it('accepts s1 made with the old secret during a roll (the receiver holds the old one only), and s0 with the new', async () => {
    const rolled = fixture('03-signed-old-secret-s1');
    expect((await pinned(rolled).send(rolled.request)).status).toBe(200);
    expect((await pinned(rolled, { secrets: [SECRET, OLD_SECRET] }).send(rolled.request)).status).toBe(200);
    const builder = await boldsignDelivery({ secret: 'new-secret', previousSecret: OLD_SECRET, eventType: 'Signed', data: documentData(), timestamp: 1742020700 });
    expect((await pinned(rolled).send(builder)).status).toBe(200);
    expect((await pinned(rolled, { secrets: 'new-secret' }).send(builder)).status).toBe(200);
    expect((await pinned(rolled, { secrets: 'unrelated' }).send(builder)).status).toBe(401);
  });

  it('refuses with 400 what is not a BoldSign event once authenticated', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    for (const body of ['[]', '{}', '{"event":{"eventType":"Sent"}}', '{"event":{"id":"x"}}', `{"event":{"id":"${'i'.repeat(300)}","eventType":"Sent"}}`, '{"event":"Sent"}']) {
      const response = await send(await boldsignDelivery({ secret: SECRET, eventType: 'Sent', body }));
      expect([body.slice(0, 30), response.status]).toEqual([body.slice(0, 30), 400]);
    }
    expect(await settled()).toEqual([]);
  });
});

describe('boldsign: events', () => {
  it('dedupes on event.id: the same event sent again is acknowledged, not dispatched again', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    const first = await boldsignDelivery({ secret: SECRET, eventType: 'Completed', id: 'evt-1', data: documentData('Completed') });
    const retry = await boldsignDelivery({ secret: SECRET, eventType: 'Completed', id: 'evt-1', data: documentData('Completed'), timestamp: Math.floor(Date.now() / 1000) + 60 });
    expect((await send(first)).status).toBe(200);
    expect((await send(retry)).status).toBe(200);
    expect((await settled()).map((e) => e.id)).toEqual(['evt-1']);
  });

  it('passes unknown event types through, with a topic by prefix', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    for (const eventType of ['TemplateShared', 'SomethingNew', 'SenderIdentityCreated']) {
      expect((await send(await boldsignDelivery({ secret: SECRET, eventType, data: { object: 'x' } }))).status).toBe(200);
    }
    expect((await settled()).map((e) => [e.name, e.known, e.topic])).toEqual([
      ['TemplateShared', false, 'template'],
      ['SomethingNew', false, undefined],
      ['SenderIdentityCreated', true, 'senderIdentity'],
    ]);
  });

  it('acknowledges an event that fails the full schema, then dead-letters it with its issues (no 4xx to BoldSign)', async () => {
    const { receiver, send, settled } = setup({ secrets: SECRET });
    const delivery = await boldsignDelivery({ secret: SECRET, eventType: 'Completed', data: { ...documentData('Completed'), documentId: 42, signerDetails: 'all' } });
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toEqual([]);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.code).toBe('PAYLOAD_INVALID');
    expect(letter?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.documentId' }), expect.objectContaining({ path: 'data.signerDetails' })]));
  });
});

describe('boldsign: lifecycle', () => {
  const lifecycleOf = (name: string, body: Record<string, unknown>) => {
    const payload = boldsignPlatform.validate?.({ name, known: true, payload: { event: { id: 'e', created: 1767323045, eventType: name }, ...body } });
    return boldsignPlatform.lifecycle?.({ name, known: true, payload });
  };

  it('maps event types to stages', () => {
    const stages = Object.fromEntries(
      ['Sent', 'Viewed', 'Signed', 'Completed', 'Declined', 'Expired', 'Revoked', 'DeliveryFailed', 'SendFailed', 'AuthenticationFailed', 'Reassigned', 'Reminder', 'DraftCreated', 'Edited', 'TemplateCreated'].map(
        (name) => [name, lifecycleOf(name, { data: documentData() })?.stage],
      ),
    );
    expect(stages).toEqual({
      Sent: 'sent',
      Viewed: 'viewed',
      Signed: 'signed',
      Completed: 'completed',
      Declined: 'declined',
      Expired: 'expired',
      Revoked: 'cancelled',
      DeliveryFailed: 'failed',
      SendFailed: 'failed',
      AuthenticationFailed: 'failed',
      Reassigned: undefined,
      Reminder: undefined,
      DraftCreated: undefined,
      Edited: undefined,
      TemplateCreated: undefined,
    });
    expect(lifecycleOf('constructor', { data: documentData() })).toBeUndefined();
  });

  it('names the document, the time and the signer the event is about', () => {
    const signers = [
      { id: 's-1', signerName: 'Ann Lee', signerEmail: 'ann@example.org', status: 'Completed', lastActivityDate: 1767323000 },
      { id: 's-2', signerName: 'Bo Chen', signerEmail: 'bo@example.org', status: 'Declined', lastActivityDate: 1767323040 },
      { id: 's-3', signerName: 'Cy Ode', signerEmail: 'cy@example.org', status: 'Completed', lastActivityDate: 1767323044 },
    ];
    expect(lifecycleOf('Signed', { data: documentData('InProgress', signers) })).toEqual({
      stage: 'signed',
      documentId: 'doc-1',
      signer: { email: 'cy@example.org', name: 'Cy Ode' },
      occurredAt: new Date(1767323045 * 1000),
    });
    expect(lifecycleOf('Declined', { data: documentData('Declined', signers) })?.signer).toEqual({ email: 'bo@example.org', name: 'Bo Chen' });
    expect(lifecycleOf('Signed', { context: { actor: { userType: 'Signer', id: 's-1' } }, data: documentData('InProgress', signers) })?.signer?.email).toBe('ann@example.org');
    expect(lifecycleOf('Completed', { data: documentData('Completed', signers) })?.signer).toBeUndefined();
  });

  it('runs lifecycle handlers for the fixtures', async () => {
    const records: unknown[] = [];
    for (const f of fixtures) {
      const { receiver, send, settled } = pinned(f);
      receiver.on('lifecycle:*', (event) => void records.push([event.name, event.lifecycle.stage, event.lifecycle.documentId, event.lifecycle.signer?.email]));
      await send(f.request);
      await settled();
    }
    expect(records).toEqual([
      ['Sent', 'sent', '1e6adb4e-7dda-4d4f-b043-62ff6c692556', undefined],
      ['Signed', 'signed', '1e6adb4e-7dda-4d4f-b043-62ff6c692556', 'bruce@example.com'],
      ['Completed', 'completed', '1e6adb4e-7dda-4d4f-b043-62ff6c692556', undefined],
      ['Declined', 'declined', '213eac69-dc7f-45cb-a73d-63b823df5871', 'selina@example.com'],
    ]);
  });
});

describe('boldsign: configuration', () => {
  it('fails closed without a usable secret or with a bad tolerance or clock', () => {
    for (const options of [{}, { secrets: '' }, { secrets: [] }, { secrets: ['s', ''] }, { secrets: () => 's' }, { secrets: 's', toleranceSeconds: 0 }, { secrets: 's', toleranceSeconds: Number.NaN }, { secrets: 's', now: 5 }]) {
      expect(() => boldsign(options as unknown as BoldSignOptions)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
  });

  it('budgets 8 s of BoldSign\'s 10', () => {
    expect(boldsign({ secrets: SECRET }).timeoutMs).toBe(8000);
  });
});
