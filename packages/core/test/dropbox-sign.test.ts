import { createHmac } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { flippedAt, recordingReceiver } from './provider-harness.js';
import { createReceiver, dropboxSign, dropboxSignPlatform, type CountersignError, type DropboxSignOptions, type Lifecycle, type WebhookResponse } from '@countersign/core';
import { DROPBOX_SIGN_EVENTS, DROPBOX_SIGN_LIFECYCLE } from '@countersign/core/dropbox-sign';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { dropboxSignDelivery, fakeDropboxSignApi, multipartBody, type FakeDropboxSignApi } from '../../testing/src/dropbox-sign.js';

interface Fixture {
  name: string;
  credentials: { apiKey: string };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event: string; dedupeKey: string[]; responseStatus: number; responseBody: string };
}

const { fixtures, fixture } = platformFixtures<Fixture>('dropbox-sign');

/** The public API key of Dropbox Sign's own SDK tests (the fixtures are hashed with it). */
const KEY = '324e3b0840f065eb51f3fd63231d0d33daa35d4ed10d27718839e81737065782';
/** The SDK tests' invalid key: the valid one reversed. */
const WRONG_KEY = [...KEY].reverse().join('');
const ACK = 'Hello API Event Received';
const ACCOUNT = 'cca19c2783ffce07b449384c816149f3d1f6929b';
const REQUEST_ID = 'a659a2aaa5da6ebaec568339c3f3ff05dfcc8e85';

interface Seen {
  id: string;
  key: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: Record<string, unknown>;
  lifecycle: Lifecycle | undefined;
  account: string | undefined;
}

function setup(options: DropboxSignOptions = { apiKey: KEY }) {
  return recordingReceiver('dropbox-sign', dropboxSign(options), (event): Seen => ({
    id: event.id,
    key: event.key,
    name: event.name,
    topic: event.topic,
    known: event.known,
    payload: event.payload as Record<string, unknown>,
    lifecycle: event.lifecycle,
    account: event.delivery.account,
  }));
}

const errorCode = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { code: string } }).error.code;
const errorMessage = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { message: string } }).error.message;

function expectAck(response: WebhookResponse): void {
  expect(response.status, response.body).toBe(200);
  expect(response.body).toBe(ACK);
  expect(response.headers['content-type']).toBe('text/plain');
}

const signatureRequest = (changes: Record<string, unknown> = {}) => ({
  signature_request_id: REQUEST_ID,
  title: 'Consulting Agreement - Contoso',
  is_complete: false,
  is_declined: false,
  has_error: false,
  signatures: [
    { signature_id: 'sig-jordan', signer_email_address: 'jordan.lee@example.org', signer_name: 'Jordan Lee', status_code: 'signed', signed_at: 1741950000 },
    { signature_id: 'sig-priya', signer_email_address: 'priya.raman@example.net', signer_name: 'Priya Raman', status_code: 'awaiting_signature', signed_at: null },
  ],
  ...changes,
});

const callback = (eventType: string, more: Partial<Parameters<typeof dropboxSignDelivery>[0]> = {}) =>
  dropboxSignDelivery({
    apiKey: KEY,
    eventType,
    eventTime: 1741950001,
    metadata: { reported_for_account_id: ACCOUNT },
    signatureRequest: eventType.startsWith('signature_request_') ? signatureRequest() : undefined,
    ...more,
  });

/** `event_hash` computed here with node:crypto, independently of the provider and the builder. */
const nodeHash = (key: string, time: string, type: string): string => createHmac('sha256', key).update(`${time}${type}`).digest('hex');

describe('dropbox-sign: the fixtures', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s is accepted, answered "Hello API Event Received" and dispatched once', async (_name, f) => {
    expect(f.expect.accepted).toBe(true);
    const { send, settled } = setup({ apiKey: f.credentials.apiKey });
    const response = await send(f.request);
    expectAck(response);
    expect(response.status).toBe(f.expect.responseStatus);
    expect(response.body).toBe(f.expect.responseBody);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.name).toBe(f.expect.event);
    expect(seen[0]?.known).toBe(true);
    for (const part of f.expect.dedupeKey) expect(seen[0]?.key).toContain(part);
    expect(seen[0]?.key).toMatch(/#[0-9a-f]{32}$/);
    // A second copy (a retry) is answered the same, exactly, and not dispatched again.
    expectAck(await send(f.request));
    expect(await settled()).toHaveLength(1);
  });

  it('the fixtures hash as Dropbox Sign documents it, and the builder hashes the same way', async () => {
    for (const f of fixtures) {
      const json = /\r\n\r\n([\s\S]*)\r\n--/.exec(f.request.body)?.[1] as string;
      const { event } = JSON.parse(json) as { event: { event_time: string; event_type: string; event_hash: string } };
      expect(nodeHash(f.credentials.apiKey, event.event_time, event.event_type)).toBe(event.event_hash);
      const built = await dropboxSignDelivery({ apiKey: f.credentials.apiKey, eventType: event.event_type, eventTime: event.event_time });
      expect((built.document.event as { event_hash: string }).event_hash).toBe(event.event_hash);
    }
  });

  it('refuses every fixture under the SDK tests\' invalid key (401)', async () => {
    const { send, settled } = setup({ apiKey: WRONG_KEY });
    for (const f of fixtures) {
      const response = await send(f.request);
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('AUTH_INVALID');
    }
    expect(await settled()).toHaveLength(0);
  });

  it('dispatches under the topic too, typed by the event', async () => {
    const { receiver, send, settled } = setup();
    const topics: string[] = [];
    receiver.on('dropbox-sign:signature_request', (event) => void topics.push(event.name));
    receiver.on('dropbox-sign:account', (event) => void topics.push(event.name));
    await send(fixture('05').request);
    await send(fixture('04').request);
    await settled();
    expect(topics).toEqual(['signature_request_all_signed', 'account_confirmed']);
  });
});

describe('dropbox-sign: how callbacks arrive', () => {
  it.each(['multipart', 'json', 'urlencoded'] as const)('reads the document from a %s body', async (format) => {
    const { send, settled } = setup();
    expectAck(await send(await callback('signature_request_sent', { format })));
    const seen = await settled();
    expect(seen.map((s) => s.name)).toEqual(['signature_request_sent']);
    expect((seen[0]?.payload.signature_request as { signature_request_id: string }).signature_request_id).toBe(REQUEST_ID);
  });

  it('a retry of the same content is a duplicate even with another multipart boundary or key order', async () => {
    const { send, settled } = setup();
    const first = await callback('signature_request_viewed', { metadata: { related_signature_id: 'sig-jordan', reported_for_account_id: ACCOUNT } });
    const reordered = JSON.stringify(Object.fromEntries(Object.entries(first.document).reverse()), null, 2);
    const retry = { ...first, headers: { 'content-type': 'multipart/form-data; boundary=other-boundary' }, body: multipartBody({ json: reordered }, 'other-boundary') };
    expectAck(await send(first));
    expectAck(await send(retry));
    expect(await settled()).toHaveLength(1);
  });

  it('answers callback_test with exactly "Hello API Event Received" and queues nothing', async () => {
    const { receiver, queue, send, settled } = setup();
    const test = await dropboxSignDelivery({ apiKey: KEY, eventType: 'callback_test', metadata: { reported_for_account_id: ACCOUNT } });
    expectAck(await send(test));
    expectAck(await send(test));
    expect(await settled()).toHaveLength(0);
    expect(queue.size).toBe(0);
    expect(await receiver.deadLetters()).toEqual([]);
    // callback_test is hashed like every event: a wrong hash is refused.
    const forged = await dropboxSignDelivery({ apiKey: WRONG_KEY, eventType: 'callback_test' });
    expect((await send(forged)).status).toBe(401);
  });

  it('passes unknown event types through, under a topic by their prefix', async () => {
    const { send, settled } = setup();
    expectAck(await send(await callback('signature_request_something_new')));
    const [event] = await settled();
    expect(event).toMatchObject({ name: 'signature_request_something_new', known: false, topic: 'signature_request' });
  });
});

describe('dropbox-sign: refused callbacks', () => {
  it('refuses a missing event_hash with 401 AUTH_MISSING', async () => {
    const { send, settled } = setup();
    for (const hash of [undefined, null, '']) {
      const genuine = await callback('signature_request_signed');
      const document = { ...genuine.document, event: { ...(genuine.document.event as object), event_hash: hash } };
      const response = await send(await callback('signature_request_signed', { json: JSON.stringify(document) }));
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('AUTH_MISSING');
    }
    expect(await settled()).toHaveLength(0);
  });

  it('refuses a hash made with another key, a changed hash, time or type with 401 AUTH_INVALID', async () => {
    const { send, settled } = setup();
    const genuine = await callback('signature_request_signed');
    const event = genuine.document.event as { event_hash: string; event_time: string };
    const forged = [
      await callback('signature_request_signed', { apiKey: WRONG_KEY }),
      await callback('signature_request_signed', { eventHash: `${event.event_hash.slice(0, -1)}${event.event_hash.endsWith('0') ? '1' : '0'}` }),
      await callback('signature_request_all_signed', { eventHash: event.event_hash }),
      await callback('signature_request_signed', { eventTime: 1741950002, eventHash: event.event_hash }),
      await callback('signature_request_signed', { eventHash: 'not-hex' }),
    ];
    for (const request of forged) {
      const response = await send(request);
      expect(response.status).toBe(401);
      expect(errorCode(response)).toBe('AUTH_INVALID');
    }
    expect(await settled()).toHaveLength(0);
  });

  it('answers 400 for bodies that are not Dropbox Sign callbacks', async () => {
    const { send } = setup();
    const cases: Array<[{ headers: Record<string, string>; body: string }, string]> = [
      [{ headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: multipartBody({ other: '{}' }, 'b') }, 'PAYLOAD_INVALID'],
      [{ headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: multipartBody({ json: '{not json' }, 'b') }, 'BODY_MALFORMED_JSON'],
      [{ headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: multipartBody({ json: '[1]' }, 'b') }, 'BODY_NOT_OBJECT'],
      [{ headers: { 'content-type': 'multipart/form-data; boundary=b' }, body: 'no parts at all' }, 'BODY_MALFORMED_FORM'],
      [{ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ signature_request: {} }) }, 'PAYLOAD_INVALID'],
      [{ headers: { 'content-type': 'application/json' }, body: JSON.stringify({ event: { event_time: 'yesterday', event_type: 'x', event_hash: 'a'.repeat(64) } }) }, 'PAYLOAD_INVALID'],
    ];
    for (const [request, code] of cases) {
      const response = await send({ method: 'POST', ...request });
      expect(response.status, request.body).toBe(400);
      expect(errorCode(response)).toBe(code);
    }
  });

  it('refuses ids longer than 256 characters and documents nested too deeply (400), after the hash verified', async () => {
    const { send } = setup();
    const long = await callback('signature_request_sent', { signatureRequest: signatureRequest({ signature_request_id: 'x'.repeat(257) }) });
    expect(errorCode(await send(long))).toBe('PAYLOAD_INVALID');
    let deep: unknown = 1;
    for (let i = 0; i < 100; i++) deep = { deep };
    const nested = await callback('signature_request_sent', { extra: { deep } });
    const response = await send(nested);
    expect(response.status).toBe(400);
    expect(errorMessage(response)).toMatch(/nested/);
  });
});

describe('dropbox-sign: the unauthenticated body', () => {
  it('accepts a body with one byte changed under a genuine hash, under another dedupe key, so the genuine event is not dropped as its duplicate', async () => {
    const { send, settled } = setup();
    const genuine = fixture('06').request;
    const bytes = flippedAt(genuine.body, 'Contoso'); // "Contoso" -> "Bontoso": not covered by event_hash
    // The forged copy arrives first: it is accepted (nothing can tell it from Dropbox Sign's)...
    expectAck(await send({ ...genuine, body: bytes }));
    // ...and the genuine callback is still dispatched, not acknowledged as a duplicate of it.
    expectAck(await send(genuine));
    const seen = await settled();
    expect(seen).toHaveLength(2);
    expect(seen[0]?.key).not.toBe(seen[1]?.key);
    expect(seen[0]?.key.split('#')[0]).toBe(seen[1]?.key.split('#')[0]);
    expect((seen[1]?.payload.signature_request as { title: string }).title).toBe('Consulting Agreement - Contoso');
  });

  it('warns at start that bodies are not authenticated, unless refetch is on', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? ''), error() {} };
    createReceiver({ logger, endpoints: { d: dropboxSign({ apiKey: KEY }) } });
    expect(warnings).toEqual([expect.stringMatching(/covers only the event time and type.*refetch/)]);
    warnings.length = 0;
    createReceiver({ logger, endpoints: { d: dropboxSign({ apiKey: KEY, refetch: true }) } });
    expect(warnings).toEqual([]);
  });
});

describe('dropbox-sign: keys', () => {
  it('accepts any key of a list (rotation)', async () => {
    const { send, settled } = setup({ apiKey: ['new-key', KEY] });
    expectAck(await send(fixture('05').request));
    expectAck(await send(await callback('signature_request_sent', { apiKey: 'new-key' })));
    expect(await settled()).toHaveLength(2);
  });

  it('looks the key up by the account the callback names (the app on app callbacks), and says which one verified', async () => {
    const asked: string[] = [];
    const keys: Record<string, string> = { [ACCOUNT]: KEY, app_1: 'app-owner-key' };
    const { send, settled } = setup({
      apiKey: (account) => {
        asked.push(account);
        if (account === 'broken') throw new Error('vault down');
        return keys[account];
      },
    });
    expectAck(await send(fixture('05').request));
    expectAck(await send(await callback('signature_request_sent', { apiKey: 'app-owner-key', metadata: { reported_for_account_id: ACCOUNT, reported_for_app_id: 'app_1' } })));
    const unknown = await send(await callback('signature_request_sent', { metadata: { reported_for_account_id: 'someone-else' } }));
    expect(unknown.status).toBe(401);
    const broken = await send(await callback('signature_request_sent', { metadata: { reported_for_account_id: 'broken' } }));
    expect(broken.status).toBe(503);
    const nobody = await send(await callback('signature_request_sent', { metadata: {} }));
    expect(errorCode(nobody)).toBe('AUTH_MISSING');
    expect(asked).toEqual([ACCOUNT, 'app_1', 'someone-else', 'broken']);
    expect((await settled()).map((s) => s.account)).toEqual([ACCOUNT, 'app_1']);
  });

  it('fails closed on a missing key and refuses another success status', () => {
    expect(() => dropboxSign({} as DropboxSignOptions)).toThrow(/apiKey/);
    expect(() => dropboxSign({ apiKey: '' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => dropboxSign({ apiKey: KEY, successStatus: 204 } as DropboxSignOptions)).toThrow(/Hello API Event Received/);
    expect(() => dropboxSign({ apiKey: KEY, refetch: { baseUrl: 'not a url' } })).toThrow(/baseUrl/);
  });

  it('takes the platform defaults: a 25 s budget and 72 h of dedupe memory', () => {
    const provider = dropboxSign({ apiKey: KEY });
    expect(provider.timeoutMs).toBe(25_000);
    expect(provider.retentionMs).toBe(72 * 60 * 60 * 1000);
  });
});

describe('dropbox-sign: lifecycle', () => {
  const expected: Record<string, string | undefined> = {
    signature_request_sent: 'sent',
    signature_request_viewed: 'viewed',
    signature_request_signed: 'signed',
    signature_request_all_signed: 'completed',
    signature_request_declined: 'declined',
    signature_request_expired: 'expired',
    signature_request_canceled: 'cancelled',
    signature_request_email_bounce: 'failed',
    signature_request_invalid: 'failed',
    unknown_error: 'failed',
    file_error: 'failed',
  };

  it('maps every known event name to its stage (or none)', () => {
    for (const name of DROPBOX_SIGN_EVENTS) expect(DROPBOX_SIGN_LIFECYCLE[name], name).toBe(expected[name]);
    expect(Object.keys(DROPBOX_SIGN_LIFECYCLE).sort()).toEqual(Object.keys(expected).sort());
  });

  it.each(Object.entries(expected))('%s -> %s, with the signature request as the document and event_time as the time', async (name, stage) => {
    const { send, settled } = setup();
    const related = name === 'signature_request_signed' || name === 'signature_request_viewed' ? 'sig-jordan' : null;
    expectAck(await send(await callback(name, { signatureRequest: signatureRequest(), metadata: { related_signature_id: related, reported_for_account_id: ACCOUNT } })));
    const [event] = await settled();
    expect(event?.lifecycle).toEqual({
      stage,
      documentId: REQUEST_ID,
      signer: related === null ? undefined : { email: 'jordan.lee@example.org', name: 'Jordan Lee' },
      occurredAt: new Date(1741950001 * 1000),
    });
  });

  it('names the declining signer from the signatures when the event names none', async () => {
    const { send, settled } = setup();
    const declined = signatureRequest({
      is_declined: true,
      signatures: [
        { signature_id: 'a', signer_email_address: 'a@example.org', status_code: 'signed' },
        { signature_id: 'b', signer_email_address: 'b@example.org', signer_name: 'B', status_code: 'declined', decline_reason: 'no' },
      ],
    });
    await send(await callback('signature_request_declined', { signatureRequest: declined }));
    const [event] = await settled();
    expect(event?.lifecycle?.signer).toEqual({ email: 'b@example.org', name: 'B' });
  });

  it('gives no stage to events without one', async () => {
    const { send, settled } = setup();
    await send(fixture('03').request);
    await send(await callback('signature_request_remind'));
    expect((await settled()).map((s) => s.lifecycle)).toEqual([undefined, undefined]);
    expect(dropboxSignPlatform.lifecycle?.({ name: 'constructor', known: false, payload: {} })).toBeUndefined();
  });
});

describe('dropbox-sign: full validation before the handlers', () => {
  it('acknowledges a signature request event without its signature request, then dead-letters it with the issues', async () => {
    const { receiver, send, settled } = setup();
    const errors: Array<{ code: string; willRetry: boolean }> = [];
    receiver.onError((error, _event, info) => void errors.push({ code: (error as CountersignError).code, willRetry: info.willRetry }));
    expectAck(await send(await callback('signature_request_all_signed', { signatureRequest: undefined })));
    expectAck(await send(await callback('signature_request_sent', { eventTime: 1741950009, signatureRequest: signatureRequest({ signatures: [{ signer_name: 'no id' }] }) })));
    expect(await settled()).toHaveLength(0);
    expect(errors).toEqual([
      { code: 'PAYLOAD_INVALID', willRetry: false },
      { code: 'PAYLOAD_INVALID', willRetry: false },
    ]);
    const letters = await receiver.deadLetters();
    expect(letters).toHaveLength(2);
    expect(letters[0]?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'signature_request' })]));
    expect(letters[1]?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'signature_request.signatures[0].signature_id' })]));
  });

  it('lets unknown fields and events through', async () => {
    const { send, settled } = setup();
    await send(await callback('signature_request_sent', { signatureRequest: signatureRequest({ brand_new: { x: 1 } }), extra: { top_level_new: true } }));
    const [event] = await settled();
    expect((event?.payload.signature_request as Record<string, unknown>).brand_new).toEqual({ x: 1 });
    expect(event?.payload.top_level_new).toBe(true);
  });
});

describe('dropbox-sign: refetch (the API copy replaces the delivered signature request)', () => {
  let api: FakeDropboxSignApi | undefined;
  afterEach(async () => {
    await api?.close();
    api = undefined;
  });

  const truth = signatureRequest({ title: 'The real title', is_complete: true });

  it('queues the API copy, read with HTTP Basic and the key that verified the hash', async () => {
    api = await fakeDropboxSignApi({ apiKey: KEY, signatureRequests: [truth] });
    const { send, settled } = setup({ apiKey: ['other', KEY], refetch: { baseUrl: api.url } });
    const forged = await callback('signature_request_all_signed', { signatureRequest: signatureRequest({ title: 'Forged', metadata: { pay: 'attacker' } }) });
    expectAck(await send(forged));
    const [event] = await settled();
    expect(event?.payload.signature_request).toEqual(truth);
    expect(api.calls).toEqual([{ method: 'GET', path: `/v3/signature_request/${REQUEST_ID}`, authorization: `Basic ${Buffer.from(`${KEY}:`).toString('base64')}`, status: 200 }]);
  });

  it('reads with refetch.apiKey when given', async () => {
    api = await fakeDropboxSignApi({ apiKey: 'api-reader-key', signatureRequests: [truth] });
    const { send, settled } = setup({ apiKey: KEY, refetch: { baseUrl: api.url, apiKey: 'api-reader-key' } });
    expectAck(await send(await callback('signature_request_sent')));
    expect((await settled())[0]?.payload.signature_request).toEqual(truth);
  });

  it.each(['error500', 'hang', 'redirect'] as const)('answers 503 when the API fails (%s): Dropbox Sign retries', async (mode) => {
    api = await fakeDropboxSignApi({ apiKey: KEY, signatureRequests: [truth], mode });
    const { send, settled } = setup({ apiKey: KEY, refetch: { baseUrl: api.url, timeoutMs: 200 } });
    const delivery = await callback('signature_request_signed');
    const response = await send(delivery);
    expect(response.status).toBe(503);
    expect(errorCode(response)).toBe('VERIFICATION_UNAVAILABLE');
    expect(response.headers['retry-after']).toBeDefined();
    expect(await settled()).toHaveLength(0);
    // The retry, once the API is back, is accepted (the failed attempt claimed nothing).
    api.setMode('ok');
    expectAck(await send(delivery));
    expect(await settled()).toHaveLength(1);
  });

  it('answers 503 when the API refuses the key, and when it cannot be reached', async () => {
    api = await fakeDropboxSignApi({ apiKey: 'another-key', signatureRequests: [truth] });
    const refused = setup({ apiKey: KEY, refetch: { baseUrl: api.url } });
    const response = await refused.send(await callback('signature_request_signed'));
    expect(response.status).toBe(503);
    expect(errorMessage(response)).toMatch(/refused the API key/);
    const url = api.url;
    await api.close();
    api = undefined;
    const down = setup({ apiKey: KEY, refetch: { baseUrl: url } });
    expect((await down.send(await callback('signature_request_signed'))).status).toBe(503);
  });

  it('refuses with 401 a callback naming a signature request the API does not know', async () => {
    api = await fakeDropboxSignApi({ apiKey: KEY, signatureRequests: [truth] });
    const { send, settled } = setup({ apiKey: KEY, refetch: { baseUrl: api.url } });
    const unknown = await callback('signature_request_all_signed', { signatureRequest: signatureRequest({ signature_request_id: 'f'.repeat(40) }) });
    const response = await send(unknown);
    expect(response.status).toBe(401);
    expect(errorCode(response)).toBe('AUTH_INVALID');
    expect(errorMessage(response)).toMatch(/has no signature request/);
    // An id the API cannot have issued is refused without asking it.
    const calls = api.calls.length;
    const odd = await send(await callback('signature_request_all_signed', { signatureRequest: signatureRequest({ signature_request_id: '../../account' }) }));
    expect(odd.status).toBe(401);
    expect(api.calls).toHaveLength(calls);
    expect(await settled()).toHaveLength(0);
  });

  it('accepts signature_request_destroyed for a request the API no longer has, with only its id', async () => {
    api = await fakeDropboxSignApi({ apiKey: KEY });
    const { send, settled } = setup({ apiKey: KEY, refetch: { baseUrl: api.url } });
    expectAck(await send(await callback('signature_request_destroyed')));
    expect((await settled())[0]?.payload.signature_request).toEqual({ signature_request_id: REQUEST_ID });
  });

  it('does not call the API for events without a signature request, nor for callback_test', async () => {
    api = await fakeDropboxSignApi({ apiKey: KEY });
    const { send, settled } = setup({ apiKey: KEY, refetch: { baseUrl: api.url } });
    expectAck(await send(fixture('01').request));
    expectAck(await send(await dropboxSignDelivery({ apiKey: KEY, eventType: 'callback_test' })));
    expect(await settled()).toHaveLength(1);
    expect(api.calls).toEqual([]);
  });
});
