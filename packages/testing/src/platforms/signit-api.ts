import { createHmac, timingSafeEqual } from 'node:crypto';
import { signitDelivery } from '../signit.js';
import { fire, isHttpUrl, pushBounded, startStandIn, type FiredDelivery, type StandInAnswer, type StandInCall, type StandInRequest } from './stand-in.js';

/** The events SignIt's ws-rest webhooks accept. */
const EVENTS = ['envelopeStart', 'envelopeCompleted', 'envelopeReject', 'envelopeRevoke', 'envelopeNotify', 'recipientConfirm', 'recipientReject'];
const FIELDS = ['webhookId', 'createDatetime', 'updateDatetime', 'status', 'webhookName', 'webhookUrl', 'event', 'metadata'];

/** A webhook as the stand-in stores it. */
export interface FakeSignitWebhook {
  webhookId: string;
  webhookName: string;
  webhookUrl: string;
  event: string[];
  /** 1 on, 0 off. */
  status: 0 | 1;
  notifyUrl: unknown;
  createDatetime: string;
  updateDatetime: string;
}

/** Why the stand-in refused a call's authentication. */
export interface FakeSignitRefusal {
  method: string;
  path: string;
  reason: 'missing' | 'malformed' | 'unknown-key' | 'signature' | 'date' | 'replay';
}

export interface FakeSignitApiOptions {
  /** Default `test-signit-api-key`. */
  apiKey?: string;
  /** Default `test-signit-api-secret`. */
  apiSecret?: string;
  /** The user whose webhooks it keeps. Default `test-user`. */
  userId?: string;
  /** The same choices as the client's `signing` option: whether the signed resource keeps the query, a prefix left out. */
  signing?: { resourceIncludesQuery?: boolean; resourceStripPrefix?: string };
  /** Largest distance between the `Date` header and the stand-in's clock (ms). Default 15 minutes. */
  dateWindowMs?: number;
}

export interface FakeSignitApi {
  /** Base URL for `signitWebhooks({ baseUrl })` (and SIGNIT_API_URL). */
  url: string;
  apiKey: string;
  apiSecret: string;
  userId: string;
  webhooks(): FakeSignitWebhook[];
  /** Calls refused for their signature, date or nonce, oldest first (the last 1000). */
  refusals: FakeSignitRefusal[];
  /**
   * Deliver an event to every webhook that is on and subscribes to it, signed with the app's secret the way
   * SignIt signs deliveries (`X-Signit-Signature`).
   */
  deliver(event: string, rawData: Record<string, unknown>, app: { appId: string; appSecret: string }): Promise<Array<FiredDelivery & { webhookId: string }>>;
  calls: StandInCall[];
  throttle(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const MAX_WEBHOOKS = 1000;
const AUTHORIZATION = /^HmacSHA512 ([^\s:]+):([^\s:]+):([A-Za-z0-9+/]+={0,2})$/;

function result(status: number, code: number, desc: string, data: unknown = null): StandInAnswer {
  // The stand-in's result codes are illustrative: SignIt's real ones are not documented.
  return { status, body: { resultStatusCode: code === 0 ? '100700000' : `1007${String(status).padStart(5, '0')}`, resultCode: code, resultDesc: desc, resultData: data } };
}

/**
 * A local stand-in for SignIt's ws-rest webhook API (a real HTTP server on 127.0.0.1). It verifies each call's
 * `Authorization: HmacSHA512 <apiKey>:<nonce>:<signature>` independently of the client (its own reconstruction
 * of the signed text from the received headers, method, body and path), refuses old dates and reused nonces,
 * keeps webhooks, pages and filters the list, and delivers signed events.
 */
export async function fakeSignitApi(options: FakeSignitApiOptions = {}): Promise<FakeSignitApi> {
  const apiKey = options.apiKey ?? 'test-signit-api-key';
  const apiSecret = options.apiSecret ?? 'test-signit-api-secret';
  const userId = options.userId ?? 'test-user';
  const windowMs = options.dateWindowMs ?? 15 * 60_000;
  const webhooks = new Map<string, FakeSignitWebhook>();
  const refusals: FakeSignitRefusal[] = [];
  const nonces = new Map<string, number>();
  let nextId = 1;

  function authenticate(request: StandInRequest): FakeSignitRefusal['reason'] | undefined {
    const header = request.headers.authorization;
    if (typeof header !== 'string' || header === '') return 'missing';
    const match = AUTHORIZATION.exec(header.trim());
    if (match === null) return 'malformed';
    const [, key, nonce, signature] = match as unknown as [string, string, string, string];
    if (key !== apiKey) return 'unknown-key';
    const h = (name: string): string => {
      const value = request.headers[name];
      return typeof value === 'string' ? value : '';
    };
    const prefix = options.signing?.resourceStripPrefix;
    let resource = request.url.pathname;
    if (prefix !== undefined && prefix !== '' && resource.startsWith(prefix)) resource = resource.slice(prefix.length) || '/';
    if (options.signing?.resourceIncludesQuery === true) resource += request.url.search;
    const parts = [key, h('content-type'), h('date'), h('host'), request.method, nonce];
    if (request.body !== '') parts.push(request.body);
    parts.push(resource, 'http');
    const expected = createHmac('sha512', apiSecret).update(parts.map((p) => `${p}\n`).join(''), 'utf8').digest();
    const given = Buffer.from(signature, 'base64');
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return 'signature';
    const date = Date.parse(h('date'));
    if (Number.isNaN(date) || Math.abs(Date.now() - date) > windowMs) return 'date';
    const now = Date.now();
    for (const [n, at] of nonces) if (now - at > 2 * windowMs) nonces.delete(n);
    if (nonces.has(nonce)) return 'replay';
    if (nonces.size >= 100_000) nonces.delete(nonces.keys().next().value as string);
    nonces.set(nonce, now);
    return undefined;
  }

  function validate(input: unknown): string | Pick<FakeSignitWebhook, 'webhookName' | 'webhookUrl' | 'event' | 'status' | 'notifyUrl'> {
    if (typeof input !== 'object' || input === null) return 'The body must be a JSON object';
    const b = input as Record<string, unknown>;
    if (typeof b.webhookName !== 'string' || b.webhookName === '') return 'webhookName is required';
    if (!isHttpUrl(b.webhookUrl)) return 'webhookUrl must be an http(s) URL';
    if (!Array.isArray(b.events) || b.events.length === 0) return 'events must list at least one event';
    for (const e of b.events) if (!EVENTS.some((known) => known.toLowerCase() === String(e).toLowerCase())) return `unknown event ${String(e)}`;
    if (b.status !== 0 && b.status !== 1) return 'status is 1 (on) or 0 (off)';
    return { webhookName: b.webhookName, webhookUrl: b.webhookUrl, event: (b.events as unknown[]).map(String), status: b.status, notifyUrl: b.notifyUrl ?? null };
  }

  const server = await startStandIn((request) => {
    const refused = authenticate(request);
    if (refused !== undefined) {
      pushBounded(refusals, { method: request.method, path: request.url.pathname, reason: refused }, 1000);
      return result(401, 401, refused === 'signature' ? 'Signature does not match' : `Authentication failed (${refused})`);
    }
    const match = /^\/ws-rest\/v1\/users\/([^/]+)\/webhooks(?:\/([^/]+))?$/.exec(request.url.pathname);
    if (match === null) return result(404, 404, 'Not found');
    const [, user, id] = match as unknown as [string, string, string | undefined];
    if (decodeURIComponent(user) !== userId) return result(403, 403, 'No access to this user');
    const now = new Date().toISOString();
    if (id === undefined && request.method === 'GET') {
      const q = request.url.searchParams;
      const offset = Number(q.get('offset') ?? '0');
      const limit = Number(q.get('limit') ?? '20');
      if (!Number.isInteger(offset) || offset < 0 || !Number.isInteger(limit) || limit < 1 || limit > 100) return result(400, 400, 'offset >= 0 and limit 1..100');
      const fields = (q.get('fields') ?? '').split(',').filter(Boolean);
      if (fields.some((f) => !FIELDS.includes(f))) return result(400, 400, `fields are among ${FIELDS.join(', ')}`);
      const filter = /^active=(true|false)$/.exec(q.get('filters') ?? '');
      const all = [...webhooks.values()].filter((w) => filter === null || (w.status === 1) === (filter[1] === 'true'));
      const page = all.slice(offset, offset + limit).map((w) => (fields.length === 0 ? { ...w } : Object.fromEntries(fields.map((f) => [f, w[f as keyof FakeSignitWebhook]]))));
      const base = `${request.url.pathname}?limit=${limit}`;
      const relLinks = [{ rel: 'self', href: `${base}&offset=${offset}` }];
      if (offset + limit < all.length) relLinks.push({ rel: 'next', href: `${base}&offset=${offset + limit}` });
      return result(200, 0, 'OK', { webhooks: page, relLinks });
    }
    if (id === undefined && request.method === 'POST') {
      const input = validate(request.json);
      if (typeof input === 'string') return result(400, 400, input);
      if (webhooks.size >= MAX_WEBHOOKS) return result(400, 400, `At most ${MAX_WEBHOOKS} webhooks`);
      const webhook: FakeSignitWebhook = { webhookId: `WSID_WBHK_${String(nextId++).padStart(8, '0')}`, ...input, createDatetime: now, updateDatetime: now };
      webhooks.set(webhook.webhookId, webhook);
      return result(200, 0, 'OK', { webhookId: webhook.webhookId });
    }
    if (id !== undefined && request.method === 'PUT') {
      const existing = webhooks.get(decodeURIComponent(id));
      if (existing === undefined) return result(404, 404, `Webhook ${id} not found`);
      const input = validate(request.json);
      if (typeof input === 'string') return result(400, 400, input);
      webhooks.set(existing.webhookId, { ...existing, ...input, updateDatetime: now });
      return result(200, 0, 'OK', { webhookId: existing.webhookId });
    }
    return result(405, 405, 'Method not allowed');
  });

  return {
    url: server.url,
    apiKey,
    apiSecret,
    userId,
    webhooks: () => [...webhooks.values()].map((w) => ({ ...w, event: [...w.event] })),
    refusals,
    async deliver(event, rawData, app) {
      const out: Array<FiredDelivery & { webhookId: string }> = [];
      for (const w of webhooks.values()) {
        if (w.status !== 1 || !w.event.some((e) => e.toLowerCase() === event.toLowerCase())) continue;
        const delivery = await signitDelivery({ ...app, event, rawData, target: { webhookWsid: w.webhookId, destination: w.webhookUrl } });
        out.push({ ...(await fire(w.webhookUrl, delivery, 10_000)), webhookId: w.webhookId });
      }
      return out;
    },
    calls: server.calls,
    throttle: server.throttle,
    close: server.close,
  };
}
