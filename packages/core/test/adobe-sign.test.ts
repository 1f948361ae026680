import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type JWK } from 'jose';
import { afterEach, describe, expect, it } from 'vitest';
import {
  adobeSign,
  createReceiver,
  memoryQueue,
  type AdobeSignOptions,
  type WebhookResponse,
  silentLogger,
} from '@countersign/core';
import {
  ADOBE_SIGN_AGREEMENT_EVENTS,
  ADOBE_SIGN_EVENTS,
  ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
  ADOBE_SIGN_MEGASIGN_EVENTS,
  ADOBE_SIGN_WIDGET_EVENTS,
} from '@countersign/core/adobe-sign';
// The builders of @countersign/testing, by path: core cannot depend on the testing package (it depends on core).
import { adobeSignDelivery, adobeSignHandshake, type AdobeSignDelivery } from '../../testing/src/adobe-sign.js';
import { errorOf } from './provider-harness.js';

interface Fixture {
  name: string;
  credentials: { clientIds: string[] };
  request: { method: string; headers: Record<string, string>; body: string };
  expect: { accepted: boolean; event: string; dedupeKey: string };
}

const FIXTURES_DIR = new URL('../../../test/fixtures/adobe-sign/', import.meta.url);
const fixtures: Fixture[] = readdirSync(FIXTURES_DIR)
  .filter((file) => file.endsWith('.json'))
  .sort()
  .map((file) => JSON.parse(readFileSync(new URL(file, FIXTURES_DIR), 'utf8')) as Fixture);

const CLIENT_ID = 'CBJCHBCAABAA5a9c0de1client';
const OTHER_CLIENT_ID = 'CBJCHBCAABAAs3c0ndApp';
const UI_CLIENT_ID = 'UB7E5BXCXY';
const ECHO = 'X-AdobeSign-ClientId';

/** The event names Adobe documents (docs/providers/adobe-sign.md), written out here so the provider's own lists are checked against them. */
const DOCUMENTED_EVENTS = {
  AGREEMENT: [
    'AGREEMENT_CREATED', 'AGREEMENT_ACTION_REQUESTED', 'AGREEMENT_ACTION_COMPLETED', 'AGREEMENT_ACTION_DELEGATED',
    'AGREEMENT_WORKFLOW_COMPLETED', 'AGREEMENT_RECALLED', 'AGREEMENT_REJECTED', 'AGREEMENT_EXPIRED',
    'AGREEMENT_AUTO_CANCELLED_CONVERSION_PROBLEM', 'AGREEMENT_EMAIL_VIEWED', 'AGREEMENT_EMAIL_BOUNCED', 'AGREEMENT_MODIFIED',
    'AGREEMENT_SHARED', 'AGREEMENT_UNSHARED', 'AGREEMENT_UNSHARED_AUTO', 'AGREEMENT_RESTARTED', 'AGREEMENT_PARTICIPANT_COMPLETED',
    'AGREEMENT_PARTICIPANT_REPLACED', 'AGREEMENT_ACTION_REPLACED_SIGNER', 'AGREEMENT_DOCUMENTS_DELETED',
    'AGREEMENT_DOCUMENTS_VIEWED', 'AGREEMENT_DOCUMENTS_VIEWED_PASSWORD_PROTECTED', 'AGREEMENT_EMAIL_OTP_AUTHENTICATED',
    'AGREEMENT_RECALLED_MAX_SIGNING_EMAIL_OTP_ATTEMPTS', 'AGREEMENT_REMINDER_INITIATED', 'AGREEMENT_REMINDER_SENT',
    'AGREEMENT_OFFLINE_SYNC', 'AGREEMENT_WEB_IDENTITY_AUTHENTICATED', 'AGREEMENT_KBA_AUTHENTICATED',
    'AGREEMENT_READY_TO_NOTARIZE', 'AGREEMENT_READY_TO_VAULT', 'AGREEMENT_VAULTED', 'AGREEMENT_USER_ACK_AGREEMENT_MODIFIED',
    'AGREEMENT_SIGNER_NAME_CHANGED_BY_SIGNER', 'AGREEMENT_EXPIRATION_UPDATED', 'AGREEMENT_DELETED', 'AGREEMENT_UPLOADED_BY_SENDER',
  ],
  WIDGET: ['WIDGET_CREATED', 'WIDGET_AUTO_CANCELLED_CONVERSION_PROBLEM', 'WIDGET_DISABLED', 'WIDGET_ENABLED', 'WIDGET_MODIFIED', 'WIDGET_SHARED'],
  MEGASIGN: ['MEGASIGN_CREATED', 'MEGASIGN_RECALLED', 'MEGASIGN_SHARED', 'MEGASIGN_REMINDER_INITIATED', 'MEGASIGN_REMINDER_SENT'],
  LIBRARY_DOCUMENT: ['LIBRARY_DOCUMENT_CREATED', 'LIBRARY_DOCUMENT_AUTO_CANCELLED_CONVERSION_PROBLEM', 'LIBRARY_DOCUMENT_MODIFIED'],
} as const;

const RESOURCE_OF = { AGREEMENT: 'agreement', WIDGET: 'widget', MEGASIGN: 'megaSign', LIBRARY_DOCUMENT: 'libraryDocument' } as const;

interface Seen {
  via: string;
  id: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  payload: Record<string, unknown>;
}

type Request = { method: string; headers: Record<string, string>; body?: string };

/** Without `oauth` the event id is the notification id bound to the body: `<webhookNotificationId>#<32 hex>`. */
const boundId = (notificationId: string) => expect.stringMatching(new RegExp(`^${notificationId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}#[0-9a-f]{32}$`));

function setup(options: AdobeSignOptions = { clientIds: [CLIENT_ID] }) {
  const queue = memoryQueue();
  const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign(options) }, queue });
  const seen: Seen[] = [];
  receiver.onAny((event) => {
    seen.push({ via: 'any', id: event.key, name: event.name, topic: event.topic, known: event.known, payload: event.payload as Record<string, unknown> });
  });
  const send = (request: Request): Promise<WebhookResponse> => receiver.handle({ endpoint: 'adobe', ...request });
  const settled = async (): Promise<Seen[]> => {
    await queue.idle();
    return seen;
  };
  return { receiver, send, settled };
}

function expectEcho(response: WebhookResponse, clientId: string, status = 200): void {
  expect(response.status).toBe(status);
  expect(response.headers[ECHO]).toBe(clientId);
  expect(response.headers['content-type']).toMatch(/^application\/json/);
  expect(JSON.parse(response.body)).toEqual({ xAdobeSignClientId: clientId });
}

function expectNoEcho(response: WebhookResponse): void {
  expect(response.status).toBeGreaterThanOrEqual(400);
  for (const name of Object.keys(response.headers)) expect(name.toLowerCase()).not.toBe('x-adobesign-clientid');
  expect(response.body).not.toContain('xAdobeSignClientId');
}

const agreementOf = (payload: Record<string, unknown>): Record<string, unknown> => payload['agreement'] as Record<string, unknown>;

describe('adobe-sign: recorded deliveries', () => {
  it('has fixtures to run', () => {
    expect(fixtures.length).toBeGreaterThanOrEqual(4);
  });

  it.each(fixtures.map((f) => [f.name, f] as const))('accepts %s, echoes the client id and dispatches it once', async (_name, fixture) => {
    const { send, settled } = setup({ clientIds: fixture.credentials.clientIds });
    const response = await send(fixture.request);
    expect(fixture.expect.accepted).toBe(true);
    expectEcho(response, fixture.request.headers['x-adobesign-clientid'] as string);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    const body = JSON.parse(fixture.request.body) as Record<string, unknown>;
    expect(seen[0]).toMatchObject({ name: fixture.expect.event, id: boundId(fixture.expect.dedupeKey), known: true, topic: 'AGREEMENT' });
    expect(agreementOf(seen[0]!.payload)['id']).toBe(agreementOf(body)['id']);
    // Fields the schema does not list pass through untouched.
    expect(seen[0]!.payload['webhookNotificationApplicableUsers']).toEqual(body['webhookNotificationApplicableUsers']);
  });

  it('keeps fields the templates do not list (cancellation reason, member userId, createdGroupId)', async () => {
    const { send, settled } = setup({ clientIds: [CLIENT_ID] });
    const recalled = fixtures.find((f) => f.expect.event === 'AGREEMENT_RECALLED')!;
    const created = fixtures.find((f) => f.expect.event === 'AGREEMENT_CREATED')!;
    await send(recalled.request);
    await send(created.request);
    const [r, c] = await settled();
    expect(r!.payload['agreementCancellationInfo']).toEqual({ comment: 'Cancelling the Agreement to update the terms and conditions.', notifyOthers: true });
    expect(agreementOf(c!.payload)['createdGroupId']).toBe('CBJCHBCAABAAH9R6_Qng4mKIkTbAc66fi-uxaApLLuAm');
    const sets = (agreementOf(c!.payload)['participantSetsInfo'] as { participantSets: Array<{ memberInfos: Array<Record<string, unknown>> }> }).participantSets;
    expect(sets[0]!.memberInfos[0]).toMatchObject({ userId: 'CBJCHBCAABAAR17L9fNP9kJcZHy759YawVx-pR-aqpf2', securityOption: { authenticationMethod: 'NONE' } });
  });
});

describe('adobe-sign: verification of intent (GET)', () => {
  it.each(['x-adobesign-clientid', 'X-AdobeSign-ClientId', 'X-ADOBESIGN-CLIENTID'])('echoes the client id sent as %s', async (header) => {
    const { send, settled } = setup({ clientIds: [CLIENT_ID] });
    expectEcho(await send(adobeSignHandshake(CLIENT_ID, { clientIdHeader: header })), CLIENT_ID);
    expect(await settled()).toHaveLength(0);
  });

  it('reads the header from Web Headers too', async () => {
    const { receiver } = setup({ clientIds: [CLIENT_ID] });
    const response = await receiver.handle({ method: 'GET', endpoint: 'adobe', headers: new Headers({ 'X-AdobeSign-ClientId': CLIENT_ID }) });
    expectEcho(response, CLIENT_ID);
  });

  it('echoes whichever of several allowed client ids was sent', async () => {
    const { send } = setup({ clientIds: [CLIENT_ID, OTHER_CLIENT_ID, UI_CLIENT_ID] });
    for (const id of [CLIENT_ID, OTHER_CLIENT_ID, UI_CLIENT_ID]) expectEcho(await send(adobeSignHandshake(id)), id);
  });

  it('accepts a single client id given as a string, and a configured success status', async () => {
    const { send } = setup({ clientIds: UI_CLIENT_ID, successStatus: 202 });
    expectEcho(await send(adobeSignHandshake(UI_CLIENT_ID)), UI_CLIENT_ID, 202);
  });

  it('answers HEAD with the echo header and no body', async () => {
    const { send } = setup();
    const response = await send({ ...adobeSignHandshake(CLIENT_ID), method: 'HEAD' });
    expect(response.status).toBe(200);
    expect(response.headers[ECHO]).toBe(CLIENT_ID);
    expect(response.body).toBe('');
  });

  it('refuses a missing client id with 400 AUTH_MISSING and no echo', async () => {
    const { send } = setup();
    for (const request of [adobeSignHandshake(null), adobeSignHandshake('   ')]) {
      const response = await send(request);
      expectNoEcho(response);
      expect(response.status).toBe(400);
      expect(errorOf(response).code).toBe('AUTH_MISSING');
      expect(errorOf(response).message).toContain('X-AdobeSign-ClientId');
    }
  });

  it.each([
    ['an unknown id', 'CBJCHBCAABAAnotAllowed'],
    ['a prefix of the allowed id', CLIENT_ID.slice(0, -1)],
    ['the allowed id plus a character', `${CLIENT_ID}x`],
    ['the allowed id in another case', CLIENT_ID.toUpperCase()],
    ['the web UI id when it is not allowed', UI_CLIENT_ID],
  ])('refuses %s with 403 AUTH_FORBIDDEN and no echo', async (_case, id) => {
    const { send } = setup();
    const response = await send(adobeSignHandshake(id));
    expectNoEcho(response);
    expect(response.status).toBe(403);
    expect(errorOf(response).code).toBe('AUTH_FORBIDDEN');
    // The answer does not reflect the presented id: it is the same whatever id was sent.
    expect(errorOf(response).message).toBe(errorOf(await send(adobeSignHandshake('something-else'))).message);
    expect(errorOf(response).message).toContain('clientIds');
  });
});

describe('adobe-sign: notifications (POST)', () => {
  it('echoes the client id (header and body) on an accepted notification and on its duplicates, dispatching it once', async () => {
    const { send, settled } = setup();
    const delivery = adobeSignDelivery({ event: 'AGREEMENT_WORKFLOW_COMPLETED', clientId: CLIENT_ID, notificationId: 'n-1' });
    expectEcho(await send(delivery), CLIENT_ID);
    expectEcho(await send(delivery), CLIENT_ID);
    expectEcho(await send({ ...delivery, headers: { ...delivery.headers, 'content-length': String(delivery.body.length) } }), CLIENT_ID);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: boundId('n-1'), name: 'AGREEMENT_WORKFLOW_COMPLETED', known: true, topic: 'AGREEMENT' });
  });

  it('does not let a forged copy under a genuine id suppress the genuine notification (key bound to the body without oauth)', async () => {
    const { send, settled } = setup();
    const forged = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'same', extra: { agreement: { id: 'junk' } } });
    const genuine = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'same', extra: { agreement: { id: 'a-1' } } });
    expectEcho(await send(forged), CLIENT_ID);
    expectEcho(await send(genuine), CLIENT_ID);
    expectEcho(await send(genuine), CLIENT_ID); // Adobe's retry: the same bytes, a duplicate
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'other' })), CLIENT_ID);
    const seen = await settled();
    expect(seen).toHaveLength(3);
    expect(seen.slice(0, 2).map((e) => (e.payload['agreement'] as { id: string }).id)).toEqual(['junk', 'a-1']);
    expect(seen.map((e) => e.id)).toEqual([boundId('same'), boundId('same'), boundId('other')]);
    expect(seen[0]!.id).not.toBe(seen[1]!.id);
  });

  it('warns at start that the client id is public when no oauth is configured, and not with oauth', () => {
    const warnings: string[] = [];
    const logger = { debug() {}, info() {}, warn: (_: object, msg?: string) => void warnings.push(msg ?? ''), error() {} };
    createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [CLIENT_ID] }) }, logger });
    expect(warnings).toEqual([expect.stringContaining('not a secret')]);
    warnings.length = 0;
    createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [CLIENT_ID], oauth: { key: new Uint8Array(32) } }) }, logger });
    expect(warnings).toEqual([]);
  });

  it('refuses a webhookNotificationId longer than 256 characters with 400, before anything is kept', async () => {
    const { send, settled } = setup();
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'n'.repeat(257) }));
    expect(response.status).toBe(400);
    expect(errorOf(response)).toMatchObject({ code: 'PAYLOAD_INVALID', message: expect.stringContaining('webhookNotificationId must not be longer than 256 characters') });
    expect(JSON.stringify(errorOf(response)).length).toBeLessThan(2000);
    expect(await settled()).toHaveLength(0);
  });

  it('echoes the id each allowed application sent, with the configured success status', async () => {
    const { send } = setup({ clientIds: [CLIENT_ID, OTHER_CLIENT_ID], successStatus: 204 });
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: OTHER_CLIENT_ID })), OTHER_CLIENT_ID, 204);
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, clientIdHeader: 'X-ADOBESIGN-CLIENTID' })), CLIENT_ID, 204);
  });

  it.each([
    ['missing', null, 400, 'AUTH_MISSING'],
    ['unknown', 'CBJCHBCAABAAnotAllowed', 403, 'AUTH_FORBIDDEN'],
  ] as const)('refuses a %s client id without echo or dispatch', async (_case, clientId, status, code) => {
    const { send, settled } = setup();
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId }));
    expectNoEcho(response);
    expect(response.status).toBe(status);
    expect(errorOf(response).code).toBe(code);
    expect(await settled()).toHaveLength(0);
  });

  it('checks the client id before the body: a refused delivery with a broken body is still a 4xx auth error', async () => {
    const { send } = setup();
    const response = await send({ method: 'POST', headers: { 'x-adobesign-clientid': 'nope' }, body: '{not json' });
    expect(errorOf(response).code).toBe('AUTH_FORBIDDEN');
  });

  it('does not let a forged copy (wrong client id) mark the real notification as seen', async () => {
    const { send, settled } = setup();
    const real = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'n-forged' });
    expect((await send({ ...real, headers: { ...real.headers, 'x-adobesign-clientid': 'forger' } })).status).toBe(403);
    expectEcho(await send(real), CLIENT_ID);
    expect(await settled()).toHaveLength(1);
  });
});

describe('adobe-sign: invalid bodies', () => {
  const post = (body: string): Request => ({ method: 'POST', headers: { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID }, body });

  it.each([
    ['malformed JSON', '{"event": "AGREEMENT_CREATED",', 'BODY_MALFORMED_JSON', 'not valid JSON'],
    ['a JSON array', '[{"event": "AGREEMENT_CREATED"}]', 'BODY_NOT_OBJECT', 'an array'],
    ['a JSON string', '"AGREEMENT_CREATED"', 'BODY_NOT_OBJECT', 'a string'],
    ['an empty body', '', 'BODY_EMPTY', 'empty'],
  ])('refuses %s with 400 and says why', async (_case, body, code, words) => {
    const { send, settled } = setup();
    const response = await send(post(body));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe(code);
    expect(errorOf(response).message).toContain(words);
    expectNoEcho(response);
    expect(await settled()).toHaveLength(0);
  });

  it('refuses a notification without webhookNotificationId, naming the field', async () => {
    const { send, settled } = setup();
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, extra: { webhookNotificationId: undefined } }));
    expect(response.status).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.message).toBe('The AGREEMENT_CREATED notification is not valid: webhookNotificationId is missing.');
    expect(error.details).toEqual([{ path: 'webhookNotificationId', message: 'is missing' }]);
    expectNoEcho(response);
    expect(await settled()).toHaveLength(0);
  });

  it('names every failing field of a body that is not a notification at all', async () => {
    const { send } = setup();
    const response = await send(post(JSON.stringify({ webhookNotificationId: '', event: 42 })));
    const error = errorOf(response);
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.message).toBe('The body is not an Acrobat Sign notification: webhookNotificationId must not be empty; event must be a string.');
  });

  it('acknowledges a known event without its resource, or with a resource without id, and dead-letters it with the issue', async () => {
    const { receiver, send, settled } = setup();
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, resource: null, notificationId: 'n-1' })), CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'MEGASIGN_CREATED', clientId: CLIENT_ID, extra: { megaSign: { name: 'x' } }, notificationId: 'n-2' })), CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'WIDGET_CREATED', clientId: CLIENT_ID, extra: { widget: 'w-1' }, notificationId: 'n-3' })), CLIENT_ID);
    expect(await settled()).toHaveLength(0);
    const letters = await receiver.deadLetters();
    expect(letters.map((letter) => [letter.error.code, letter.error.message]).sort()).toEqual([
      ['PAYLOAD_INVALID', 'The AGREEMENT_CREATED notification is not valid: agreement is missing.'],
      ['PAYLOAD_INVALID', 'The MEGASIGN_CREATED notification is not valid: megaSign.id is missing.'],
      ['PAYLOAD_INVALID', 'The WIDGET_CREATED notification is not valid: widget must be an object.'],
    ]);
  });

  it('points at nested fields with their full path', async () => {
    const { receiver, send, settled } = setup();
    const delivery = adobeSignDelivery({
      event: 'AGREEMENT_CREATED',
      clientId: CLIENT_ID,
      extra: { agreement: { id: 'a-1', participantSetsInfo: { participantSets: [{ order: 1 }, { order: 'second', memberInfos: {} }] } } },
    });
    expectEcho(await send(delivery), CLIENT_ID);
    await settled();
    const error = (await receiver.deadLetters())[0]!.error;
    expect(error.message).toBe(
      'The AGREEMENT_CREATED notification is not valid: agreement.participantSetsInfo.participantSets[1].order must be a number; ' +
        'agreement.participantSetsInfo.participantSets[1].memberInfos must be an array.',
    );
  });
});

describe('adobe-sign: lenient parsing', () => {
  it('passes an unknown future event and its unknown fields to adobe:*, its family topic and onAny', async () => {
    const { receiver, send, settled } = setup();
    const via: string[] = [];
    receiver.on('adobe:*', (event) => {
      via.push(`*:${event.name}:${String(event.known)}`);
    });
    receiver.on('adobe:AGREEMENT', (event) => {
      via.push(`AGREEMENT:${event.name}`);
    });
    receiver.on('adobe:AGREEMENT_CREATED', () => {
      via.push('AGREEMENT_CREATED');
    });
    const delivery = adobeSignDelivery({
      event: 'AGREEMENT_TELEPORTED',
      clientId: CLIENT_ID,
      notificationId: 'n-teleport',
      extra: { teleportInfo: { destination: 'Mars' }, agreement: { id: 'a-9', status: 'IN_ORBIT', futureField: [1, 2] } },
    });
    expectEcho(await send(delivery), CLIENT_ID);
    const seen = await settled();
    expect(via).toEqual(['AGREEMENT:AGREEMENT_TELEPORTED', '*:AGREEMENT_TELEPORTED:false']);
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: boundId('n-teleport'), name: 'AGREEMENT_TELEPORTED', known: false, topic: 'AGREEMENT' });
    expect(seen[0]!.payload['teleportInfo']).toEqual({ destination: 'Mars' });
    expect(seen[0]!.payload['agreement']).toEqual({ id: 'a-9', status: 'IN_ORBIT', futureField: [1, 2] });
  });

  it('derives each family topic from an unknown event prefix, and none for an unknown family', async () => {
    const { send, settled } = setup();
    for (const event of ['WIDGET_REPAINTED', 'MEGASIGN_MULTIPLIED', 'LIBRARY_DOCUMENT_ARCHIVED', 'NOTARY_SESSION_STARTED']) {
      expectEcho(await send(adobeSignDelivery({ event, clientId: CLIENT_ID })), CLIENT_ID);
    }
    expect((await settled()).map((e) => [e.name, e.topic, e.known])).toEqual([
      ['WIDGET_REPAINTED', 'WIDGET', false],
      ['MEGASIGN_MULTIPLIED', 'MEGASIGN', false],
      ['LIBRARY_DOCUMENT_ARCHIVED', 'LIBRARY_DOCUMENT', false],
      ['NOTARY_SESSION_STARTED', undefined, false],
    ]);
  });

  it('keeps unknown fields of known events, at the top and inside the resource', async () => {
    const { send, settled } = setup();
    const delivery = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, resourceId: 'a-1' });
    const body = JSON.parse(delivery.body) as Record<string, unknown>;
    body['brandNewField'] = { nested: true };
    (body['agreement'] as Record<string, unknown>)['aiSummary'] = 'Two parties agree.';
    expectEcho(await send({ ...delivery, body: JSON.stringify(body) }), CLIENT_ID);
    const [event] = await settled();
    expect(event!.known).toBe(true);
    expect(event!.payload['brandNewField']).toEqual({ nested: true });
    expect(agreementOf(event!.payload)).toMatchObject({ id: 'a-1', aiSummary: 'Two parties agree.' });
  });

  it('reads scalars written as strings or left empty as in Adobe templates, and accepts nulls', async () => {
    const { send, settled } = setup();
    const delivery = adobeSignDelivery({
      event: 'AGREEMENT_CREATED',
      clientId: CLIENT_ID,
      extra: {
        subEvent: null,
        webhookNotificationApplicableUsers: [{ id: 'u', email: 'a@example.com', role: 'SENDER', payloadApplicable: 'true' }],
        agreement: {
          id: 'a-1',
          name: null,
          documentVisibilityEnabled: '',
          firstReminderDelay: '24',
          vaultingInfo: { enabled: 'FALSE' },
          deviceInfo: { location: { latitude: '48.85', longitude: 2.35 } },
          participantSetsInfo: { participantSets: [{ order: '1', memberInfos: [{ id: 7 }] }] },
          ccs: [{ email: 'cc@example.com', visiblePages: [1, '2'] }],
        },
      },
    });
    expectEcho(await send(delivery), CLIENT_ID);
    const [event] = await settled();
    expect(event!.payload['subEvent']).toBeNull();
    expect((event!.payload['webhookNotificationApplicableUsers'] as Array<Record<string, unknown>>)[0]!['payloadApplicable']).toBe(true);
    expect(agreementOf(event!.payload)).toEqual({
      id: 'a-1',
      name: null,
      documentVisibilityEnabled: undefined,
      firstReminderDelay: 24,
      vaultingInfo: { enabled: false },
      deviceInfo: { location: { latitude: 48.85, longitude: 2.35 } },
      participantSetsInfo: { participantSets: [{ order: 1, memberInfos: [{ id: '7' }] }] },
      ccs: [{ email: 'cc@example.com', visiblePages: ['1', '2'] }],
    });
  });

  it('accepts WIDGET_SHARED carrying megaSign, as in Adobe’s template, and dead-letters it with neither object', async () => {
    const { receiver, send, settled } = setup();
    expectEcho(await send(adobeSignDelivery({ event: 'WIDGET_SHARED', clientId: CLIENT_ID, resource: 'megaSign', resourceId: 'w-1' })), CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'WIDGET_SHARED', clientId: CLIENT_ID, resourceId: 'w-2' })), CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'WIDGET_SHARED', clientId: CLIENT_ID, resource: null })), CLIENT_ID);
    const seen = await settled();
    expect((await receiver.deadLetters()).map((letter) => letter.error.message)).toEqual([expect.stringContaining('widget is missing')]);
    expect(seen.map((e) => [e.known, e.topic])).toEqual([
      [true, 'WIDGET'],
      [true, 'WIDGET'],
    ]);
    expect((seen[0]!.payload['megaSign'] as { id: string }).id).toBe('w-1');
    expect((seen[1]!.payload['widget'] as { id: string }).id).toBe('w-2');
  });

  it('hands the signed PDF of AGREEMENT_WORKFLOW_COMPLETED to its handler', async () => {
    const { receiver, send, settled } = setup();
    const documents: string[] = [];
    receiver.on('adobe:AGREEMENT_WORKFLOW_COMPLETED', (event) => {
      documents.push(`${event.payload.agreement.id}:${event.payload.agreement.signedDocumentInfo?.document ?? ''}`);
    });
    await send(adobeSignDelivery({ event: 'AGREEMENT_WORKFLOW_COMPLETED', clientId: CLIENT_ID, resourceId: 'a-7', signedDocument: '%PDF-1.7' }));
    await settled();
    expect(documents).toEqual(['a-7:JVBERi0xLjc=']);
  });
});

describe('adobe-sign: every documented event', () => {
  it('knows exactly the events Adobe documents (docs/providers/adobe-sign.md), by family', () => {
    expect([...ADOBE_SIGN_AGREEMENT_EVENTS].sort()).toEqual([...DOCUMENTED_EVENTS.AGREEMENT].sort());
    expect([...ADOBE_SIGN_WIDGET_EVENTS].sort()).toEqual([...DOCUMENTED_EVENTS.WIDGET].sort());
    expect([...ADOBE_SIGN_MEGASIGN_EVENTS].sort()).toEqual([...DOCUMENTED_EVENTS.MEGASIGN].sort());
    expect([...ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS].sort()).toEqual([...DOCUMENTED_EVENTS.LIBRARY_DOCUMENT].sort());
    expect(new Set(ADOBE_SIGN_EVENTS).size).toBe(51);
  });

  const cases = Object.entries(DOCUMENTED_EVENTS).flatMap(([topic, names]) => names.map((name) => [name, topic as keyof typeof RESOURCE_OF] as const));

  it.each(cases)('accepts %s as a known %s event and dispatches it by name, topic and *', async (name, topic) => {
    const { receiver, send, settled } = setup();
    const via: string[] = [];
    receiver.on(`adobe:${name}` as 'adobe:AGREEMENT_CREATED', () => {
      via.push('name');
    });
    receiver.on(`adobe:${topic}` as 'adobe:AGREEMENT', () => {
      via.push('topic');
    });
    receiver.on('adobe:*', () => {
      via.push('*');
    });
    const delivery: AdobeSignDelivery = adobeSignDelivery({ event: name, clientId: CLIENT_ID, notificationId: `n-${name}`, resourceId: `r-${name}` });
    expectEcho(await send(delivery), CLIENT_ID);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]).toMatchObject({ id: boundId(`n-${name}`), name, topic, known: true });
    expect((seen[0]!.payload[RESOURCE_OF[topic]] as { id: string }).id).toBe(`r-${name}`);
    expect(seen[0]!.payload['event']).toBe(name);
    expect(via).toEqual(['name', 'topic', '*']);
  });
});

describe('adobe-sign: configuration', () => {
  it.each([
    ['no client id', { clientIds: [] }],
    ['an empty client id', { clientIds: '' }],
    ['a blank id in the list', { clientIds: [CLIENT_ID, ' '] }],
    ['a non-2xx success status', { clientIds: CLIENT_ID, successStatus: 302 }],
    ['a negative timeout', { clientIds: CLIENT_ID, timeoutMs: -1 }],
    ['a fractional body limit', { clientIds: CLIENT_ID, maxBodyBytes: 1.5 }],
    ['oauth with neither jwksUrl nor key', { clientIds: CLIENT_ID, oauth: {} }],
    ['oauth with both jwksUrl and key', { clientIds: CLIENT_ID, oauth: { jwksUrl: 'https://auth.example.com/jwks', key: new Uint8Array(32) } }],
    ['a plain-http JWKS on another host', { clientIds: CLIENT_ID, oauth: { jwksUrl: 'http://auth.example.com/jwks' } }],
    ['a relative JWKS URL', { clientIds: CLIENT_ID, oauth: { jwksUrl: '/jwks.json' } }],
    ['the none algorithm', { clientIds: CLIENT_ID, oauth: { key: new Uint8Array(32), algorithms: ['none'] } }],
    ['an empty audience list', { clientIds: CLIENT_ID, oauth: { key: new Uint8Array(32), audience: [] } }],
  ] as Array<[string, AdobeSignOptions]>)('refuses %s with CONFIG_INVALID at construction', (_case, options) => {
    expect(() => adobeSign(options)).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('applies its own body limit', async () => {
    const { send } = setup({ clientIds: CLIENT_ID, maxBodyBytes: 64 });
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID }));
    expect(response.status).toBe(413);
    expectNoEcho(response);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// OAuth bearer tokens

const ISSUER = 'https://auth.example.com';
const AUDIENCE = 'adobe-sign-webhooks';

async function keyPair(kid = 'k1') {
  const { privateKey, publicKey } = await generateKeyPair('ES256', { extractable: true });
  const jwk: JWK = { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
  const sign = (claims: { iss?: string; aud?: string; exp?: number | null; nbf?: number }, header: { kid?: string } = { kid }) => {
    const jwt = new SignJWT({}).setProtectedHeader({ alg: 'ES256', ...header }).setIssuedAt();
    if (claims.iss !== undefined) jwt.setIssuer(claims.iss);
    if (claims.aud !== undefined) jwt.setAudience(claims.aud);
    if (claims.exp !== null) jwt.setExpirationTime(claims.exp ?? Math.floor(Date.now() / 1000) + 300);
    if (claims.nbf !== undefined) jwt.setNotBefore(claims.nbf);
    return jwt.sign(privateKey);
  };
  return { publicKey, jwk, sign };
}

const valid = { iss: ISSUER, aud: AUDIENCE };

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
});

/** A JWKS endpoint on 127.0.0.1: `answer` decides each response; `hits` counts requests. */
async function jwksServer(answer: (hit: number) => { status: number; body: string }) {
  const state = { hits: 0 };
  const server = createServer((_req, res) => {
    state.hits += 1;
    const { status, body } = answer(state.hits);
    res.writeHead(status, { 'content-type': 'application/json' }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  servers.push(server);
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/.well-known/jwks.json`, state };
}

function expectBearerRefusal(response: WebhookResponse, code: 'AUTH_MISSING' | 'AUTH_INVALID'): void {
  expectNoEcho(response);
  expect(response.status).toBe(401);
  expect(errorOf(response).code).toBe(code);
  expect(response.headers['www-authenticate']).toMatch(/^Bearer realm="countersign"/);
  if (code === 'AUTH_INVALID') expect(response.headers['www-authenticate']).toContain('error="invalid_token"');
}

describe('adobe-sign: OAuth bearer token with a key', () => {
  it('accepts a valid token and still echoes the client id', async () => {
    const { publicKey, sign } = await keyPair();
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey, issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'] } });
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid), notificationId: 'n-o' })), CLIENT_ID);
    // With an authenticated body the notification id alone is the key: a retry with other bytes is a duplicate.
    const retry = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid), notificationId: 'n-o', extra: { note: 'again' } });
    expectEcho(await send(retry), CLIENT_ID);
    const seen = await settled();
    expect(seen).toHaveLength(1);
    expect(seen[0]!.id).toBe('n-o');
  });

  it('accepts a public JWK and an HMAC secret as the key', async () => {
    const { jwk, sign } = await keyPair();
    const withJwk = setup({ clientIds: CLIENT_ID, oauth: { key: jwk, audience: [AUDIENCE, 'other'] } });
    expectEcho(await withJwk.send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid) })), CLIENT_ID);

    const secret = crypto.getRandomValues(new Uint8Array(32));
    const hs = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setIssuer(ISSUER).setExpirationTime('5m').sign(secret);
    const withSecret = setup({ clientIds: CLIENT_ID, oauth: { key: secret, issuer: [ISSUER] } });
    expectEcho(await withSecret.send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: hs })), CLIENT_ID);
  });

  it('refuses a missing token or another scheme with 401 AUTH_MISSING and a Bearer challenge', async () => {
    const { publicKey } = await keyPair();
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey } });
    expectBearerRefusal(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID })), 'AUTH_MISSING');
    expectBearerRefusal(
      await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, headers: { authorization: 'Basic dXNlcjpwYXNz' } })),
      'AUTH_MISSING',
    );
    expect(await settled()).toHaveLength(0);
  });

  it.each([
    ['expired', { ...valid, exp: Math.floor(Date.now() / 1000) - 600 }, 'expired'],
    ['from another issuer', { ...valid, iss: 'https://evil.example.com' }, '"iss"'],
    ['for another audience', { ...valid, aud: 'another-api' }, '"aud"'],
    ['without exp', { ...valid, exp: null }, '"exp"'],
    ['not valid yet', { ...valid, nbf: Math.floor(Date.now() / 1000) + 600 }, '"nbf"'],
  ] as const)('refuses a token %s with 401 AUTH_INVALID', async (_case, claims, words) => {
    const { publicKey, sign } = await keyPair();
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey, issuer: ISSUER, audience: AUDIENCE } });
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(claims) }));
    expectBearerRefusal(response, 'AUTH_INVALID');
    expect(errorOf(response).message).toContain(words);
    expect(await settled()).toHaveLength(0);
  });

  it('tolerates the configured clock skew', async () => {
    const { publicKey, sign } = await keyPair();
    const { send } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey, clockToleranceSec: 120 } });
    const token = await sign({ ...valid, exp: Math.floor(Date.now() / 1000) - 30 });
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: token })), CLIENT_ID);
  });

  it('refuses a token signed by another key, a garbled token and a disallowed algorithm', async () => {
    const { publicKey } = await keyPair();
    const other = await keyPair();
    const { send } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey } });
    const forged = await other.sign(valid);
    expectBearerRefusal(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: forged })), 'AUTH_INVALID');
    expectBearerRefusal(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: 'not.a.jwt' })), 'AUTH_INVALID');
    const rs = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey, algorithms: ['RS256'] } });
    expectBearerRefusal(await rs.send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: forged })), 'AUTH_INVALID');
  });

  it('checks the client id first, and does not ask for a token on the verification GET', async () => {
    const { publicKey, sign } = await keyPair();
    const { send } = setup({ clientIds: CLIENT_ID, oauth: { key: publicKey } });
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: null, accessToken: await sign(valid) }));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('AUTH_MISSING');
    expect(response.headers['www-authenticate']).toBeUndefined();
    expectEcho(await send(adobeSignHandshake(CLIENT_ID)), CLIENT_ID);
  });
});

describe('adobe-sign: OAuth bearer token with a JWKS', () => {
  it('verifies tokens against a JWKS fetched once per provider', async () => {
    const { jwk, sign } = await keyPair('k1');
    const server = await jwksServer(() => ({ status: 200, body: JSON.stringify({ keys: [jwk] }) }));
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { jwksUrl: server.url, issuer: ISSUER, audience: AUDIENCE } });
    for (let i = 0; i < 3; i++) {
      expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid) })), CLIENT_ID);
    }
    expect(await settled()).toHaveLength(3);
    expect(server.state.hits).toBe(1);
  });

  it('refuses a token whose key is not in the JWKS, and expired or wrong-audience tokens', async () => {
    const { jwk, sign } = await keyPair('k1');
    const stranger = await keyPair('k2');
    const server = await jwksServer(() => ({ status: 200, body: JSON.stringify({ keys: [jwk] }) }));
    const { send } = setup({ clientIds: CLIENT_ID, oauth: { jwksUrl: new URL(server.url), audience: AUDIENCE } });
    const cases = [
      await stranger.sign(valid),
      await sign({ ...valid, exp: Math.floor(Date.now() / 1000) - 600 }),
      await sign({ ...valid, aud: 'another-api' }),
    ];
    for (const token of cases) {
      expectBearerRefusal(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: token })), 'AUTH_INVALID');
    }
  });

  it('answers 503 VERIFICATION_UNAVAILABLE when the JWKS server is down', async () => {
    const { sign } = await keyPair();
    const down = await jwksServer(() => ({ status: 200, body: '{"keys":[]}' }));
    const url = down.url;
    await new Promise<void>((resolve) => servers.pop()!.close(() => resolve()));
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { jwksUrl: url } });
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid) }));
    expectNoEcho(response);
    expect(response.status).toBe(503);
    expect(errorOf(response).code).toBe('VERIFICATION_UNAVAILABLE');
    expect(response.headers['retry-after']).toBeDefined();
    expect(await settled()).toHaveLength(0);
  });

  it('answers 503 while the JWKS endpoint fails, and accepts once it answers again', async () => {
    const { jwk, sign } = await keyPair();
    const server = await jwksServer((hit) => (hit === 1 ? { status: 500, body: 'oops' } : { status: 200, body: JSON.stringify({ keys: [jwk] }) }));
    const { send, settled } = setup({ clientIds: CLIENT_ID, oauth: { jwksUrl: server.url } });
    const delivery = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: await sign(valid), notificationId: 'n-retry' });
    const first = await send(delivery);
    expect(first.status).toBe(503);
    expect(errorOf(first).code).toBe('VERIFICATION_UNAVAILABLE');
    expectEcho(await send(delivery), CLIENT_ID);
    expect((await settled()).map((e) => e.id)).toEqual(['n-retry']);
  });
});

describe('adobe-sign: validation before the handlers', () => {
  it('acknowledges a notification whose field changed type, dead-letters it with the issue, tells onError, and replays it', async () => {
    const queue = memoryQueue({ attempts: 5, backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) }, queue });
    const handled: string[] = [];
    const errors: Array<{ code: unknown; willRetry: boolean }> = [];
    receiver.on('adobe:AGREEMENT_WORKFLOW_COMPLETED', (event) => void handled.push(event.payload.agreement.id));
    receiver.onError((error, _event, info) => void errors.push({ code: (error as { code?: unknown }).code, willRetry: info.willRetry }));
    // Acrobat Sign starts sending `agreement.status` as an object: the envelope is fine, the full schema is not.
    const delivery = adobeSignDelivery({
      event: 'AGREEMENT_WORKFLOW_COMPLETED',
      clientId: CLIENT_ID,
      notificationId: 'n-changed',
      extra: { agreement: { id: 'a-changed', status: { value: 'SIGNED' } } },
    });
    expectEcho(await receiver.handle({ endpoint: 'adobe', ...delivery }), CLIENT_ID);
    await queue.idle();
    expect(handled).toEqual([]);
    expect(errors).toEqual([{ code: 'PAYLOAD_INVALID', willRetry: false }]);
    const [letter] = await receiver.deadLetters();
    expect(letter).toMatchObject({ id: expect.stringMatching(/^adobe:n-changed#/), attempts: 1, error: { code: 'PAYLOAD_INVALID' } });
    expect(letter!.error.details).toEqual([{ path: 'agreement.status', message: 'must be a string' }]);
    // Replaying is possible (here it fails the same schema again, so it is a dead letter again, not lost).
    await receiver.replay(letter!.id);
    await queue.idle();
    expect(errors).toHaveLength(2);
    expect(await receiver.deadLetters()).toHaveLength(1);
  });

  it('still refuses with 400 a body that is not a notification at all, before any claim', async () => {
    const { send, settled } = setup();
    const response = await send({ method: 'POST', headers: { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID }, body: '{"hello":"world"}' });
    expect(response.status).toBe(400);
    expect(errorOf(response).message).toBe('The body is not an Acrobat Sign notification: webhookNotificationId is missing; event is missing.');
    expect(await settled()).toHaveLength(0);
  });
});

describe('adobe-sign: lifecycle', () => {
  it.each([
    ['AGREEMENT_ACTION_REQUESTED', 'sent'],
    ['AGREEMENT_EMAIL_VIEWED', 'viewed'],
    ['AGREEMENT_DOCUMENTS_VIEWED', 'viewed'],
    ['AGREEMENT_ACTION_COMPLETED', 'signed'],
    ['AGREEMENT_WORKFLOW_COMPLETED', 'completed'],
    ['AGREEMENT_REJECTED', 'declined'],
    ['AGREEMENT_EXPIRED', 'expired'],
    ['AGREEMENT_RECALLED', 'cancelled'],
    ['AGREEMENT_EMAIL_BOUNCED', 'failed'],
    ['AGREEMENT_AUTO_CANCELLED_CONVERSION_PROBLEM', 'failed'],
    ['AGREEMENT_RECALLED_MAX_SIGNING_EMAIL_OTP_ATTEMPTS', 'failed'],
    ['AGREEMENT_CREATED', undefined],
    ['AGREEMENT_MODIFIED', undefined],
    ['AGREEMENT_DELETED', undefined],
    ['MEGASIGN_RECALLED', undefined],
    ['AGREEMENT_SOMETHING_NEW', undefined],
  ] as const)('%s is %s', async (event, stage) => {
    const { receiver, send, settled } = setup();
    const stages: unknown[] = [];
    receiver.onAny((e) => void stages.push(e.lifecycle));
    const signer = 'ann@example.com';
    expectEcho(await send(adobeSignDelivery({ event, clientId: CLIENT_ID, resourceId: 'a-42', participantEmail: signer, eventDate: '2026-01-02T03:04:05Z' })), CLIENT_ID);
    await settled();
    if (stage === undefined) {
      expect(stages).toEqual([undefined]);
      return;
    }
    const aboutSigner = ['sent', 'viewed', 'signed', 'declined', 'failed'].includes(stage);
    expect(stages).toEqual([
      {
        stage,
        documentId: 'a-42',
        signer: aboutSigner ? { email: signer, name: 'Test Signer' } : undefined,
        occurredAt: new Date('2026-01-02T03:04:05Z'),
      },
    ]);
  });

  it('runs lifecycle handlers for a recorded delivery', async () => {
    const fixture = fixtures.find((f) => f.expect.event === 'AGREEMENT_REJECTED')!;
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: fixture.credentials.clientIds }) }, queue });
    const declined: unknown[] = [];
    receiver.on('lifecycle:declined', (event) => void declined.push(event.lifecycle.documentId));
    expect((await receiver.handle({ endpoint: 'adobe', ...fixture.request })).status).toBe(200);
    await queue.idle();
    expect(declined).toEqual([(JSON.parse(fixture.request.body) as { agreement: { id: string } }).agreement.id]);
  });
});

describe('adobe-sign: client ids looked up per delivery', () => {
  function lookupSetup(lookup: (clientId: string) => string | undefined | Promise<string | undefined>, extra: Partial<AdobeSignOptions> = {}) {
    const calls: string[] = [];
    const queue = memoryQueue();
    const receiver = createReceiver({
      logger: silentLogger,
      endpoints: {
        adobe: adobeSign({
          clientIds: (clientId) => {
            calls.push(clientId);
            return lookup(clientId);
          },
          ...extra,
        }),
      },
      queue,
    });
    const accounts: Array<string | undefined> = [];
    receiver.onAny((event) => void accounts.push(event.delivery.account));
    const send = (request: Request): Promise<WebhookResponse> => receiver.handle({ endpoint: 'adobe', ...request });
    return { calls, send, accounts, settled: () => queue.idle() };
  }

  it('echoes a known client id on the GET and the POST, names its account, and asks once (cached)', async () => {
    const { calls, send, accounts, settled } = lookupSetup(async (clientId) => (clientId === OTHER_CLIENT_ID ? 'tenant-7' : undefined));
    expectEcho(await send(adobeSignHandshake(OTHER_CLIENT_ID)), OTHER_CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: OTHER_CLIENT_ID })), OTHER_CLIENT_ID);
    expectEcho(await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: OTHER_CLIENT_ID })), OTHER_CLIENT_ID);
    await settled();
    expect(accounts).toEqual(['tenant-7', 'tenant-7']);
    expect(calls).toEqual([OTHER_CLIENT_ID]);
  });

  it('refuses an unknown client id with 403 AUTH_FORBIDDEN, as a list does, without echo', async () => {
    const { send } = lookupSetup(() => undefined);
    for (const request of [adobeSignHandshake('CBJCHBCAABAAstranger'), adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: 'CBJCHBCAABAAstranger' })]) {
      const response = await send(request);
      expectNoEcho(response);
      expect([response.status, errorOf(response).code]).toEqual([403, 'AUTH_FORBIDDEN']);
    }
  });

  it('answers 503 when the lookup fails, and asks again on the retry', async () => {
    let down = true;
    const { calls, send } = lookupSetup(() => {
      if (down) throw new Error('database unreachable');
      return 'tenant-1';
    });
    const delivery = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID });
    const first = await send(delivery);
    expectNoEcho(first);
    expect([first.status, errorOf(first).code]).toEqual([503, 'VERIFICATION_UNAVAILABLE']);
    expect(first.body).not.toContain('database unreachable');
    down = false;
    expectEcho(await send(delivery), CLIENT_ID);
    expect(calls).toEqual([CLIENT_ID, CLIENT_ID]);
  });

  it('does not look up an absurdly long client id, and still needs the bearer token with oauth', async () => {
    const { calls, send } = lookupSetup(() => 'tenant-1', { oauth: { key: new Uint8Array(32).fill(9) } });
    expect((await send(adobeSignHandshake('C'.repeat(300)))).status).toBe(403);
    expect(calls).toEqual([]);
    const response = await send(adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID }));
    expect([response.status, errorOf(response).code]).toEqual([401, 'AUTH_MISSING']);
  });
});
