import { createHmac } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createReceiver, memoryQueue, readHeaders, silentLogger, type Lifecycle, type WebhookResponse } from '@countersign/core';
import { standardWebhooks, standardWebhooksPlatform, verifyStandardWebhook, type StandardWebhooksOptions } from '../src/standard-webhooks.js';

/** The example of the Standard Webhooks specification (and of its reference libraries). */
const VECTOR = {
  secret: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  id: 'msg_p5jXN8AQM9LWM0D4loKWxJek',
  timestamp: '1614265330',
  payload: '{"test": 2432232314}',
  signature: 'v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=',
};

/** A signature computed here with node:crypto, independently of the provider and of the core's helpers. */
function sign(secret: string, id: string, timestamp: string, body: string): string {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  return `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`;
}

const SECRET = `whsec_${Buffer.from('a 24-byte secret for tests').toString('base64')}`;
const OLD_SECRET = `whsec_${Buffer.from('the secret being retired').toString('base64')}`;
const NOW = 1_700_000_000_000;
const seconds = (ms: number): string => String(Math.floor(ms / 1000));

type Events = { 'invoice.paid': { invoiceId: string; amount: number }; 'invoice.voided': { invoiceId: string } };

function delivery(options: { id?: string; timestamp?: string; body?: unknown; secrets?: string[]; signature?: string } = {}) {
  const id = options.id ?? 'msg_1';
  const timestamp = options.timestamp ?? seconds(NOW);
  const body = JSON.stringify(options.body ?? { type: 'invoice.paid', timestamp: '2023-11-14T22:13:20Z', data: { invoiceId: 'in_1', amount: 4200 } });
  const signature = options.signature ?? (options.secrets ?? [SECRET]).map((secret) => sign(secret, id, timestamp, body)).join(' ');
  return { method: 'POST', headers: { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature }, body };
}

function setup(secret: StandardWebhooksOptions<Events>['secret'] = SECRET, options: Partial<StandardWebhooksOptions<Events>> = {}) {
  const queue = memoryQueue();
  const receiver = createReceiver({
    logger: silentLogger,
    endpoints: { billing: standardWebhooks<Events>({ secret, types: ['invoice.paid', 'invoice.voided'], now: () => NOW, ...options }) },
    queue,
  });
  const seen: Array<{ id: string; name: string; topic: string | undefined; known: boolean }> = [];
  receiver.onAny((event) => {
    seen.push({ id: event.key, name: event.name, topic: event.topic, known: event.known });
  });
  const send = (request: { method: string; headers: Record<string, string>; body: string | Uint8Array }, query?: string): Promise<WebhookResponse> =>
    receiver.handle({ endpoint: 'billing', ...request, query });
  return { receiver, send, seen, settled: () => queue.idle() };
}

const errorOf = (response: WebhookResponse): { code: string; message: string } => (JSON.parse(response.body) as { error: { code: string; message: string } }).error;

describe('standard webhooks: the published test vector', () => {
  it('node:crypto computes the published signature', () => {
    expect(sign(VECTOR.secret, VECTOR.id, VECTOR.timestamp, VECTOR.payload)).toBe(VECTOR.signature);
  });

  it.each([
    ['with the whsec_ prefix', VECTOR.secret],
    ['without it', VECTOR.secret.slice('whsec_'.length)],
  ])('the provider verifies it (secret %s)', async (_case, secret) => {
    const headers = readHeaders({ 'webhook-id': VECTOR.id, 'webhook-timestamp': VECTOR.timestamp, 'webhook-signature': VECTOR.signature });
    const key = new Uint8Array(Buffer.from(secret.replace(/^whsec_/, ''), 'base64'));
    const now = () => Number(VECTOR.timestamp) * 1000;
    await expect(verifyStandardWebhook([key], headers, new TextEncoder().encode(VECTOR.payload), { now })).resolves.toBe(0);
    const tampered = new TextEncoder().encode(VECTOR.payload.replace('2432232314', '2432232315'));
    await expect(verifyStandardWebhook([key], headers, tampered, { now })).rejects.toMatchObject({ code: 'AUTH_INVALID' });
  });
});

describe('standard webhooks: a receiver endpoint', () => {
  it('accepts a signed delivery and dispatches it under its type and topic', async () => {
    const { receiver, send, seen, settled } = setup();
    const amounts: number[] = [];
    receiver.on('billing:invoice.paid', (event) => {
      amounts.push(event.payload.data.amount);
    });
    const response = await send(delivery());
    expect(response.status).toBe(204);
    await settled();
    expect(seen).toEqual([{ id: 'msg_1', name: 'invoice.paid', topic: 'invoice', known: true }]);
    expect(amounts).toEqual([4200]);
  });

  it('dedupes on webhook-id: a retry is acknowledged, not dispatched again', async () => {
    const { send, seen, settled } = setup();
    expect((await send(delivery())).status).toBe(204);
    expect((await send(delivery({ timestamp: seconds(NOW + 60_000) }))).status).toBe(204);
    expect((await send(delivery({ id: 'msg_2' }))).status).toBe(204);
    await settled();
    expect(seen.map((e) => e.id)).toEqual(['msg_1', 'msg_2']);
  });

  it('lets unknown event types through', async () => {
    const { send, seen, settled } = setup();
    await send(delivery({ body: { type: 'customer.created', data: { id: 'c_1' } } }));
    await settled();
    expect(seen).toEqual([{ id: 'msg_1', name: 'customer.created', topic: 'customer', known: false }]);
  });

  it('refuses a tampered body', async () => {
    const { send, seen, settled } = setup();
    const signed = delivery();
    const response = await send({ ...signed, body: signed.body.replace('4200', '4201') });
    expect(response.status).toBe(401);
    expect(errorOf(response).message).toMatch(/No webhook-signature matches/);
    await settled();
    expect(seen).toEqual([]);
  });

  it.each([
    ['older than 5 minutes', NOW - 301_000, /too old/],
    ['more than 5 minutes ahead', NOW + 301_000, /in the future/],
  ])('refuses a timestamp %s, even correctly signed', async (_case, at, message) => {
    const { send } = setup();
    const response = await send(delivery({ timestamp: seconds(at) }));
    expect(response.status).toBe(401);
    expect(errorOf(response).message).toMatch(message);
  });

  it('accepts timestamps up to 5 minutes away, either way', async () => {
    const { send } = setup();
    expect((await send(delivery({ id: 'a', timestamp: seconds(NOW - 299_000) }))).status).toBe(204);
    expect((await send(delivery({ id: 'b', timestamp: seconds(NOW + 299_000) }))).status).toBe(204);
  });

  it('verifies across key rotation: any of several signatures, any of several secrets', async () => {
    const rotating = setup([SECRET, OLD_SECRET]);
    expect((await rotating.send(delivery({ id: 'old', secrets: [OLD_SECRET] }))).status).toBe(204);
    expect((await rotating.send(delivery({ id: 'new', secrets: [SECRET] }))).status).toBe(204);
    const rotated = setup(SECRET);
    // The sender signs with both secrets during its rotation: the one this endpoint knows is enough.
    expect((await rotated.send(delivery({ id: 'both', secrets: [OLD_SECRET, SECRET] }))).status).toBe(204);
    expect((await rotated.send(delivery({ id: 'retired', secrets: [OLD_SECRET] }))).status).toBe(401);
    const unknownVersion = delivery({ id: 'v1a' });
    const v1a = { ...unknownVersion, headers: { ...unknownVersion.headers, 'webhook-signature': unknownVersion.headers['webhook-signature'].replace('v1,', 'v1a,') } };
    expect(errorOf(await rotated.send(v1a)).message).toMatch(/no v1 signature/);
  });

  it.each(['webhook-id', 'webhook-timestamp', 'webhook-signature'])('refuses a delivery without %s', async (header) => {
    const { send } = setup();
    const signed = delivery();
    const headers: Record<string, string> = { ...signed.headers };
    delete headers[header];
    const response = await send({ ...signed, headers });
    expect(response.status).toBe(401);
    expect(errorOf(response)).toMatchObject({ code: 'AUTH_MISSING', message: `The ${header} header is missing.` });
  });

  it('refuses a timestamp that is not Unix seconds and a body without type', async () => {
    const { send } = setup();
    expect(errorOf(await send(delivery({ timestamp: '2023-11-14T22:13:20Z' }))).message).toMatch(/Unix time/);
    const response = await send(delivery({ body: { data: {} } }));
    expect(response.status).toBe(400);
    expect(errorOf(response).code).toBe('PAYLOAD_INVALID');
  });

  it('refuses a secret that is not base64', () => {
    expect(() => standardWebhooks({ secret: 'whsec_%%%' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('refuses a secret that is not a string (an unset environment variable) with a coded error, not a TypeError', () => {
    const unset = process.env.COUNTERSIGN_TEST_SURELY_UNSET_SECRET;
    expect(() => standardWebhooks({ secret: [SECRET, unset!] })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('is an environment variable unset?') }),
    );
  });

  it('lists its types and their topics, so on() warns about a misspelt name', () => {
    expect(standardWebhooks({ secret: SECRET, types: ['invoice.paid', 'invoice.voided', 'ping'] }).events).toEqual(['invoice.paid', 'invoice.voided', 'ping', 'invoice']);
    expect(standardWebhooks({ secret: SECRET }).events).toBeUndefined();
    const warnings: string[] = [];
    const ignore = (): void => undefined;
    const receiver = createReceiver({
      endpoints: { billing: standardWebhooks<Events>({ secret: SECRET, types: ['invoice.paid', 'invoice.voided'] }) },
      logger: { debug: ignore, info: ignore, error: ignore, warn: (_obj, msg) => warnings.push(msg ?? '') },
    });
    receiver.on('billing:invoice', () => undefined);
    receiver.on('billing:invoice.payed' as never, () => undefined);
    expect(warnings).toEqual([expect.stringContaining('Did you mean "billing:invoice.paid"?')]);
  });
});

describe('standard webhooks: the provider contract', () => {
  it('hands handlers the validated payload (the time as a Date) and the declared delivery headers', async () => {
    const { receiver, send, settled } = setup();
    const got: Array<{ at: unknown; id: string | undefined; account: string | undefined }> = [];
    receiver.on('billing:invoice.paid', (event) => {
      got.push({ at: event.payload.timestamp, id: event.delivery.headers['webhook-id'], account: event.delivery.account });
    });
    expect((await send(delivery())).status).toBe(204);
    await settled();
    expect(got).toEqual([{ at: new Date('2023-11-14T22:13:20Z'), id: 'msg_1', account: undefined }]);
  });

  it('accepts a body whose data is wrong (the sender would retry a 4xx for days) and keeps it as a dead letter, unhandled', async () => {
    const { receiver, send, settled } = setup(SECRET, { validators: { 'invoice.paid': (data) => checkPaid(data) } });
    let handled = 0;
    receiver.on('billing:invoice', () => void handled++);
    expect((await send(delivery({ id: 'no-data', body: { type: 'invoice.voided' } }))).status).toBe(204);
    expect((await send(delivery({ id: 'bad-amount', body: { type: 'invoice.paid', data: { invoiceId: 'in_1', amount: 'lots' } } }))).status).toBe(204);
    expect((await send(delivery({ id: 'good', body: { type: 'invoice.paid', data: { invoiceId: 'in_1', amount: '42' } } }))).status).toBe(204);
    await settled();
    expect(handled).toBe(1);
    const letters = await receiver.deadLetters();
    expect(letters.map((letter) => [letter.id, letter.error.code, letter.error.message]).sort()).toEqual([
      ['billing:bad-amount', 'PAYLOAD_INVALID', 'invoice.paid: "data" does not match: amount is not a number'],
      ['billing:no-data', 'PAYLOAD_INVALID', 'invoice.voided: "data" must be an object.'],
    ]);
  });

  it('gives a validator\'s output to the handlers', async () => {
    const { receiver, send, settled } = setup(SECRET, { validators: { 'invoice.paid': (data) => checkPaid(data) } });
    const amounts: unknown[] = [];
    receiver.on('billing:invoice.paid', (event) => void amounts.push(event.payload.data.amount));
    await send(delivery({ body: { type: 'invoice.paid', data: { invoiceId: 'in_1', amount: '42' } } }));
    await settled();
    expect(amounts).toEqual([42]);
  });

  it('answers a ping type itself, queuing nothing', async () => {
    const { send, seen, settled } = setup(SECRET, { pingTypes: ['webhook.test'] });
    expect((await send(delivery({ body: { type: 'webhook.test', data: {} } }))).status).toBe(204);
    await settled();
    expect(seen).toEqual([]);
  });

  it('looks the secrets up per account (the URL\'s account parameter): the account reaches handlers, unknown is 401, a failed lookup 503', async () => {
    const lookups: string[] = [];
    const secrets = (account: string) => {
      lookups.push(account);
      if (account === 'down') throw new Error('vault unreachable');
      return account === 'acme' ? [SECRET, OLD_SECRET] : undefined;
    };
    const { receiver, send, settled } = setup(secrets);
    const accounts: Array<string | undefined> = [];
    receiver.on('billing:*', (event) => void accounts.push(event.delivery.account));
    expect((await send(delivery({ id: 'a1' }), 'account=acme')).status).toBe(204);
    expect((await send(delivery({ id: 'a2', secrets: [OLD_SECRET] }), 'account=acme')).status).toBe(204);
    expect(errorOf(await send(delivery({ id: 'x' }), 'account=globex'))).toMatchObject({ code: 'AUTH_INVALID' });
    expect(errorOf(await send(delivery({ id: 'y' })))).toMatchObject({ code: 'AUTH_MISSING' });
    expect((await send(delivery({ id: 'z' }), 'account=down')).status).toBe(503);
    await settled();
    expect(accounts).toEqual(['acme', 'acme']);
    expect(lookups.filter((account) => account === 'acme')).toHaveLength(1); // cached
  });

  it('maps signing events to the lifecycle, the time defaulting to the payload\'s', async () => {
    type Signing = { 'document.completed': { documentId: string }; 'document.opened': { documentId: string } };
    const queue = memoryQueue();
    const receiver = createReceiver({
      logger: silentLogger,
      queue,
      endpoints: {
        signing: standardWebhooks<Signing>({
          secret: SECRET,
          now: () => NOW,
          types: ['document.completed', 'document.opened'],
          lifecycle: ({ type, data }) => (type === 'document.completed' ? { stage: 'completed', documentId: String(data['documentId']) } : undefined),
        }),
      },
    });
    const completed: Lifecycle[] = [];
    receiver.on('lifecycle:completed', (event) => void completed.push(event.lifecycle));
    for (const [id, type] of [['c', 'document.completed'], ['o', 'document.opened']]) {
      const signed = delivery({ id, body: { type, timestamp: '2023-11-14T22:13:20Z', data: { documentId: 'doc_7' } } });
      expect((await receiver.handle({ endpoint: 'signing', ...signed })).status).toBe(204);
    }
    await queue.idle();
    expect(completed).toEqual([{ stage: 'completed', documentId: 'doc_7', signer: undefined, occurredAt: new Date('2023-11-14T22:13:20Z') }]);
  });

  it('has a secret-free platform for workers: names, validation and lifecycle, no authentication', () => {
    const platform = standardWebhooksPlatform<Events>({ types: ['invoice.paid'] });
    expect(platform).toMatchObject({ kind: 'standard-webhooks', events: ['invoice.paid', 'invoice'] });
    expect('authenticate' in platform).toBe(false);
    expect(platform.validate?.({ name: 'invoice.paid', known: true, payload: { type: 'invoice.paid', timestamp: '2023-11-14T22:13:20Z', data: {} } })).toEqual({
      type: 'invoice.paid',
      timestamp: new Date('2023-11-14T22:13:20Z'),
      data: {},
    });
  });
});

/** A hand-written check standing in for a schema library (`invoicePaid.parse` with zod). */
function checkPaid(data: unknown): { invoiceId: string; amount: number } {
  const record = data as { invoiceId?: unknown; amount?: unknown };
  const amount = Number(record.amount);
  if (!Number.isFinite(amount)) throw new Error('amount is not a number');
  return { invoiceId: String(record.invoiceId), amount };
}

describe('docs/custom-providers.md', () => {
  it('shows the code of src/standard-webhooks.ts verbatim', () => {
    const source = readFileSync(new URL('../src/standard-webhooks.ts', import.meta.url), 'utf8');
    const doc = readFileSync(new URL('../../../docs/custom-providers.md', import.meta.url), 'utf8');
    expect(doc).toContain(source.trim());
  });
});
