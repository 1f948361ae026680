import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { createReceiver, memoryQueue, signit, type EventQueue, type SignitOptions, type WebhookResponse, silentLogger } from '@countersign/core';
import { parseJavaDate } from '../src/providers/signit/auth.js';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { javaDateString, signitDelivery, signitSignature } from '../../testing/src/signit.js';
import { flippedAt } from './provider-harness.js';

interface Fixture {
  name: string;
  credentials: { appId: string; appSecret: string };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event: string };
}

const { fixtures, fixture } = platformFixtures<Fixture>('signit');

const APP = { appId: '1678bc2091000d861138f74aa51', appSecret: 'sk9120dcdab8b05d08f8c53815dc953756' };
const OTHER = { appId: '16aa4db191c3eebbcfde3dd95a1', appSecret: 'sk5f9e87967150fe485d5f047cc300c2ce' };

interface Seen {
  id: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: unknown;
}

function setup(options: SignitOptions, queue: EventQueue & { idle?: () => Promise<void> } = memoryQueue()) {
  const receiver = createReceiver({ logger: silentLogger, endpoints: { signit: signit(options) }, queue });
  const seen: Seen[] = [];
  receiver.onAny((event) => {
    seen.push({ id: event.key, name: event.name, topic: event.topic, known: event.known, payload: event.payload });
  });
  const send = (request: { method: string; headers: Record<string, string>; body: string | Uint8Array }): Promise<WebhookResponse> =>
    receiver.handle({ endpoint: 'signit', ...request });
  const settled = async (): Promise<Seen[]> => {
    await queue.idle?.();
    return seen;
  };
  return { receiver, send, settled };
}

const errorCode = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { code: string } }).error.code;
const errorMessage = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { message: string } }).error.message;

/** A signature computed here with node:crypto, independently of the provider and the builders. */
function nodeSignature(appId: string, secret: string, method: string, headers: Record<string, string>, body: string): string {
  const h = (name: string): string => headers[name] ?? '';
  const values = [appId, h('content-type'), h('x-signit-date'), h('x-signit-host'), method, h('x-signit-nonce')];
  if (body !== '') values.push(body);
  values.push(h('x-signit-resource'), h('x-signit-scheme'));
  return `HmacSHA512 ${appId}:${createHmac('sha512', secret).update(values.map((v) => `${v}\n`).join(''), 'utf8').digest('base64')}`;
}

const envelopeData = (envelopeStatus: string, participant = 'WSID_EPAR_1') => ({
  code: '100600000',
  invokeNo: '201901220912463824001721298001',
  basicEnvelope: { wsid: 'WSID_ENVE_1', status: envelopeStatus },
  receiverParticipant: { wsid: participant, status: 'ING_WAIT' },
});

describe('signit: real signed deliveries', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s verifies with its credentials and is dispatched', async (_name, f) => {
    const { send, settled } = setup(f.credentials);
    const response = await send(f.request);
    expect(response.status).toBe(200);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.name).toBe(f.expect.event);
    expect(seen[0]?.known).toBe(true);
    const payload = seen[0]?.payload as { event: string; rawData: Record<string, unknown> };
    const wire = JSON.parse(f.request.body) as { rawData: string };
    expect(payload.event).toBe(f.expect.event);
    expect(payload.rawData).toEqual(JSON.parse(wire.rawData));
  });

  it('dispatches under the topic too', async () => {
    const { receiver, send, settled } = setup(APP);
    const topics: string[] = [];
    receiver.on('signit:envelope', (event) => {
      topics.push(event.name);
    });
    receiver.on('signit:verification', (event) => {
      topics.push(event.name);
    });
    await send(fixture('06-envelopeStarted').request);
    await send(fixture('12-personVerificationCompleted').request);
    await settled();
    expect(topics).toEqual(['envelopeStarted', 'personVerificationCompleted']);
  });

  it('acknowledges a second copy of a delivery without dispatching it again', async () => {
    const { send, settled } = setup(APP);
    // 04 and 14 are the same delivery received twice.
    expect(fixture('04-enterpriseVerificationSubmitted').request).toEqual(fixture('14-enterpriseVerificationSubmitted').request);
    expect((await send(fixture('04-enterpriseVerificationSubmitted').request)).status).toBe(200);
    expect((await send(fixture('14-enterpriseVerificationSubmitted').request)).status).toBe(200);
    expect(await settled()).toHaveLength(1);
  });

  it('the testing builder signs exactly as SignIt does', async () => {
    for (const f of fixtures) {
      const { headers, body, method } = f.request;
      expect(await signitSignature(f.credentials.appId, f.credentials.appSecret, { method, headers, body })).toBe(headers['x-signit-signature']);
      expect(nodeSignature(f.credentials.appId, f.credentials.appSecret, method, headers, body)).toBe(headers['x-signit-signature']);
    }
  });
});

describe('signit: refused deliveries', () => {
  const base = fixture('06-envelopeStarted').request;

  it('refuses the same body with one byte changed', async () => {
    const { send, settled } = setup(APP);
    const bytes = flippedAt(base.body, 'ING_SENT_DILIVER');
    const response = await send({ ...base, body: bytes });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_INVALID');
    expect(errorMessage(response)).toMatch(/does not match/);
    expect(await settled()).toHaveLength(0);
  });

  it.each([
    ['x-signit-date', 'Tue Jan 22 09:12:50 CST 2019'],
    ['x-signit-nonce', '95V7bqCg48T0XJ9jK373CDHM'],
    ['x-signit-host', 'evil.example'],
    ['x-signit-scheme', 'http'],
    ['x-signit-resource', '/other'],
    ['content-type', 'application/json; charset=utf-8'],
  ])('refuses a changed %s (it is signed)', async (header, value) => {
    const { send } = setup(APP);
    const response = await send({ ...base, headers: { ...base.headers, [header]: value } });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_INVALID');
  });

  it('refuses a delivery signed for an app it is not configured with', async () => {
    const { send, settled } = setup(OTHER);
    const response = await send(base);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_INVALID');
    expect(errorMessage(response)).toMatch(/not configured/);
    expect(await settled()).toHaveLength(0);
  });

  it("refuses a signature made with another app's secret under this app's id", async () => {
    const { send } = setup(APP);
    const forged = nodeSignature(APP.appId, OTHER.appSecret, 'POST', base.headers, base.body);
    const response = await send({ ...base, headers: { ...base.headers, 'x-signit-signature': forged } });
    expect(response.status).toBe(401);
    expect(errorMessage(response)).toMatch(/does not match/);
  });

  it('refuses a missing signature header', async () => {
    const { send, settled } = setup(APP);
    const { 'x-signit-signature': _removed, ...headers } = base.headers;
    const response = await send({ ...base, headers });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_MISSING');
    expect(errorMessage(response)).toMatch(/missing/);
    expect(await settled()).toHaveLength(0);
  });

  it.each([
    ['another algorithm', `HmacSHA256 ${APP.appId}:abc=`],
    ['no app id', 'HmacSHA512 6m9GEhWkzrHiuU+PUsg39+DRgntpel5rPd1erFp5WzaeKXx7S5bgv93AT/EBFuwByx+JjPjF3iCabLyz3utwuw=='],
    ['not base64', `HmacSHA512 ${APP.appId}:not base64!`],
    ['garbage', 'hello'],
  ])('refuses a malformed signature header (%s)', async (_case, value) => {
    const { send } = setup(APP);
    const response = await send({ ...base, headers: { ...base.headers, 'x-signit-signature': value } });
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_INVALID');
    expect(errorMessage(response)).toMatch(/malformed/);
  });

  it('signs an empty body without the body line: such a delivery authenticates, then fails as an empty body', async () => {
    const { send } = setup(APP);
    const delivery = await signitDelivery({ ...APP, event: 'x', rawData: {}, body: '' });
    expect(delivery.headers['x-signit-signature']).toBe(nodeSignature(APP.appId, APP.appSecret, 'POST', delivery.headers, ''));
    const response = await send(delivery);
    expect(response.status).toBe(400);
    expect(errorCode(response)).toBe('BODY_EMPTY');
  });

  it('answers 400 with a precise message for bodies that are not a SignIt delivery', async () => {
    const { send } = setup(APP);
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ target: {}, rawData: '{}' }), /event/],
      [JSON.stringify({ event: 'envelopeStarted', rawData: '{not json' }), /rawData is not a JSON document/],
      [JSON.stringify({ event: 'envelopeStarted', rawData: '[1]' }), /rawData must encode a JSON object/],
      [JSON.stringify({ event: 'envelopeStarted', rawData: 42 }), /rawData/],
    ];
    for (const [body, message] of cases) {
      const response = await send(await signitDelivery({ ...APP, event: '', rawData: '', body }));
      expect(response.status).toBe(400);
      expect(errorCode(response)).toBe('PAYLOAD_INVALID');
      expect(errorMessage(response)).toMatch(message);
    }
  });
});

describe('signit: apps and secret rotation', () => {
  it('verifies deliveries of several apps', async () => {
    const { send, settled } = setup({ apps: [OTHER, APP] });
    expect((await send(fixture('06-envelopeStarted').request)).status).toBe(200);
    expect((await send(fixture('00-countersignatureSignCompleted').request)).status).toBe(200);
    expect((await settled()).map((e) => e.name)).toEqual(['envelopeStarted', 'countersignatureSignCompleted']);
  });

  it('accepts the old and the new secret of one app id while rotating', async () => {
    const { send, settled } = setup({ apps: [{ appId: APP.appId, appSecret: 'sk-new-secret' }, APP] });
    expect((await send(fixture('06-envelopeStarted').request)).status).toBe(200);
    const withNew = await signitDelivery({ appId: APP.appId, appSecret: 'sk-new-secret', event: 'envelopeCompleted', rawData: envelopeData('ED_SUCCESS') });
    expect((await send(withNew)).status).toBe(200);
    const withRetired = await signitDelivery({ appId: APP.appId, appSecret: 'sk-retired', event: 'envelopeCompleted', rawData: envelopeData('ED_X') });
    expect((await send(withRetired)).status).toBe(401);
    expect((await settled()).map((e) => e.name)).toEqual(['envelopeStarted', 'envelopeCompleted']);
  });

  it('refuses a configuration without apps or with an empty secret', () => {
    expect(() => signit({ apps: [] })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => signit({ appId: 'a', appSecret: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => signit({ appId: 'a b', appSecret: 's' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => signit({ ...APP, freshness: { windowMs: 0 } })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('signit: event names', () => {
  it('matches names case-insensitively and dispatches the canonical spelling', async () => {
    const { send, settled } = setup(APP);
    await send(await signitDelivery({ ...APP, event: 'ENVELOPECOMPLETEDREJECTED', rawData: envelopeData('ED_FAIL_REJECT') }));
    await send(await signitDelivery({ ...APP, event: 'recipientconfirm', rawData: envelopeData('ED_CONFIRMED') }));
    const seen = await settled();
    expect(seen.map((e) => [e.name, e.topic, e.known])).toEqual([
      ['envelopeCompletedRejected', 'envelope', true],
      ['recipientConfirm', 'participant', true],
    ]);
    expect((seen[0]?.payload as { event: string }).event).toBe('ENVELOPECOMPLETEDREJECTED');
  });

  it('lets unknown events through under their own name', async () => {
    const { receiver, send, settled } = setup(APP);
    const viaTopic: string[] = [];
    receiver.on('signit:envelope', (event) => {
      viaTopic.push(event.name);
    });
    await send(await signitDelivery({ ...APP, event: 'accountFrozen', rawData: { invokeNo: '1', reason: 'audit' } }));
    await send(await signitDelivery({ ...APP, event: 'envelopeArchived', rawData: envelopeData('ED_ARCHIVED') }));
    const seen = await settled();
    expect(seen.map((e) => [e.name, e.topic, e.known])).toEqual([
      ['accountFrozen', undefined, false],
      ['envelopeArchived', 'envelope', false],
    ]);
    expect((seen[0]?.payload as { rawData: unknown }).rawData).toEqual({ invokeNo: '1', reason: 'audit' });
    expect(viaTopic).toEqual(['envelopeArchived']);
  });
});

describe('signit: dedupe', () => {
  it('dispatches each step of an envelope once, however often it arrives', async () => {
    const { send, settled } = setup(APP);
    const started = { ...APP, event: 'envelopeStarted', rawData: envelopeData('ING_SENT') };
    // SignIt re-signs every attempt: a fresh nonce and date, the same event.
    for (let i = 0; i < 3; i++) expect((await send(await signitDelivery(started))).status).toBe(200);
    await send(await signitDelivery({ ...APP, event: 'participantConfirmed', rawData: envelopeData('ING_SENT') }));
    await send(await signitDelivery({ ...APP, event: 'participantConfirmed', rawData: envelopeData('ING_SENT', 'WSID_EPAR_2') }));
    await send(await signitDelivery({ ...APP, event: 'envelopeCompleted', rawData: envelopeData('ED_SUCCESS') }));
    const seen = await settled();
    expect(seen.map((e) => e.name)).toEqual(['envelopeStarted', 'participantConfirmed', 'participantConfirmed', 'envelopeCompleted']);
    expect(seen[0]?.id).toBe('envelopeStarted:201901220912463824001721298001:WSID_ENVE_1:ING_SENT:WSID_EPAR_1:ING_WAIT:');
  });

  it('falls back to a hash of rawData when it carries no ids', async () => {
    const { send, settled } = setup(APP);
    await send(await signitDelivery({ ...APP, event: 'accountNotice', rawData: { note: 'a' } }));
    await send(await signitDelivery({ ...APP, event: 'accountNotice', rawData: { note: 'a' } }));
    await send(await signitDelivery({ ...APP, event: 'accountNotice', rawData: { note: 'b' } }));
    expect(await settled()).toHaveLength(2);
  });
});

describe('signit: freshness window and nonces', () => {
  const started = fixture('06-envelopeStarted').request; // signed at Tue Jan 22 09:12:49 CST 2019
  const sentAt = Date.UTC(2019, 0, 22, 1, 12, 49);

  it('is off by default: years-old deliveries verify', async () => {
    const { send } = setup(APP);
    expect((await send(started)).status).toBe(200);
  });

  it('accepts a delivery inside the window and refuses one outside it, either way', async () => {
    for (const [now, status] of [
      [sentAt + 60_000, 200],
      [sentAt - 60_000, 200],
      [sentAt + 6 * 60_000, 401],
      [sentAt - 6 * 60_000, 401],
    ] as const) {
      const { send } = setup({ ...APP, freshness: { windowMs: 5 * 60_000, now: () => now } });
      const response = await send(started);
      expect(response.status).toBe(status);
      if (status === 401) expect(errorMessage(response)).toMatch(/away from this server's clock/);
    }
  });

  it('accepts fresh deliveries by the real clock and refuses a replayed nonce', async () => {
    const { send, settled } = setup({ ...APP, freshness: { windowMs: 5 * 60_000 } });
    const delivery = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData('ING_SENT') });
    expect((await send(delivery)).status).toBe(200);
    const replay = await send(delivery);
    expect(replay.status).toBe(401);
    expect(errorMessage(replay)).toMatch(/already used/);
    expect(await settled()).toHaveLength(1);
  });

  it('lets the retry of a delivery that was not acknowledged through, with the same nonce', async () => {
    const inner = memoryQueue();
    let failures = 1;
    const flaky: EventQueue & { idle: () => Promise<void> } = {
      enqueue: (event) => (failures-- > 0 ? Promise.reject(new Error('queue down')) : inner.enqueue(event)),
      consume: (dispatch) => inner.consume?.(dispatch),
      deadLetters: () => inner.deadLetters(),
      replay: (id) => inner.replay(id),
      close: () => inner.close(),
      idle: () => inner.idle(),
    };
    const { send, settled } = setup({ ...APP, freshness: { windowMs: 5 * 60_000 } }, flaky);
    const delivery = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData('ING_SENT') });
    expect((await send(delivery)).status).toBe(503);
    expect((await send(delivery)).status).toBe(200);
    // The nonce stays unconfirmed after a failure, so later copies are left to the event dedupe: acknowledged, not dispatched.
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toHaveLength(1);
  });

  it('checks only the date with nonceStore: false (replays then meet the event dedupe)', async () => {
    const { send, settled } = setup({ ...APP, freshness: { windowMs: 60_000, nonceStore: false } });
    const delivery = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData('ING_SENT') });
    expect((await send(delivery)).status).toBe(200);
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toHaveLength(1);
  });

  it('refuses a missing or unreadable date when the window is on', async () => {
    const { send } = setup({ ...APP, freshness: { windowMs: 60_000 } });
    const noDate = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData('A'), date: '' });
    expect(errorCode(await send(noDate))).toBe('AUTH_MISSING');
    const oddZone = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData('B'), date: 'Tue Jan 22 09:12:49 XYZT 2019' });
    const response = await send(oddZone);
    expect(response.status).toBe(401);
    expect(errorMessage(response)).toMatch(/timeZones/);
  });

  it('reads zones from the table, numeric offsets and the timeZones option', async () => {
    const now = Date.now();
    const gmt8 = javaDateString(new Date(now), { name: 'GMT+08:00', offsetMinutes: 480 });
    const pst = javaDateString(new Date(now), { name: 'PST', offsetMinutes: -480 });
    const custom = javaDateString(new Date(now), { name: 'XYZT', offsetMinutes: 90 });
    const { send } = setup({ ...APP, freshness: { windowMs: 60_000, timeZones: { XYZT: 90 } } });
    for (const date of [gmt8, pst, custom, javaDateString(new Date(now))]) {
      expect((await send(await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: envelopeData(date), date }))).status).toBe(200);
    }
  });

  it('parses Java Date.toString(), with CST as China Standard Time', () => {
    expect(parseJavaDate('Thu Sep 19 16:32:22 CST 2019')).toBe(Date.UTC(2019, 8, 19, 8, 32, 22));
    expect(parseJavaDate('Thu Sep 19 08:32:22 UTC 2019')).toBe(Date.UTC(2019, 8, 19, 8, 32, 22));
    expect(parseJavaDate('Thu Sep 19 04:32:22 EDT 2019')).toBe(Date.UTC(2019, 8, 19, 8, 32, 22));
    expect(parseJavaDate('Thu Sep 19 14:02:22 GMT+05:30 2019')).toBe(Date.UTC(2019, 8, 19, 8, 32, 22));
    expect(parseJavaDate('Thu Sep 19 16:32:22 XYZ 2019')).toBeUndefined();
    expect(parseJavaDate('2019-09-19T08:32:22Z')).toBeUndefined();
    expect(parseJavaDate('Thu Foo 19 16:32:22 CST 2019')).toBeUndefined();
  });
});

describe('signit: validation before the handlers', () => {
  it('acknowledges an envelope event without basicEnvelope.wsid, and dead-letters it naming the field', async () => {
    const queue = memoryQueue();
    const { receiver, send, settled } = setup(APP, queue);
    const delivery = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData: { invokeNo: 'inv-1', basicEnvelope: { status: 'X' } } });
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toHaveLength(0);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.message).toMatch(/rawData\.basicEnvelope\.wsid/);
  });

  it('acknowledges an event whose field changed type, dead-letters it with the issue, tells onError, and can replay it', async () => {
    const queue = memoryQueue({ attempts: 5, backoff: { delayMs: 1, jitter: 0 } });
    const { receiver, send, settled } = setup(APP, queue);
    const errors: Array<{ code: unknown; willRetry: boolean }> = [];
    receiver.onError((error, _event, info) => void errors.push({ code: (error as { code?: unknown }).code, willRetry: info.willRetry }));
    // SignIt starts sending `currentSequence` as a string.
    const rawData = { ...envelopeData('ING_SENT'), basicEnvelope: { wsid: 'WSID_ENVE_1', status: 'ING_SENT', currentSequence: 'one' } };
    const delivery = await signitDelivery({ ...APP, event: 'envelopeStarted', rawData });
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toHaveLength(0);
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', willRetry: false }]);
    const [letter] = await receiver.deadLetters();
    // The key is what it always was: derived from the decoded rawData.
    expect(letter?.id).toBe('signit:envelopeStarted:201901220912463824001721298001:WSID_ENVE_1:ING_SENT:WSID_EPAR_1:ING_WAIT:');
    expect(letter?.error.details).toEqual([expect.objectContaining({ path: 'rawData.basicEnvelope.currentSequence' })]);
    await receiver.replay(letter!.id);
    await queue.idle();
    expect(errors).toHaveLength(2);
    expect(await receiver.deadLetters()).toHaveLength(1);
  });
});

describe('signit: lifecycle', () => {
  const participant = { wsid: 'WSID_EPAR_1', status: 'ED_X', name: 'Li Lei', handleDatetime: 1767323045000, contactMetadata: { contacts: [{ email: 'li@example.com' }] } };
  const envelope = (status: string) => ({ wsid: 'WSID_ENVE_1', status, statusDatetime: 1767323045000 });
  const at = new Date(1767323045000);

  it.each([
    ['envelopeStarted', 'ING_SENT_DILIVER', 'sent'],
    ['envelopeStartedFailed', 'ED_FAIL_START', 'failed'],
    ['participantHandling', 'ING_SENT', 'sent'],
    ['participantConfirmed', 'ING_SENT', 'signed'],
    ['recipientConfirm', 'ING_SENT', 'signed'],
    ['participantRejected', 'ED_FAIL_REJECT', 'declined'],
    ['participantExpired', 'ED_FAIL_EXPIRED', 'expired'],
    ['envelopeExpired', 'ED_FAIL_EXPIRED', 'expired'],
    ['envelopeCompletedRevoked', 'ED_FAIL_REVOKE', 'cancelled'],
    ['envelopeCompletedSucceed', 'ED_FINISHED', 'completed'],
    ['envelopeNotify', 'ING_SENT', undefined],
    ['personVerificationCompleted', 'ED_FINISHED', undefined],
  ] as const)('%s is %s', async (event, status, stage) => {
    const queue = memoryQueue();
    const { receiver, send } = setup(APP, queue);
    const records: unknown[] = [];
    receiver.onAny((e) => void records.push(e.lifecycle));
    const rawData = { invokeNo: 'inv-1', basicEnvelope: envelope(status), receiverParticipant: participant };
    expect((await send(await signitDelivery({ ...APP, event, rawData }))).status).toBe(200);
    await queue.idle();
    if (stage === undefined) return expect(records).toEqual([undefined]);
    const aboutParticipant = /^(participant|recipient)/.test(event);
    expect(records).toEqual([{ stage, documentId: 'WSID_ENVE_1', signer: aboutParticipant ? { email: 'li@example.com', name: 'Li Lei' } : undefined, occurredAt: at }]);
  });

  it.each([
    ['ED_COMPLETED', 'completed'],
    ['ED_FAIL_REJECT', 'declined'],
    ['ED_FAIL_EXPIRED', 'expired'],
    ['ED_FAIL_REVOKE', 'cancelled'],
    ['ED_FAIL_INVALIDATED', 'cancelled'],
    ['ED_FAIL_NOT_PASS_CHECKED', 'failed'],
    ['ING_SENT_DILIVER', undefined],
  ] as const)('envelopeCompleted with the envelope %s is %s (the state is in the body)', async (status, stage) => {
    const queue = memoryQueue();
    const { receiver, send } = setup(APP, queue);
    const stages: unknown[] = [];
    receiver.onAny((e) => void stages.push(e.lifecycle?.stage));
    expect((await send(await signitDelivery({ ...APP, event: 'envelopeCompleted', rawData: { invokeNo: 'inv-2', basicEnvelope: envelope(status) } }))).status).toBe(200);
    await queue.idle();
    expect(stages).toEqual([stage]);
  });

  it('maps the recorded deliveries', async () => {
    const queue = memoryQueue();
    const { receiver, send } = setup({ apps: fixtures.map((f) => f.credentials) }, queue);
    const stages: Array<[string, unknown, unknown]> = [];
    receiver.onAny((e) => void stages.push([e.name, e.lifecycle?.stage, e.lifecycle?.documentId]));
    for (const name of ['06-envelopeStarted', '08-participantExpired', '10-participantRejected', '12-personVerificationCompleted']) {
      expect((await send(fixture(name).request)).status).toBe(200);
    }
    await queue.idle();
    expect(stages).toEqual([
      ['envelopeStarted', 'sent', 'WSID_ENVE_00000168731d1c87e294b6c7f50d0001'],
      ['participantExpired', 'expired', expect.stringMatching(/^WSID_ENVE_/)],
      ['participantRejected', 'declined', expect.stringMatching(/^WSID_ENVE_/)],
      ['personVerificationCompleted', undefined, undefined],
    ]);
  });
});
