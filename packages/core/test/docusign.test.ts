import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { errorOf, flippedAt, recordingReceiver } from './provider-harness.js';
import { docusign, docusignPlatform, type CountersignError, type DocusignOptions, type Lifecycle } from '@countersign/core';
import { DOCUSIGN_EVENTS, DOCUSIGN_LIFECYCLE } from '@countersign/core/docusign';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { docusignDelivery, docusignSignature } from '../../testing/src/docusign.js';

interface Fixture {
  name: string;
  credentials: { hmacKeys: string[] };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event?: string; dedupeKey?: string[]; status?: number; reason?: string };
}

const { fixtures, fixture } = platformFixtures<Fixture>('docusign');

const KEY = 'FnhudeMAS6EoLQ++IzTmguUea7rNHK0kwZUv+9wbLoE=';
const OTHER_KEY = 'SGGCtoPDRZ4mYCwi9hKoM4Vk2GRN3x1XfLgjBzevoTA=';
const ACCOUNT = 'dc04a7e3-b7a3-49d5-b7b4-e070617350ab';

interface Seen {
  id: string;
  key: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: unknown;
  attempt: number | undefined;
  account: string | undefined;
  lifecycle: Lifecycle | undefined;
}

function setup(options: DocusignOptions) {
  return recordingReceiver('docusign', docusign(options), (event): Seen => ({
    id: event.id,
    key: event.key,
    name: event.name,
    topic: event.topic,
    known: event.known,
    payload: event.payload,
    attempt: event.delivery.attempt,
    account: event.delivery.account,
    lifecycle: event.lifecycle,
  }));
}


/** The signature computed here with node:crypto, independently of the provider and the builder. */
const nodeSignature = (key: string, body: string): string => createHmac('sha256', Buffer.from(key, 'utf8')).update(body, 'utf8').digest('base64');

describe('docusign: signed deliveries', () => {
  it.each(fixtures.filter((f) => f.expect.accepted).map((f) => [f.name, f] as const))('%s verifies with its keys and is dispatched', async (_name, f) => {
    const { send, settled } = setup({ hmacKeys: f.credentials.hmacKeys });
    const response = await send(f.request);
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ name: f.expect.event, known: true, key: f.expect.dedupeKey?.join(':'), attempt: 1, account: ACCOUNT });
    expect(seen[0]?.topic).toBe(f.expect.event?.split('-')[0]);
    expect(seen[0]?.payload).toEqual(JSON.parse(f.request.body));
  });

  it.each(fixtures.filter((f) => !f.expect.accepted).map((f) => [f.name, f] as const))('%s is refused with 401', async (_name, f) => {
    const { send, settled } = setup({ hmacKeys: f.credentials.hmacKeys });
    const response = await send(f.request);
    expect(response.status).toBe(f.expect.status ?? 401);
    expect(await settled()).toHaveLength(0);
  });

  it('the fixtures are signed with the key as UTF-8 text (not base64-decoded), as the builder and node:crypto sign', async () => {
    for (const f of fixtures.filter((x) => x.expect.accepted)) {
      const signatures = Object.entries(f.request.headers).filter(([name]) => name.startsWith('x-docusign-signature-')).map(([, value]) => value);
      const key = f.credentials.hmacKeys[0] as string;
      expect(signatures).toContain(nodeSignature(key, f.request.body));
      expect(signatures).toContain(await docusignSignature(key, f.request.body));
      const decodedKey = createHmac('sha256', Buffer.from(key, 'base64')).update(f.request.body).digest('base64');
      expect(signatures).not.toContain(decodedKey);
    }
  });

  it('tries every key against every signature header (rotation): the second header, the second key', async () => {
    const voided = fixture('05-envelope-voided-second-key');
    expect(voided.request.headers['x-docusign-signature-2']).toBe(nodeSignature(OTHER_KEY, voided.request.body));
    for (const hmacKeys of [[OTHER_KEY], [KEY, OTHER_KEY], [OTHER_KEY, KEY]]) {
      const { send } = setup({ hmacKeys });
      expect((await send(voided.request)).status).toBe(200);
    }
    // A delivery signed with one key only, the receiver holding it second in its list.
    const { send, settled } = setup({ hmacKeys: ['not-the-key', KEY] });
    expect((await send(await docusignDelivery({ hmacKeys: KEY, event: 'envelope-sent' }))).status).toBe(200);
    // Gaps in the numbering (a removed key) are read past.
    const delivery = await docusignDelivery({ hmacKeys: ['old', 'older', KEY], event: 'envelope-completed' });
    delete delivery.headers['x-docusign-signature-1'];
    delete delivery.headers['x-docusign-signature-2'];
    expect((await send(delivery)).status).toBe(200);
    expect(await settled()).toHaveLength(2);
  });

  it('takes retryCount as the attempt number and dedupes retries (retryCount changes the body, not the key)', async () => {
    const { send, settled } = setup({ hmacKeys: KEY });
    const data = { envelopeId: '5a0f1b1e-0c3c-4b7e-9d11-2f6a3e0f0a01', recipientId: '2' };
    const first = await docusignDelivery({ hmacKeys: KEY, event: 'recipient-completed', data, retryCount: 3, generatedDateTime: '2025-03-14T09:26:42.0038215Z' });
    const again = await docusignDelivery({ hmacKeys: KEY, event: 'recipient-completed', data, retryCount: 4, generatedDateTime: '2025-03-14T09:26:42.0038215Z' });
    expect(first.body).not.toBe(again.body);
    expect((await send(first)).status).toBe(200);
    expect((await send(again)).status).toBe(200);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ attempt: 4, key: `recipient-completed:${data.envelopeId}:2:2025-03-14T09:26:42.0038215Z`, topic: 'recipient' });
  });

  it('passes unknown events through with a topic by prefix, keyed without an envelope by a hash of the body', async () => {
    const { send, settled } = setup({ hmacKeys: KEY });
    await send(await docusignDelivery({ hmacKeys: KEY, event: 'recipient-reassign-later', generatedDateTime: '2025-03-14T10:00:00.0000000Z' }));
    const body = JSON.stringify({ event: 'click-agreed', data: { clickwrapId: 'c1' }, retryCount: 0 });
    await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': nodeSignature(KEY, body) }, body });
    const retried = JSON.stringify({ event: 'click-agreed', data: { clickwrapId: 'c1' }, retryCount: 1 });
    await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': nodeSignature(KEY, retried) }, body: retried });
    const seen = await settled();
    expect(seen.map((s) => [s.name, s.known, s.topic])).toEqual([
      ['recipient-reassign-later', false, 'recipient'],
      ['click-agreed', false, undefined],
    ]);
    expect(seen[1]?.key).toMatch(/^click-agreed:sha256:[0-9a-f]{64}$/);
    expect(seen[1]?.lifecycle).toBeUndefined();
  });
});

describe('docusign: refused deliveries', () => {
  const base = fixture('04-envelope-completed').request;

  it('refuses the body with one byte changed', async () => {
    const { send, settled } = setup({ hmacKeys: KEY });
    const bytes = flippedAt(base.body, 'completed');
    const response = await send({ ...base, body: bytes });
    expect(response.status).toBe(401);
    expect(errorOf(response).code).toBe('AUTH_INVALID');
    expect(await settled()).toHaveLength(0);
  });

  it('refuses a wrong key, the key base64-decoded, and a signature header that is not base64', async () => {
    for (const hmacKeys of [OTHER_KEY, ['a', 'b']]) {
      const response = await setup({ hmacKeys }).send(base);
      expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
    }
    const decoded = createHmac('sha256', Buffer.from(KEY, 'base64')).update(base.body).digest('base64');
    for (const value of [decoded, 'not base64!', '']) {
      const response = await setup({ hmacKeys: KEY }).send({ ...base, headers: { ...base.headers, 'x-docusign-signature-1': value, ...(value === '' ? { 'x-docusign-signature-2': decoded } : {}) } });
      expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
    }
  });

  it('refuses a missing signature with AUTH_MISSING, saying how to switch HMAC on', async () => {
    const { send, settled } = setup({ hmacKeys: KEY });
    const { 'x-docusign-signature-1': _removed, ...headers } = base.headers;
    const response = await send({ ...base, headers });
    expect(response.status).toBe(401);
    expect(errorOf(response)).toMatchObject({ code: 'AUTH_MISSING', message: expect.stringMatching(/Include HMAC Signature/) });
    expect(await settled()).toHaveLength(0);
  });

  it('refuses an X-Authorization-Digest naming another algorithm', async () => {
    const response = await setup({ hmacKeys: KEY }).send({ ...base, headers: { ...base.headers, 'x-authorization-digest': 'HMACSHA1' } });
    expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
  });

  it('answers 400 to a signed body that is not a Connect message (no event, no data, bounds)', async () => {
    const { send } = setup({ hmacKeys: KEY });
    const cases: Array<[string, RegExp]> = [
      [JSON.stringify({ data: {} }), /event/],
      [JSON.stringify({ event: 'envelope-sent' }), /data/],
      [JSON.stringify({ event: 'x'.repeat(200), data: {} }), /event: must be at most 128/],
      [JSON.stringify({ event: 'envelope-sent', data: { envelopeId: 'e'.repeat(300) } }), /data\.envelopeId/],
      ['[1,2]', /JSON object/],
    ];
    for (const [body, message] of cases) {
      const response = await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': nodeSignature(KEY, body) }, body });
      expect(response.status).toBe(400);
      expect(errorOf(response).message).toMatch(message);
    }
  });

  it('acknowledges a known event failing the full schema and dead-letters it with its issues (no 4xx to DocuSign)', async () => {
    const { receiver, send, settled } = setup({ hmacKeys: KEY });
    const errors: string[] = [];
    receiver.onError((error) => void errors.push((error as CountersignError).code));
    const body = JSON.stringify({ event: 'envelope-completed', generatedDateTime: '2025-03-14T09:35:05.4471203Z', data: { envelopeId: 'e-1', envelopeSummary: { recipients: { signers: 'many' } } } });
    const response = await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-docusign-signature-1': nodeSignature(KEY, body) }, body });
    expect(response.status).toBe(200);
    expect(await settled()).toHaveLength(0);
    expect(errors).toEqual(['PAYLOAD_INVALID']);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.code).toBe('PAYLOAD_INVALID');
    expect(letter?.error.details).toEqual(
      expect.arrayContaining([expect.objectContaining({ path: 'data.accountId' }), expect.objectContaining({ path: 'data.envelopeSummary.recipients.signers' })]),
    );
  });
});

describe('docusign: keys per account', () => {
  it('looks the keys up by the body\'s data.accountId, trusted once the HMAC verifies', async () => {
    const asked: string[] = [];
    const { send, settled } = setup({ hmacKeys: (account) => (asked.push(account), account === ACCOUNT ? [KEY] : undefined) });
    expect((await send(fixture('01-envelope-sent').request)).status).toBe(200);
    expect((await settled())[0]?.account).toBe(ACCOUNT);
    expect(asked).toEqual([ACCOUNT]);
    const stranger = await docusignDelivery({ hmacKeys: KEY, event: 'envelope-sent', data: { accountId: 'someone-else' } });
    const response = await send(stranger);
    expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_INVALID']);
    const nameless = await docusignDelivery({ hmacKeys: KEY, event: 'envelope-sent', body: '{"event":"envelope-sent","data":{}}' });
    expect(errorOf(await send(nameless)).message).toMatch(/names no data\.accountId/);
  });

  it('answers 503 when the lookup fails (Connect retries)', async () => {
    const { send } = setup({
      hmacKeys: () => {
        throw new Error('vault down');
      },
    });
    const response = await send(fixture('01-envelope-sent').request);
    expect([response.status, errorOf(response).code]).toEqual([503, 'VERIFICATION_UNAVAILABLE']);
  });
});

describe('docusign: configuration', () => {
  it('fails closed without keys', () => {
    expect(() => docusign({} as DocusignOptions)).toThrow(/hmacKeys.*required/);
    expect(() => docusign({ hmacKeys: [] })).toThrow(/at least one/);
    expect(() => docusign({ hmacKeys: [''] })).toThrow(/non-empty/);
    expect(() => docusign(undefined as unknown as DocusignOptions)).toThrow(/options are required/);
    expect(() => docusign({ hmacKeys: KEY, timeoutMs: -1 })).toThrow(/timeoutMs/);
  });

  it('budgets 10 s and remembers events for 16 days by default, both overridable', () => {
    expect(docusign({ hmacKeys: KEY })).toMatchObject({ timeoutMs: 10_000, retentionMs: 16 * 86_400_000 });
    expect(docusign({ hmacKeys: KEY, timeoutMs: 2000, retentionMs: 1000 })).toMatchObject({ timeoutMs: 2000, retentionMs: 1000 });
  });
});

describe('docusign: lifecycle', () => {
  it('pins the stage of every known event', () => {
    expect(Object.fromEntries(DOCUSIGN_EVENTS.map((name) => [name, DOCUSIGN_LIFECYCLE[name] ?? null]))).toEqual({
      'envelope-created': null,
      'envelope-sent': 'sent',
      'envelope-resent': null,
      'envelope-delivered': 'viewed',
      'envelope-completed': 'completed',
      'envelope-declined': 'declined',
      'envelope-voided': 'cancelled',
      'envelope-corrected': null,
      'envelope-purge': null,
      'envelope-deleted': null,
      'envelope-discard': null,
      'recipient-sent': null,
      'recipient-autoresponded': 'failed',
      'recipient-delivered': 'viewed',
      'recipient-completed': 'signed',
      'recipient-declined': 'declined',
      'recipient-authenticationfailed': 'failed',
      'recipient-resent': null,
      'recipient-delegate': null,
      'recipient-reassign': null,
      'recipient-finish-later': null,
    });
    const payload = { event: 'x', generatedDateTime: '2025-03-14T09:20:13.1234567Z', data: { accountId: ACCOUNT, envelopeId: 'env-1' } };
    for (const name of DOCUSIGN_EVENTS) {
      expect(docusignPlatform.lifecycle?.({ name, known: true, payload })?.stage).toBe(DOCUSIGN_LIFECYCLE[name]);
    }
    expect(docusignPlatform.lifecycle?.({ name: 'envelope-sent', known: false, payload })).toBeUndefined();
  });

  it('gives every fixture its record: envelope id, signer from the summary, time of generation', async () => {
    const { send, settled } = setup({ hmacKeys: [KEY, OTHER_KEY] });
    for (const f of fixtures.filter((x) => x.expect.accepted)) expect((await send(f.request)).status).toBe(200);
    const records = (await settled()).map((s) => [s.name, s.lifecycle]);
    const envelope = 'da966f7e-c404-406d-821e-7a43e6822bd1';
    expect(records).toEqual([
      ['envelope-sent', { stage: 'sent', documentId: envelope, signer: undefined, occurredAt: new Date('2025-03-14T09:20:13.123Z') }],
      ['recipient-delivered', { stage: 'viewed', documentId: envelope, signer: undefined, occurredAt: new Date('2025-03-14T09:25:10.662Z') }],
      ['recipient-completed', { stage: 'signed', documentId: envelope, signer: undefined, occurredAt: new Date('2025-03-14T09:26:42.003Z') }],
      ['envelope-completed', { stage: 'completed', documentId: envelope, signer: undefined, occurredAt: new Date('2025-03-14T09:35:05.447Z') }],
      ['envelope-voided', { stage: 'cancelled', documentId: 'ae4fd381-8f2e-4e8a-8cb5-f6e528c1f2e9', signer: undefined, occurredAt: new Date('2025-03-14T11:20:00.991Z') }],
    ]);
  });

  it('names the recipient from the envelope summary when the configuration includes it', () => {
    const summary = {
      status: 'declined',
      recipients: {
        signers: [
          { recipientId: '1', name: 'Jordan Lee', email: 'jordan.lee@example.org', status: 'completed' },
          { recipientId: '2', name: 'Priya Raman', email: 'priya.raman@example.net', status: 'declined' },
        ],
      },
    };
    const payload = (recipientId?: string) => ({ event: 'x', generatedDateTime: '2025-03-14T09:20:13Z', data: { accountId: ACCOUNT, envelopeId: 'env-1', recipientId, envelopeSummary: summary } });
    expect(docusignPlatform.lifecycle?.({ name: 'recipient-completed', known: true, payload: payload('1') })?.signer).toEqual({ email: 'jordan.lee@example.org', name: 'Jordan Lee' });
    expect(docusignPlatform.lifecycle?.({ name: 'envelope-declined', known: true, payload: payload() })?.signer).toEqual({ email: 'priya.raman@example.net', name: 'Priya Raman' });
    expect(docusignPlatform.lifecycle?.({ name: 'recipient-completed', known: true, payload: payload('9') })?.signer).toBeUndefined();
  });
});
