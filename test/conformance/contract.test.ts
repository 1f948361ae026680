/**
 * The provider contract's capabilities, through every adapter: a query-string signature, form bodies, a batch with a
 * duplicate, an answer that queues nothing, several secrets and a lookup per account, and delivery metadata.
 * The `v2` test provider below uses each; the platforms that need them (PandaDoc, Dropbox Sign, BoldSign, Yousign)
 * are built on the same contract.
 */
import { createHmac } from 'node:crypto';
import { expect } from 'vitest';
import { CountersignError, defineProvider, jsonResponse, secretSource, type ParsedEvent } from '@countersign/core';
import type { ConformanceCase } from './cases.js';
import { describeConformance } from './suite.js';
import { uniqueId, type HttpRequest } from './support.js';

const SECRETS: Record<string, string[]> = { acme: ['acme-new', 'acme-old'], globex: ['globex-key'] };

type V2Event = { id: string; event: string };

/** Signs with `?signature=<hex HMAC-SHA256 of the body>` under the account's secret (`?account=`). */
function v2Provider() {
  const secretsOf = secretSource(
    (account) => {
      if (account === 'vault-down') throw new Error('connect ECONNREFUSED 10.9.8.7:8200');
      return SECRETS[account];
    },
    { name: 'v2: `secrets`' },
  );
  const event = (value: unknown, attempt: number | undefined): ParsedEvent => {
    const { id, event: name } = (value ?? {}) as Partial<V2Event>;
    if (typeof id !== 'string' || typeof name !== 'string') throw new CountersignError('PAYLOAD_INVALID', 'Each event needs string `id` and `event`.');
    return { name, known: name === 'SIGNED', key: id, payload: value, attempt };
  };
  return defineProvider<{ events: { SIGNED: V2Event & { event: 'SIGNED' } }; topics: {}; base: V2Event }, { account: string }>({
    kind: 'v2',
    deliveryHeaders: ['x-v2-attempt'],
    async authenticate(ctx) {
      const account = ctx.query.get('account');
      const signature = ctx.query.get('signature');
      if (account === null || signature === null) throw new CountersignError('AUTH_MISSING', '?account= and ?signature= are required.');
      const secrets = await secretsOf(account, ctx.signal);
      const valid = secrets.some((secret) => createHmac('sha256', secret).update(ctx.body).digest('hex') === signature);
      if (!valid) throw new CountersignError('AUTH_INVALID', 'The signature does not match.');
      return { account };
    },
    async parse(ctx) {
      const attempt = ctx.headers.get('x-v2-attempt') === undefined ? undefined : Number(ctx.headers.get('x-v2-attempt'));
      const type = ctx.headers.get('content-type') ?? '';
      let value: unknown;
      if (/form/.test(type)) {
        const field = (await ctx.form()).get('json');
        if (typeof field !== 'string') throw new CountersignError('PAYLOAD_INVALID', 'The form has no `json` field.');
        value = JSON.parse(field) as unknown;
      } else {
        value = ctx.jsonValue();
      }
      const verify = value as { type?: unknown; challenge?: unknown };
      if (verify.type === 'verify' && typeof verify.challenge === 'string') {
        return { respond: { status: 200, headers: { 'content-type': 'text/plain' }, body: verify.challenge } };
      }
      return Array.isArray(value) ? value.map((item) => event(item, attempt)) : event(value, attempt);
    },
    acknowledge: (_ctx, outcome, facts) => jsonResponse(200, { outcome, account: facts.account }),
  });
}

function signed(body: string | Uint8Array, account: string, secret: string, headers: Record<string, string> = {}): HttpRequest {
  const signature = createHmac('sha256', secret).update(body).digest('hex');
  return { method: 'POST', path: `/v2?account=${account}&signature=${signature}`, headers: { 'content-type': 'application/json', ...headers }, body };
}

async function multipart(json: string): Promise<{ body: Uint8Array; type: string }> {
  const form = new FormData();
  form.set('json', json);
  const response = new Response(form);
  return { body: new Uint8Array(await response.arrayBuffer()), type: response.headers.get('content-type') as string };
}

const cases: ConformanceCase[] = [
  {
    name: 'a query-string signature verifies under either secret of the account (rotation); a wrong one, an unknown account, a missing query are refused',
    async run(ctx) {
      for (const secret of SECRETS.acme as string[]) {
        const id = uniqueId('query');
        const res = await ctx.send(signed(JSON.stringify({ id, event: 'SIGNED' }), 'acme', secret));
        expect(res.status, res.body).toBe(200);
        expect(res.json()).toEqual({ outcome: 'accepted', account: 'acme' });
        await ctx.harness.dispatched.waitFor('v2', id);
      }
      const body = JSON.stringify({ id: uniqueId('bad'), event: 'SIGNED' });
      expect((await ctx.send(signed(body, 'acme', 'guess'))).error?.code).toBe('AUTH_INVALID');
      expect((await ctx.send(signed(body, 'initech', 'acme-new'))).error?.code).toBe('AUTH_INVALID');
      expect((await ctx.send({ ...signed(body, 'acme', 'acme-new'), path: '/v2' })).error?.code).toBe('AUTH_MISSING');
    },
  },
  {
    name: 'a secret lookup that fails answers 503 without telling the sender why',
    async run(ctx) {
      const res = await ctx.send(signed(JSON.stringify({ id: uniqueId('vault'), event: 'SIGNED' }), 'vault-down', 'x'));
      expect(res.status).toBe(503);
      expect(res.error?.code).toBe('VERIFICATION_UNAVAILABLE');
      expect(res.body).not.toContain('10.9.8.7');
    },
  },
  {
    name: 'a multipart form body (JSON in a `json` field) and a URL-encoded one are read with the Web parsers',
    async run(ctx) {
      const id = uniqueId('multipart');
      const { body, type } = await multipart(JSON.stringify({ id, event: 'SIGNED' }));
      const res = await ctx.send(signed(body, 'globex', 'globex-key', { 'content-type': type }));
      expect(res.status, res.body).toBe(200);
      await ctx.harness.dispatched.waitFor('v2', id);

      const urlId = uniqueId('urlencoded');
      const encoded = new URLSearchParams({ json: JSON.stringify({ id: urlId, event: 'SIGNED' }) }).toString();
      expect((await ctx.send(signed(encoded, 'globex', 'globex-key', { 'content-type': 'application/x-www-form-urlencoded' }))).status).toBe(200);
      await ctx.harness.dispatched.waitFor('v2', urlId);

      const notForm = await ctx.send(signed('json=1', 'globex', 'globex-key', { 'content-type': 'multipart/form-data; boundary=x' }));
      expect([notForm.status, notForm.error?.code]).toEqual([400, 'BODY_MALFORMED_FORM']);
    },
  },
  {
    name: 'a batch of three with one duplicate: two new events queued and dispatched once each; the batch again is a duplicate',
    async run(ctx) {
      const [dup, a, b] = [uniqueId('dup'), uniqueId('a'), uniqueId('b')];
      expect((await ctx.send(signed(JSON.stringify({ id: dup, event: 'SIGNED' }), 'acme', 'acme-new'))).status).toBe(200);
      await ctx.harness.dispatched.waitFor('v2', dup);
      const batch = JSON.stringify([dup, a, b].map((id) => ({ id, event: 'SIGNED' })));
      const res = await ctx.send(signed(batch, 'acme', 'acme-new'));
      expect(res.json()).toEqual({ outcome: 'accepted', account: 'acme' });
      await ctx.harness.dispatched.waitFor('v2', a);
      await ctx.harness.dispatched.waitFor('v2', b);
      expect((await ctx.send(signed(batch, 'acme', 'acme-new'))).json()).toEqual({ outcome: 'duplicate', account: 'acme' });
      for (const id of [dup, a, b]) {
        expect(ctx.harness.dispatched.of('v2', id)).toHaveLength(1);
        expect(ctx.harness.enqueuedCount('v2', id)).toBe(1);
      }
    },
  },
  {
    name: 'a verification ping is answered in the provider’s own format and nothing is queued',
    async run(ctx) {
      const before = ctx.harness.dispatched.count('v2');
      const res = await ctx.send(signed(JSON.stringify({ type: 'verify', challenge: 'ch-42' }), 'acme', 'acme-new'));
      expect(res.status).toBe(200);
      expect(res.body).toBe('ch-42');
      expect(res.headers['content-type']).toBe('text/plain');
      // Nothing of it reaches the queue: a following event is the next dispatch.
      const id = uniqueId('after-ping');
      await ctx.send(signed(JSON.stringify({ id, event: 'SIGNED' }), 'acme', 'acme-new'));
      expect((await ctx.harness.dispatched.nth('v2', before)).id).toBe(id);
    },
  },
  {
    name: 'handlers see the delivery: the platform’s attempt number, the account it authenticated as, the declared headers',
    async run(ctx) {
      const id = uniqueId('meta');
      await ctx.send(signed(JSON.stringify({ id, event: 'SIGNED' }), 'globex', 'globex-key', { 'x-v2-attempt': '3', 'x-other': 'not kept' }));
      const [event] = await ctx.harness.dispatched.waitFor('v2', id);
      expect(event?.delivery).toEqual({ receivedAt: expect.any(Date), attempt: 3, account: 'globex', headers: { 'x-v2-attempt': '3' } });
    },
  },
];

describeConformance('provider contract', cases, async () => ({ endpoints: { v2: v2Provider() }, close: async () => undefined }));
