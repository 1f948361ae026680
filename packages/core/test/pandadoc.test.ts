import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { platformFixtures } from './platform-fixtures.js';
import { recordingReceiver } from './provider-harness.js';
import { ErrorCodes, pandadoc, pandadocPlatform, type LifecycleStage, type PandaDocOptions, type WebhookRequest, type WebhookResponse } from '@countersign/core';
import { PANDADOC_DOCUMENT_STATUSES } from '@countersign/core/pandadoc';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { pandadocDelivery } from '../../testing/src/pandadoc.js';

interface Fixture {
  name: string;
  credentials: { sharedKeys: string[] };
  request: { method: string; headers: Record<string, string>; query: string; body: string };
  expect: { accepted: boolean; event: string; dedupeKey: string; status?: number };
}

const { fixtures, fixture } = platformFixtures<Fixture>('pandadoc');

const KEY = 'bnk7HIJKHQTFMhJ3BDKPj8';
const SECOND_KEY = 'Bs3gR6HADrunNGLXEBAAq5';

interface Seen {
  id: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: unknown;
  stage: string | undefined;
  headers: Readonly<Record<string, string>>;
}

function setup(options: PandaDocOptions) {
  return recordingReceiver('pandadoc', pandadoc(options), (event): Seen => ({ id: event.key, name: event.name, topic: event.topic, known: event.known, payload: event.payload, stage: event.lifecycle?.stage, headers: event.delivery.headers }));
}

const errorCode = (response: WebhookResponse): string => (JSON.parse(response.body) as { error: { code: string } }).error.code;

/** The signature computed here with node:crypto, independently of the provider and the builders. */
const nodeSignature = (key: string, body: string): string => createHmac('sha256', key).update(body, 'utf8').digest('hex');

const documentData = (status: string, extra: Record<string, unknown> = {}) => ({
  id: 'doc-1',
  name: 'Lease',
  status,
  date_created: '2026-01-02T03:00:00.000000Z',
  date_modified: '2026-01-02T03:04:05.123456Z',
  recipients: [{ id: 'r-1', email: 'ann@example.org', first_name: 'Ann', last_name: 'Lee', recipient_type: 'signer', has_completed: false }],
  ...extra,
});

describe('pandadoc: the shared fixtures', () => {
  it.each(fixtures.map((f) => [f.name, f] as const))('%s verifies with its shared keys and is dispatched once under its event', async (_name, f) => {
    expect(f.expect.accepted).toBe(true);
    const { send, settled } = setup({ sharedKeys: f.credentials.sharedKeys });
    const response = await send(f.request);
    expect(response.status).toBe(200);
    expect(response.body).toBe('');
    const seen = await settled();
    expect(seen).toHaveLength(1);
    const [event] = seen;
    const [notification] = JSON.parse(f.request.body) as Array<{ event: string; data: { id: string; status: string; date_modified: string } }>;
    expect(event).toMatchObject({ name: f.expect.event, known: true, topic: 'document' });
    // The key comes from the signed notification, never from the unsigned header the fixture records.
    expect(event?.id).toContain(notification?.data.id);
    expect(event?.id).toContain(notification?.data.status);
    expect(event?.id).not.toContain(f.expect.dedupeKey);
    expect(event?.headers['x-pandadoc-webhook-event-id']).toBe(f.expect.dedupeKey);
    expect((event?.payload as { data: { date_modified: unknown } }).data.date_modified).toEqual(new Date(notification?.data.date_modified as string));
  });

  it('gives the documented keys', async () => {
    const { send, settled } = setup({ sharedKeys: [KEY, SECOND_KEY] });
    for (const f of fixtures) expect((await send(f.request)).status).toBe(200);
    expect((await settled()).map((e) => e.id)).toEqual([
      'document_state_changed:m1IfRD1wGcgOFFsmCnZEKs:document.draft:2025-03-15T00:53:29.286758Z',
      'document_state_changed:m1IfRD1wGcgOFFsmCnZEKs:document.sent:2025-03-15T00:55:20.286758Z',
      'recipient_completed:m1IfRD1wGcgOFFsmCnZEKs:document.sent:2025-03-15T01:43:20.120553Z:rrA6gOLLHtIAA4Mxok9mKr',
      'document_state_changed:m1IfRD1wGcgOFFsmCnZEKs:document.completed:2025-03-15T02:33:20.286758Z',
      'document_completed_pdf_ready:m1IfRD1wGcgOFFsmCnZEKs:document.completed:2025-03-15T02:33:50.286758Z',
    ]);
  });

  it('the stored signatures are what node:crypto computes over the raw body', () => {
    for (const f of fixtures) {
      const key = f.name.includes('second-key') ? SECOND_KEY : KEY;
      expect(f.request.query).toBe(`signature=${nodeSignature(key, f.request.body)}`);
    }
  });

  it('reads the signature from a query left in the endpoint too', async () => {
    const f = fixture('02-document-state-changed-sent');
    const { receiver } = setup({ sharedKeys: KEY });
    const response = await receiver.handle({ endpoint: `pandadoc?${f.request.query}`, method: 'POST', headers: f.request.headers, body: f.request.body });
    expect(response.status).toBe(200);
  });
});

describe('pandadoc: refusals are 401 (never 410)', () => {
  const f = fixture('02-document-state-changed-sent');

  it('refuses the body with one byte changed', async () => {
    const { send, settled } = setup({ sharedKeys: KEY });
    const response = await send({ ...f.request, body: f.request.body.replace('document.sent', 'document.seNt') });
    expect([response.status, errorCode(response)]).toEqual([401, 'AUTH_INVALID']);
    expect(await settled()).toEqual([]);
  });

  it('refuses a delivery signed with another key', async () => {
    const { send } = setup({ sharedKeys: SECOND_KEY });
    const response = await send(f.request);
    expect([response.status, errorCode(response)]).toEqual([401, 'AUTH_INVALID']);
  });

  it('refuses a missing, empty or malformed signature', async () => {
    const { send } = setup({ sharedKeys: KEY });
    for (const [query, code] of [
      [undefined, 'AUTH_MISSING'],
      ['', 'AUTH_MISSING'],
      ['signature=', 'AUTH_MISSING'],
      ['sig=' + f.request.query.slice(10), 'AUTH_MISSING'],
      ['signature=xyz', 'AUTH_INVALID'],
      [`signature=${'0'.repeat(64)}`, 'AUTH_INVALID'],
      [`${f.request.query}&${f.request.query}&${f.request.query}`, 'AUTH_INVALID'],
    ] as const) {
      const response = await send({ ...f.request, query });
      expect([query, response.status, errorCode(response)]).toEqual([query, 401, code]);
    }
  });

  it('accepts the signature in upper case, or beside a second (placeholder) one', async () => {
    const { send } = setup({ sharedKeys: KEY });
    expect((await send({ ...f.request, query: f.request.query.toUpperCase().replace('SIGNATURE', 'signature') })).status).toBe(200);
    const other = fixture('03-recipient-completed');
    expect((await send({ ...other.request, query: `signature=${'a'.repeat(64)}&${other.request.query}` })).status).toBe(200);
  });

  it('tries every configured key: the second-key fixture fails with the first key alone', async () => {
    const second = fixture('04-document-state-changed-completed-second-key');
    expect((await setup({ sharedKeys: KEY }).send(second.request)).status).toBe(401);
    expect((await setup({ sharedKeys: [SECOND_KEY] }).send(second.request)).status).toBe(200);
    expect((await setup({ sharedKeys: [KEY, SECOND_KEY] }).send(second.request)).status).toBe(200);
  });

  it('no answer of this endpoint is 410, whatever arrives', async () => {
    expect(Object.values(ErrorCodes)).not.toContain(410);
    const { send } = setup({ sharedKeys: KEY });
    const signed = async (body: string) => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body, query: `signature=${nodeSignature(KEY, body)}` });
    const requests: Array<Omit<WebhookRequest, 'endpoint'>> = [
      f.request,
      { ...f.request, query: undefined },
      { ...f.request, method: 'GET' },
      { ...f.request, method: 'DELETE' },
      await signed('{"event":"document_state_changed"}'),
      await signed('[1,2]'),
      await signed('[{"event":42,"data":{}}]'),
      await signed('not json'),
      await signed(''),
      await signed(`[${Array.from({ length: 1001 }, () => '{"event":"x","data":{}}').join(',')}]`),
    ];
    for (const request of requests) expect((await send(request)).status).not.toBe(410);
    expect(() => pandadoc({ sharedKeys: KEY, successStatus: 410 })).toThrow(/successStatus/);
  });
});

describe('pandadoc: batches', () => {
  it('A PandaDoc array of two notifications gives two events; sent again, none', async () => {
    const { send, settled } = setup({ sharedKeys: KEY });
    const delivery = await pandadocDelivery({
      sharedKey: KEY,
      notifications: [
        { event: 'document_state_changed', data: documentData('document.sent') },
        { event: 'document_state_changed', data: documentData('document.viewed', { date_modified: '2026-01-02T03:05:00Z' }) },
      ],
    });
    expect((await send(delivery)).status).toBe(200);
    expect((await settled()).map((e) => [e.name, e.stage])).toEqual([
      ['document_state_changed', 'sent'],
      ['document_state_changed', 'viewed'],
    ]);
    // PandaDoc's retry (a new X-PandaDoc-Webhook-Event-Id does not matter): acknowledged, nothing dispatched again.
    expect((await send({ ...delivery, headers: { ...delivery.headers, 'x-pandadoc-webhook-event-id': 'another' } })).status).toBe(200);
    expect(await settled()).toHaveLength(2);
  });

  it('queues a notification repeated inside one body once, and answers an empty array 200 with nothing queued', async () => {
    const { send, settled } = setup({ sharedKeys: KEY });
    const same = { event: 'document_state_changed', data: documentData('document.sent') };
    expect((await send(await pandadocDelivery({ sharedKey: KEY, notifications: [same, same] }))).status).toBe(200);
    expect((await send(await pandadocDelivery({ sharedKey: KEY, notifications: [] }))).status).toBe(200);
    expect(await settled()).toHaveLength(1);
  });

  it('refuses with 400 a body that is not an array of notifications (the envelope), before queuing any', async () => {
    const { send, settled } = setup({ sharedKeys: KEY });
    for (const body of ['{"event":"document_state_changed","data":{"id":"d"}}', '[{"data":{"id":"d"}}]', '[{"event":"x"}]', `[{"event":"x","data":{"id":"${'i'.repeat(300)}"}}]`, '[{"event":"ok","data":{"id":"d"}},"nope"]']) {
      const response = await send(await pandadocDelivery({ sharedKey: KEY, body }));
      expect([body.slice(0, 40), response.status, errorCode(response)]).toEqual([body.slice(0, 40), 400, 'PAYLOAD_INVALID']);
    }
    expect(await settled()).toEqual([]);
  });

  it('passes unknown events through, with a topic by prefix', async () => {
    const { send, settled } = setup({ sharedKeys: KEY });
    const delivery = await pandadocDelivery({
      sharedKey: KEY,
      notifications: [
        { event: 'content_library_item_created', data: { id: 'cli-1', date_modified: '2026-01-01T00:00:00Z' } },
        { event: 'template_archived', data: { id: 'tpl-1' } },
        { event: 'template_created', data: { id: 'tpl-2', name: 'NDA' } },
      ],
    });
    expect((await send(delivery)).status).toBe(200);
    const seen = await settled();
    expect(seen.map((e) => [e.name, e.known, e.topic])).toEqual([
      ['content_library_item_created', false, undefined],
      ['template_archived', false, 'template'],
      ['template_created', true, 'template'],
    ]);
    // Without any time field the key carries a hash of the notification instead.
    expect(seen[1]?.id).toMatch(/^template_archived:tpl-1::sha256:[0-9a-f]{64}$/);
  });
});

describe('pandadoc: full validation before the handlers', () => {
  it('acknowledges a notification that fails the full schema, then dead-letters it with its issues (no 4xx to PandaDoc)', async () => {
    const { receiver, send, settled } = setup({ sharedKeys: KEY });
    const errors: string[] = [];
    receiver.onError((error) => void errors.push((error as { code: string }).code));
    const delivery = await pandadocDelivery({
      sharedKey: KEY,
      notifications: [
        { event: 'document_state_changed', data: documentData('document.completed', { recipients: 'everyone', date_modified: 'yesterday' }) },
        { event: 'document_state_changed', data: documentData('document.sent') },
      ],
    });
    expect((await send(delivery)).status).toBe(200);
    const seen = await settled();
    expect(seen.map((e) => e.stage)).toEqual(['sent']);
    expect(errors).toEqual(['PAYLOAD_INVALID']);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.code).toBe('PAYLOAD_INVALID');
    expect(letter?.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'data.recipients' }), expect.objectContaining({ path: 'data.date_modified' })]));
  });
});

describe('pandadoc: lifecycle', () => {
  const stageOf = (name: string, data: Record<string, unknown>) => {
    const payload = pandadocPlatform.validate?.({ name, known: true, payload: { event: name, data } });
    return pandadocPlatform.lifecycle?.({ name, known: true, payload });
  };

  it('maps document_state_changed by its status', () => {
    const stages: Record<string, LifecycleStage | undefined> = {};
    for (const status of PANDADOC_DOCUMENT_STATUSES) stages[status] = stageOf('document_state_changed', documentData(status))?.stage;
    expect(stages).toEqual({
      'document.draft': undefined,
      'document.sent': 'sent',
      'document.viewed': 'viewed',
      'document.waiting_approval': undefined,
      'document.approved': undefined,
      'document.rejected': undefined,
      'document.waiting_pay': undefined,
      'document.paid': undefined,
      'document.completed': 'completed',
      'document.cancelled': 'cancelled',
      'document.declined': 'declined',
    });
    expect(stageOf('document_state_changed', documentData('document.voided'))?.stage).toBe('cancelled');
    expect(stageOf('document_state_changed', documentData('constructor'))).toBeUndefined();
    expect(stageOf('document_state_changed', documentData('document.completed'))).toEqual({
      stage: 'completed',
      documentId: 'doc-1',
      occurredAt: new Date('2026-01-02T03:04:05.123Z'),
    });
  });

  it('maps the other events by name (and document_deleted by status)', () => {
    const by = { id: 'c-1', email: 'ann@example.org', first_name: 'Ann', last_name: 'Lee' };
    expect(stageOf('recipient_completed', documentData('document.sent', { action_by: by, action_date: '2026-01-02T04:00:00Z' }))).toEqual({
      stage: 'signed',
      documentId: 'doc-1',
      signer: { email: 'ann@example.org', name: 'Ann Lee' },
      occurredAt: new Date('2026-01-02T04:00:00Z'),
    });
    expect(stageOf('recipient_completed', documentData('document.completed', { action_by: by }))?.stage).toBe('signed');
    expect(stageOf('document_completed_pdf_ready', documentData('document.completed'))).toBeUndefined();
    expect(stageOf('document_updated', documentData('document.sent'))).toBeUndefined();
    expect(stageOf('document_deleted', documentData('document.sent'))?.stage).toBe('cancelled');
    expect(stageOf('document_deleted', documentData('document.completed'))).toBeUndefined();
    expect(stageOf('document_creation_failed', documentData('document.draft'))?.stage).toBe('failed');
    expect(stageOf('template_created', { id: 't' })).toBeUndefined();
  });

  it('runs lifecycle handlers for the fixtures: sent, signed (with the signer), completed', async () => {
    const { receiver, send, settled } = setup({ sharedKeys: [KEY, SECOND_KEY] });
    const records: unknown[] = [];
    receiver.on('lifecycle:*', (event) => void records.push([event.name, event.lifecycle.stage, event.lifecycle.signer?.email]));
    for (const f of fixtures) await send(f.request);
    await settled();
    expect(records).toEqual([
      ['document_state_changed', 'sent', undefined],
      ['recipient_completed', 'signed', 'chris.nolan@example.org'],
      ['document_state_changed', 'completed', undefined],
    ]);
  });
});

describe('pandadoc: configuration', () => {
  it('fails closed without a usable shared key', () => {
    for (const sharedKeys of [undefined, '', [], [''], [KEY, ''], (() => KEY) as unknown]) {
      expect(() => pandadoc({ sharedKeys } as PandaDocOptions)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    }
    expect(() => pandadoc(undefined as unknown as PandaDocOptions)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('budgets 16 s of PandaDoc\'s 20 and remembers keys past its 15 days of history', () => {
    const provider = pandadoc({ sharedKeys: KEY });
    expect(provider.timeoutMs).toBe(16_000);
    expect(provider.retentionMs).toBe(16 * 24 * 3600 * 1000);
    expect(pandadoc({ sharedKeys: KEY, timeoutMs: 5000 }).timeoutMs).toBe(5000);
  });
});
