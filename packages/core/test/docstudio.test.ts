import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReceiver, docstudio, memoryQueue, type DocStudioOptions, type QueuedEvent, type WebhookResponse, silentLogger } from '@countersign/core';
// The builder of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { docstudioDelivery } from '../../testing/src/docstudio.js';
import { errorOf } from './provider-harness.js';

interface Fixture {
  credentials: { login: string; password: string; successCode: number };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { status: string; dedupeKey: string[] };
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/docstudio/COMPLETED-epoch-dates.json', import.meta.url), 'utf8')) as Fixture;
const { login, password } = fixture.credentials;
const UUID = '74acfb70-78e9-4ca5-ac73-054c72402c0a';

interface Seen {
  id: string;
  name: string;
  known: boolean;
  payload: Record<string, unknown>;
}

function setup(options: DocStudioOptions) {
  const queue = memoryQueue();
  const receiver = createReceiver({ logger: silentLogger, endpoints: { docstudio: docstudio(options) }, queue });
  const seen: Seen[] = [];
  receiver.onAny((event) => {
    seen.push({ id: event.key, name: event.name, known: event.known, payload: event.payload });
  });
  const send = (request: { method: string; headers: Record<string, string>; body: string }): Promise<WebhookResponse> =>
    receiver.handle({ endpoint: 'docstudio', ...request });
  const settled = async (): Promise<Seen[]> => {
    await queue.idle();
    return seen;
  };
  return { receiver, send, settled };
}

describe('docstudio: acknowledgement', () => {
  it('accepts the documented callback and answers exactly the configured success code', async () => {
    const { send, settled } = setup({ login, password, successCode: 202 });
    const response = await send(fixture.request);
    expect(response).toEqual({ status: 202, headers: {}, body: '' });
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]?.name).toBe(fixture.expect.status);
    expect(seen[0]?.known).toBe(true);
    for (const part of fixture.expect.dedupeKey) expect(seen[0]?.id).toContain(part);
    expect(seen[0]?.payload['receiveDate']).toEqual(new Date(1676039226765));
    expect(seen[0]?.payload['expireDate']).toEqual(new Date(1678631226504));
    expect(seen[0]?.payload['label']).toEqual(['string']);
  });

  it('answers duplicates with the success code too, and 200 by default', async () => {
    const { send } = setup({ login, password });
    expect((await send(fixture.request)).status).toBe(200);
    expect((await send(fixture.request)).status).toBe(200);
  });

  it.each<[string, DocStudioOptions]>([
    ['no options at all', {}],
    ['unset environment variables', { login: process.env['COUNTERSIGN_UNSET_LOGIN'], password: process.env['COUNTERSIGN_UNSET_PASSWORD'] }],
    ['empty strings', { login: '', password: '' }],
    ['a login with an empty password', { login: 'hooks', password: '' }],
  ])('refuses to start without credentials (%s): it would accept every unauthenticated POST', (_case, options) => {
    expect(() => docstudio(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('dangerouslyAcceptUnauthenticated') }));
  });

  it('accepts deliveries without credentials only with the explicit opt-out, and warns at start', async () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? ''), error() {} };
    const queue = memoryQueue();
    const receiver = createReceiver({ endpoints: { docstudio: docstudio({ dangerouslyAcceptUnauthenticated: true }) }, queue, logger });
    expect(warnings).toEqual([expect.stringContaining('not authenticated')]);
    const seen: string[] = [];
    receiver.onAny((event) => void seen.push(event.name));
    expect((await receiver.handle({ endpoint: 'docstudio', ...docstudioDelivery({ uuid: UUID, status: 'SENT' }) })).status).toBe(200);
    await queue.idle();
    expect(seen).toEqual(['SENT']);
    expect(() => docstudio({ dangerouslyAcceptUnauthenticated: true, login: 'l', password: 'p' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('docstudio: authentication', () => {
  const challenge = 'Basic realm="countersign"';

  it.each([
    ['a wrong password', docstudioDelivery({ login, password: 'wrong', uuid: UUID, status: 'COMPLETED' }), 'AUTH_INVALID'],
    ['a wrong login', docstudioDelivery({ login: 'other', password, uuid: UUID, status: 'COMPLETED' }), 'AUTH_INVALID'],
    ['no credentials', docstudioDelivery({ uuid: UUID, status: 'COMPLETED' }), 'AUTH_MISSING'],
    ['another scheme', { ...fixture.request, headers: { authorization: 'Bearer aG9va3M6czNjcmV0LVBhNTU=' } }, 'AUTH_INVALID'],
    ['no colon', { ...fixture.request, headers: { authorization: 'Basic aG9va3M=' } }, 'AUTH_INVALID'],
  ])('refuses %s with 401 and a Basic challenge', async (_case, delivery, code) => {
    const { send, settled } = setup({ login, password, successCode: 202 });
    const response = await send(delivery);
    expect(response.status).toBe(401);
    expect(response.headers['www-authenticate']).toBe(challenge);
    expect(errorOf(response).code).toBe(code);
    expect(await settled()).toHaveLength(0);
  });

  it('compares non-ASCII credentials as UTF-8', async () => {
    const { send } = setup({ login: 'привіт', password: 'пароль' });
    expect((await send(docstudioDelivery({ login: 'привіт', password: 'пароль', uuid: UUID, status: 'SENT' }))).status).toBe(200);
    expect((await send(docstudioDelivery({ login: 'привіт', password: 'парол', uuid: UUID, status: 'WAITING' }))).status).toBe(401);
  });
});

describe('docstudio: payload', () => {
  it('answers 400 when the status is missing', async () => {
    const { send, settled } = setup({ login, password });
    const response = await send(docstudioDelivery({ login, password, uuid: UUID, status: null }));
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'PAYLOAD_INVALID', message: expect.stringMatching(/status: is missing/) });
    expect(await settled()).toHaveLength(0);
  });

  it('answers 400 for a missing uuid, and acknowledges an unreadable date, which becomes a dead letter', async () => {
    const { receiver, send, settled } = setup({ dangerouslyAcceptUnauthenticated: true });
    const noUuid = await send({ method: 'POST', headers: {}, body: JSON.stringify({ status: 'SENT' }) });
    expect(noUuid.status).toBe(400);
    expect(errorOf(noUuid).message).toMatch(/uuid: is missing/);
    const badDate = await send(docstudioDelivery({ uuid: UUID, status: 'SENT', receiveDate: 'yesterday' }));
    expect(badDate.status).toBe(200);
    expect(await settled()).toHaveLength(0);
    const [letter] = await receiver.deadLetters();
    expect(letter?.error.message).toMatch(/receiveDate: expected epoch milliseconds or an ISO 8601 date-time/);
  });

  it('answers 400 for a mailbox that is not a string: it is part of the dedupe key', async () => {
    const { send } = setup({ dangerouslyAcceptUnauthenticated: true });
    const response = await send({ method: 'POST', headers: {}, body: JSON.stringify({ uuid: UUID, status: 'SENT', mailbox: 7 }) });
    expect([response.status, errorOf(response).code]).toEqual([400, 'PAYLOAD_INVALID']);
    expect(errorOf(response).message).toMatch(/mailbox/);
  });

  it('turns ISO and epoch dates alike into Date', async () => {
    const { send, settled } = setup({ dangerouslyAcceptUnauthenticated: true });
    const at = new Date('2023-02-10T14:27:06.765Z');
    const variants: Array<Date | number | string> = [
      at.getTime(),
      String(at.getTime()),
      at.toISOString(),
      '2023-02-10T16:27:06.765+02:00',
      '2023-02-10T16:27:06.765+0200',
      '2023-02-10T14:27:06.765',
      '2023-02-10 14:27:06.765Z',
      '2023-02-10T14:27:06.765123Z',
    ];
    for (const [i, receiveDate] of variants.entries()) {
      expect((await send(docstudioDelivery({ uuid: `u${i}`, status: 'SENT', receiveDate, expireDate: '2023-03-12' }))).status).toBe(200);
    }
    for (const event of await settled()) {
      expect(event.payload['receiveDate']).toEqual(at);
      expect(event.payload['expireDate']).toEqual(new Date(Date.UTC(2023, 2, 12)));
    }
  });

  it('lets unknown statuses and fields through, and fills a missing label list', async () => {
    const { send, settled } = setup({ dangerouslyAcceptUnauthenticated: true });
    await send(docstudioDelivery({ uuid: UUID, status: 'ARCHIVED', mailbox: null, extra: { priority: 'high', label: undefined } }));
    const [event] = await settled();
    expect(event).toMatchObject({ name: 'ARCHIVED', known: false, id: `${UUID}:ARCHIVED` });
    expect(event?.payload).toMatchObject({ priority: 'high', label: [] });
  });
});

describe('docstudio: dedupe', () => {
  it('dispatches one (uuid, status) once, and a new status of the envelope again', async () => {
    const { send, settled } = setup({ login, password, successCode: 202 });
    for (let i = 0; i < 3; i++) {
      expect((await send(docstudioDelivery({ login, password, uuid: UUID, status: 'WAITING' }))).status).toBe(202);
    }
    expect((await send(docstudioDelivery({ login, password, uuid: UUID, status: 'COMPLETED' }))).status).toBe(202);
    expect((await settled()).map((e) => e.name)).toEqual(['WAITING', 'COMPLETED']);
  });

  it("keeps each mailbox's callback for the same envelope status apart", async () => {
    const { send, settled } = setup({ dangerouslyAcceptUnauthenticated: true });
    await send(docstudioDelivery({ uuid: UUID, status: 'COMPLETED', mailbox: 'inbox-a' }));
    await send(docstudioDelivery({ uuid: UUID, status: 'COMPLETED', mailbox: 'inbox-b' }));
    await send(docstudioDelivery({ uuid: UUID, status: 'COMPLETED', mailbox: 'inbox-a' }));
    expect((await settled()).map((e) => e.id)).toEqual([`${UUID}:COMPLETED:inbox-a`, `${UUID}:COMPLETED:inbox-b`]);
  });
});

describe('docstudio: validate', () => {
  it('gives Date back after the event went through JSON, and is idempotent', async () => {
    const provider = docstudio({ dangerouslyAcceptUnauthenticated: true });
    const queued: QueuedEvent[] = [];
    const receiver = createReceiver({
      logger: silentLogger,
      endpoints: { docstudio: provider },
      // A durable queue stores the event as JSON and has a worker dispatch it later.
      queue: {
        enqueue: async (event) => void queued.push(JSON.parse(JSON.stringify(event)) as QueuedEvent),
        deadLetters: async () => [],
        replay: async () => undefined,
        close: async () => undefined,
      },
    });
    const received: unknown[] = [];
    receiver.on('docstudio:COMPLETED', (event) => {
      received.push(event.payload.receiveDate, event.payload.expireDate);
    });
    await receiver.handle({ endpoint: 'docstudio', ...docstudioDelivery({ uuid: UUID, status: 'COMPLETED', receiveDate: 1676039226765, expireDate: '2023-03-12T14:27:06Z' }) });
    const [event] = queued;
    // Queued as sent (validated before the handlers, not before the acknowledgement).
    expect((event?.payload as { receiveDate: unknown }).receiveDate).toBe(1676039226765);
    await receiver.dispatch(event as QueuedEvent, { attempt: 1, maxAttempts: 1 });
    expect(received).toEqual([new Date(1676039226765), new Date('2023-03-12T14:27:06Z')]);

    const once = provider.validate?.({ name: 'COMPLETED', known: true, payload: event?.payload });
    const twice = provider.validate?.({ name: 'COMPLETED', known: true, payload: once });
    expect(twice).toEqual(once);
    expect((twice as { receiveDate: unknown }).receiveDate).toBeInstanceOf(Date);
    expect(provider.validate?.({ name: 'X', known: false, payload: { uuid: UUID, status: 'X', expireDate: null } })).toEqual({ uuid: UUID, status: 'X', expireDate: null, label: [] });
  });
});

describe('docstudio: configuration', () => {
  it('answers within the callback timeout minus a safety margin', () => {
    expect(docstudio({ dangerouslyAcceptUnauthenticated: true }).timeoutMs).toBe(4500);
    expect(docstudio({ login, password, callbackTimeoutMs: 100 }).timeoutMs).toBe(50);
    expect(docstudio({ login, password, callbackTimeoutMs: 60_000 }).timeoutMs).toBe(59_000);
  });

  it.each<[string, DocStudioOptions]>([
    ['a timeout under 100 ms', { login: 'hooks', password: 'p', callbackTimeoutMs: 99 }],
    ['a timeout over 60 s', { login: 'hooks', password: 'p', callbackTimeoutMs: 60_001 }],
    ['a login without a password', { login: 'hooks' }],
    ['a login with a colon', { login: 'a:b', password: 'p' }],
    ['a success code that is not 2xx', { login: 'hooks', password: 'p', successCode: 500 }],
  ])('refuses %s', (_case, options) => {
    expect(() => docstudio(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('docstudio: validation before the handlers', () => {
  it('acknowledges a callback whose field changed type, dead-letters it with the issue, tells onError, and can replay it', async () => {
    const queue = memoryQueue({ attempts: 5, backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { docstudio: docstudio({ login, password }) }, queue });
    const handled: unknown[] = [];
    const errors: Array<{ code: unknown; willRetry: boolean }> = [];
    receiver.on('docstudio:COMPLETED', (event) => void handled.push(event.payload.uuid));
    receiver.onError((error, _event, info) => void errors.push({ code: (error as { code?: unknown }).code, willRetry: info.willRetry }));
    // DocStudio starts sending `label` as one comma-separated string instead of a list.
    const delivery = docstudioDelivery({ uuid: UUID, status: 'COMPLETED', mailbox: 'mb-1', login, password, extra: { label: 'a,b' } });
    expect((await receiver.handle({ endpoint: 'docstudio', ...delivery })).status).toBe(200);
    await queue.idle();
    expect(handled).toEqual([]);
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', willRetry: false }]);
    const [letter] = await receiver.deadLetters();
    // The key is what it always was: uuid, status and mailbox.
    expect(letter?.id).toBe(`docstudio:${UUID}:COMPLETED:mb-1`);
    expect(letter?.error.details).toEqual([expect.objectContaining({ path: 'label' })]);
    await receiver.replay(letter!.id);
    await queue.idle();
    expect(errors).toHaveLength(2);
    expect(await receiver.deadLetters()).toHaveLength(1);
  });
});

describe('docstudio: lifecycle', () => {
  it.each([
    ['SENT', 'sent'],
    ['WAITING', 'sent'],
    ['COMPLETED', 'completed'],
    ['CANCELLED', 'cancelled'],
    ['EXPIRED', 'expired'],
    ['DRAFT', undefined],
    ['ON_APPROVAL', undefined],
    ['ARCHIVED', undefined],
  ] as const)('the status %s is %s', async (status, stage) => {
    const { receiver, send, settled } = setup({ dangerouslyAcceptUnauthenticated: true });
    const records: unknown[] = [];
    receiver.onAny((event) => void records.push(event.lifecycle));
    expect((await send(docstudioDelivery({ uuid: UUID, status, receiveDate: 1676039226765 }))).status).toBe(200);
    await settled();
    expect(records).toEqual([stage === undefined ? undefined : { stage, documentId: UUID, signer: undefined, occurredAt: undefined }]);
  });
});
