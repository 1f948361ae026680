import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { errorOf, flippedAt, recordingReceiver } from './provider-harness.js';
import { yousign, yousignPlatform, type CountersignError, type Lifecycle, type YousignOptions } from '@countersign/core';
import { YOUSIGN_EVENTS, YOUSIGN_LIFECYCLE } from '@countersign/core/yousign';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { yousignDelivery, yousignSignature } from '../../testing/src/yousign.js';

interface Fixture {
  name: string;
  credentials: { secrets: string[] };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event?: string; dedupeKey?: string; status?: number };
}

const { fixtures, fixture } = platformFixtures<Fixture>('yousign');

const SECRET = '4b5683893752724271325d302a782f48';
const SECOND = '4c0ffc5cc40acd752d3b39875a8e80a3';

interface Seen {
  key: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: unknown;
  attempt: number | undefined;
  headers: Readonly<Record<string, string>>;
  account: string | undefined;
  lifecycle: Lifecycle | undefined;
}

function setup(options: YousignOptions) {
  // A generous budget: the 400 ms default is for production, not for a loaded test runner.
  return recordingReceiver('yousign', yousign({ timeoutMs: 10_000, ...options }), (event): Seen => ({
    key: event.key,
    name: event.name,
    topic: event.topic,
    known: event.known,
    payload: event.payload,
    attempt: event.delivery.attempt,
    headers: event.delivery.headers,
    account: event.delivery.account,
    lifecycle: event.lifecycle,
  }));
}


/** The header computed here with node:crypto, independently of the provider and the builder. */
const nodeSignature = (secret: string, body: string): string => `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
const signed = (body: string, secret = SECRET) => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-yousign-signature-256': nodeSignature(secret, body) }, body });

describe('yousign: signed deliveries', () => {
  it.each(fixtures.filter((f) => f.expect.accepted).map((f) => [f.name, f] as const))('%s verifies with its secrets and is dispatched', async (_name, f) => {
    const { send, settled } = setup({ secrets: f.credentials.secrets });
    const response = await send(f.request);
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: f.expect.event, known: true, key: f.expect.dedupeKey, topic: f.expect.event?.split('.')[0], attempt: 1 });
    expect(seen[0]?.headers).toEqual({ 'x-yousign-retry': '0', 'x-yousign-issued-at': f.request.headers['x-yousign-issued-at'] });
    expect(seen[0]?.payload).toEqual(JSON.parse(f.request.body));
  });

  it.each(fixtures.filter((f) => !f.expect.accepted).map((f) => [f.name, f] as const))('%s is refused with 401', async (_name, f) => {
    const { send, settled } = setup({ secrets: f.credentials.secrets });
    expect((await send(f.request)).status).toBe(f.expect.status ?? 401);
    expect(await settled()).toHaveLength(0);
  });

  it('the fixtures are signed as the builder and node:crypto sign', async () => {
    for (const f of fixtures.filter((x) => x.expect.accepted)) {
      const secret = f.credentials.secrets.at(-1) as string;
      expect(f.request.headers['x-yousign-signature-256']).toBe(nodeSignature(secret, f.request.body));
      expect(await yousignSignature(secret, f.request.body)).toBe(f.request.headers['x-yousign-signature-256']);
    }
  });

  it('tries every secret: the second secret verifies, alone or second in the list', async () => {
    const expired = fixture('05-signature-request-expired-second-secret');
    for (const secrets of [[SECRET, SECOND], [SECOND], SECOND]) expect((await setup({ secrets }).send(expired.request)).status).toBe(200);
    expect((await setup({ secrets: SECRET }).send(expired.request)).status).toBe(401);
  });

  it('takes X-Yousign-Retry as the attempt (0 = first attempt) and dedupes on event_id', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    const first = await yousignDelivery({ secret: SECRET, eventName: 'signature_request.done', eventId: 'evt-1', eventTime: '1741981800' });
    const retry = await yousignDelivery({ secret: SECRET, eventName: 'signature_request.done', eventId: 'evt-1', eventTime: '1741981800', retry: 2 });
    expect((await send(retry)).status).toBe(200);
    expect((await send(first)).status).toBe(200);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ key: 'evt-1', attempt: 3 });
    // The header is not signed: a malformed one is ignored, not refused.
    const odd = await yousignDelivery({ secret: SECRET, eventName: 'signer.notified', data: { signature_request: { id: 'sr' }, signer: { id: 's' } } });
    expect((await send({ ...odd, headers: { ...odd.headers, 'x-yousign-retry': 'soon' } })).status).toBe(200);
    expect((await settled())[1]?.attempt).toBeUndefined();
  });

  it('passes unknown events through, with a topic when their prefix is one', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    await send(await yousignDelivery({ secret: SECRET, eventName: 'signer.sender_contacted', data: { signature_request: { id: 'sr' } } }));
    await send(await yousignDelivery({ secret: SECRET, eventName: 'electronic_seal.done', data: { electronic_seal: { id: 'es' } } }));
    expect((await settled()).map((s) => [s.name, s.known, s.topic, s.lifecycle])).toEqual([
      ['signer.sender_contacted', false, 'signer', undefined],
      ['electronic_seal.done', false, undefined, undefined],
    ]);
  });
});

describe('yousign: refused deliveries', () => {
  const base = fixture('02-signer-done').request;

  it('refuses the body with one byte changed', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    const bytes = flippedAt(base.body, 'signed');
    const response = await send({ ...base, body: bytes });
    expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
    expect(await settled()).toHaveLength(0);
  });

  it('refuses a wrong secret and malformed headers', async () => {
    const wrong = await setup({ secrets: SECOND }).send(base);
    expect([wrong.status, errorOf(wrong).code]).toEqual([401, 'AUTH_INVALID']);
    expect(errorOf(wrong).message).toMatch(/does not match/);
    const hex = (base.headers['x-yousign-signature-256'] as string).slice('sha256='.length);
    for (const value of [hex, `sha1=${hex}`, 'sha256=xyz', `sha256=${hex}00`]) {
      const response = await setup({ secrets: SECRET }).send({ ...base, headers: { ...base.headers, 'x-yousign-signature-256': value } });
      expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
      expect(errorOf(response).message).toMatch(/malformed/);
    }
    // Upper-case hex is the same signature.
    const upper = await setup({ secrets: SECRET }).send({ ...base, headers: { ...base.headers, 'x-yousign-signature-256': `sha256=${hex.toUpperCase()}` } });
    expect(upper.status).toBe(200);
  });

  it('refuses a missing signature with AUTH_MISSING', async () => {
    const { send, settled } = setup({ secrets: SECRET });
    const { 'x-yousign-signature-256': _removed, ...headers } = base.headers;
    const response = await send({ ...base, headers });
    expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_MISSING']);
    expect(await settled()).toHaveLength(0);
  });

  it('answers 400 to a signed body that is not a Yousign webhook', async () => {
    const { send } = setup({ secrets: SECRET });
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ event_name: 'signer.done' }), /event_id/],
      [JSON.stringify({ event_id: 'e', event_name: '' }), /event_name: must not be empty/],
      [JSON.stringify({ event_id: 'e'.repeat(300), event_name: 'signer.done' }), /event_id: must be at most 256/],
      ['"text"', /JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await send(signed(body));
      expect(response.status).toBe(400);
      expect(errorOf(response).message).toMatch(message);
    }
  });

  it('acknowledges a known event failing the full schema and dead-letters it with its issues (no 4xx to Yousign)', async () => {
    const { receiver, send, settled } = setup({ secrets: SECRET });
    const errors: string[] = [];
    receiver.onError((error) => void errors.push((error as CountersignError).code));
    const body = JSON.stringify({ event_id: 'evt-bad', event_name: 'signer.done', event_time: '1741980900', data: { signature_request: { id: 'sr-1' } } });
    expect((await send(signed(body))).status).toBe(200);
    expect(await settled()).toHaveLength(0);
    expect(errors).toEqual(['PAYLOAD_INVALID']);
    const [letter] = await receiver.deadLetters();
    expect(letter).toMatchObject({ id: 'yousign:evt-bad', error: { code: 'PAYLOAD_INVALID' } });
    expect(letter?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.signer' })]));
  });
});

describe('yousign: configuration', () => {
  it('fails closed without secrets', () => {
    expect(() => yousign({} as YousignOptions)).toThrow(/secrets.*required/);
    expect(() => yousign({ secrets: [] })).toThrow(/at least one/);
    expect(() => yousign({ secrets: ['ok', ''] })).toThrow(/non-empty/);
    expect(() => yousign(null as unknown as YousignOptions)).toThrow(/options are required/);
  });

  it('looks secrets up by the body\'s subscription_id: one subscription per customer, cached; unknown 401, failure 503', async () => {
    const asked: string[] = [];
    let failing = false;
    const { send, settled } = setup({
      secrets: (subscription) => {
        asked.push(subscription);
        if (failing) throw new Error('vault down');
        return subscription === 'sub-acme' ? [SECOND, SECRET] : undefined;
      },
    });
    const body = (id: string, subscription: string) => JSON.stringify({ event_id: id, event_name: 'signature_request.done', event_time: '1741980900', subscription_id: subscription, data: { signature_request: { id: 'sr-1', status: 'done' } } });
    expect((await send(signed(body('e-1', 'sub-acme')))).status).toBe(200);
    expect((await send(signed(body('e-2', 'sub-acme')))).status).toBe(200);
    const [first] = await settled();
    expect(first?.key).toBe('e-1');
    expect(first?.account).toBe('sub-acme'); // what the signature proved
    expect(asked).toEqual(['sub-acme']); // the second delivery was served from the cache
    const unknown = await send(signed(body('e-3', 'sub-unknown')));
    expect({ status: unknown.status, code: errorOf(unknown).code }).toEqual({ status: 401, code: 'AUTH_INVALID' });
    const anonymous = await send(signed(JSON.stringify({ event_id: 'e-4', event_name: 'signer.done' })));
    expect({ status: anonymous.status, message: errorOf(anonymous).message }).toMatchObject({ status: 401, message: expect.stringMatching(/subscription_id/) });
    failing = true;
    const down = await send(signed(body('e-5', 'sub-other')));
    expect({ status: down.status, code: errorOf(down).code }).toEqual({ status: 503, code: 'VERIFICATION_UNAVAILABLE' });
    // Another subscription's secret does not verify a delivery that names this one.
    const forged = await send(signed(body('e-6', 'sub-acme'), 'someone-elses-secret'));
    expect(forged.status).toBe(401);
  });

  it('budgets 400 ms (Yousign waits 0.5 s) and remembers events for 5 days by default, both overridable', () => {
    expect(yousign({ secrets: SECRET })).toMatchObject({ timeoutMs: 400, retentionMs: 5 * 86_400_000, deliveryHeaders: ['x-yousign-retry', 'x-yousign-issued-at'] });
    expect(yousign({ secrets: SECRET, timeoutMs: 250, retentionMs: 1000 })).toMatchObject({ timeoutMs: 250, retentionMs: 1000 });
  });
});

describe('yousign: lifecycle', () => {
  it('pins the stage of every known event', () => {
    expect(Object.fromEntries(YOUSIGN_EVENTS.map((name) => [name, YOUSIGN_LIFECYCLE[name] ?? null]))).toEqual({
      'signature_request.activated': 'sent',
      'signature_request.done': 'completed',
      'signature_request.expired': 'expired',
      'signature_request.declined': 'declined',
      'signature_request.canceled': 'cancelled',
      'signature_request.deleted': null,
      'signature_request.reactivated': 'sent',
      'signature_request.reminder_executed': null,
      'signature_request.approved': null,
      'signature_request.permanently_deleted': null,
      'signature_request.rejected': null,
      'signer.notified': null,
      'signer.done': 'signed',
      'signer.declined': 'declined',
      'signer.link_opened': 'viewed',
      'signer.error': 'failed',
      'signer.notification_delivery_failed': 'failed',
      'signer.identification_blocked': 'failed',
      'signer.identification_failed': 'failed',
    });
    const payload = { event_id: 'e', event_name: 'x', event_time: '1741980000', data: { signature_request: { id: 'sr-1' }, signer: { id: 's-1' } } };
    for (const name of YOUSIGN_EVENTS) expect(yousignPlatform.lifecycle?.({ name, known: true, payload })?.stage).toBe(YOUSIGN_LIFECYCLE[name]);
    expect(yousignPlatform.lifecycle?.({ name: 'signer.done', known: false, payload })).toBeUndefined();
  });

  it('gives every fixture its record: signature request id, signer from the signer object, event time', async () => {
    const { send, settled } = setup({ secrets: [SECRET, SECOND] });
    for (const f of fixtures.filter((x) => x.expect.accepted)) expect((await send(f.request)).status).toBe(200);
    const at = (seconds: number) => new Date(seconds * 1000);
    expect((await settled()).map((s) => [s.name, s.lifecycle])).toEqual([
      ['signature_request.activated', { stage: 'sent', documentId: '1755e012-389f-433d-8e75-ac37cad6de75', signer: undefined, occurredAt: at(1741980000) }],
      ['signer.done', { stage: 'signed', documentId: '1755e012-389f-433d-8e75-ac37cad6de75', signer: { email: 'alice.martin@example.fr', name: 'Alice Martin' }, occurredAt: at(1741980900) }],
      ['signature_request.done', { stage: 'completed', documentId: '1755e012-389f-433d-8e75-ac37cad6de75', signer: undefined, occurredAt: at(1741981800) }],
      ['signer.declined', { stage: 'declined', documentId: '5b658f85-a24a-457d-ba25-0e13eca62ac0', signer: { email: 'chloe.dubois@example.fr', name: 'Chloé Dubois' }, occurredAt: at(1741985000) }],
      ['signature_request.expired', { stage: 'expired', documentId: 'e895c925-c21d-4b0c-aed1-9ff6eb4f4220', signer: undefined, occurredAt: at(1742066400) }],
    ]);
  });
});
