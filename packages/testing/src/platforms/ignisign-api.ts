import type { IgnisignAppEnv } from '@countersign/core';
import type { IgnisignMsgNature } from '@countersign/core/ignisign';
import { ignisignDelivery, randomIgnisignToken } from '../ignisign.js';
import { bearer, fire, isHttpUrl, pushBounded, startStandIn, type StandInAnswer, type StandInCall } from './stand-in.js';

/** A webhook endpoint as the stand-in stores it. */
export interface FakeIgnisignEndpoint {
  _id: string;
  url: string;
  description: string | undefined;
  isDisabled: boolean;
  /** Topics switched off with `disabled-events`. */
  disabledTopics: string[];
  _createdAt: string;
}

/** One delivery in an endpoint's history. */
export interface FakeIgnisignEvent {
  _id: string;
  webhookId: string;
  appId: string;
  appEnv: IgnisignAppEnv;
  topic: string;
  action: string;
  msgNature: IgnisignMsgNature;
  content: unknown;
  status: 'SUCCESS' | 'FAILED' | 'PENDING';
  response: { status?: number; statusText?: string };
  _createdAt: string;
}

export interface FakeIgnisignWebhooksApiOptions {
  /** The API key it accepts as `Authorization: Bearer`. Default `test-ignisign-api-key`. */
  apiKey?: string;
  appId?: string;
  /** Default `DEVELOPMENT`. */
  appEnv?: IgnisignAppEnv;
  /** Time given to the receiver's answer (ms). Default 10 000. */
  answerTimeoutMs?: number;
}

export interface FakeIgnisignWebhooksApi {
  /** Base URL for `ignisignWebhooks({ baseUrl })` and for the receiver's `ignisignApi({ baseUrl })` (IGNISIGN_API_URL). */
  url: string;
  apiKey: string;
  appId: string;
  appEnv: IgnisignAppEnv;
  endpoints(): FakeIgnisignEndpoint[];
  /** Every event of every endpoint, oldest first (the last 1000 per endpoint). */
  events(): FakeIgnisignEvent[];
  /**
   * Something happened: deliver `TOPIC.ACTION` to every enabled endpoint that does not filter the topic, each with
   * a fresh single-use verification token the stand-in checks (`/v4/tokens/webhook-verification/checking-consumption`).
   */
  emit(delivery: { topic: string; action: string; msgNature?: IgnisignMsgNature; content: unknown }): Promise<FakeIgnisignEvent[]>;
  /** What Ignisign does to an endpoint that keeps failing: disable it. */
  disable(webhookId: string): void;
  calls: StandInCall[];
  throttle(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const PAGE_SIZE = 20;
const MAX_ENDPOINTS = 50;
const MAX_EVENTS = 1000;
const fail = (status: number, message: string): StandInAnswer => ({ status, body: { errorCode: status === 401 ? 'AUTH_FAILED' : status === 404 ? 'NOT_FOUND' : 'BAD_REQUEST', message } });
const hex = (n: number): string => Array.from(crypto.getRandomValues(new Uint8Array(n)), (b) => b.toString(16).padStart(2, '0')).join('');

/**
 * A local stand-in for Ignisign's webhook API (a real HTTP server on 127.0.0.1): endpoints per app environment,
 * the topic filter, delivery history with resend, and the token verification the receiver calls, so a receiver
 * built with `ignisignApi({ baseUrl: api.url })` verifies what the stand-in sends.
 */
export async function fakeIgnisignWebhooksApi(options: FakeIgnisignWebhooksApiOptions = {}): Promise<FakeIgnisignWebhooksApi> {
  const apiKey = options.apiKey ?? 'test-ignisign-api-key';
  const appId = options.appId ?? 'appId_00000000-0000-4000-8000-0000000000aa';
  const appEnv = options.appEnv ?? 'DEVELOPMENT';
  const timeoutMs = options.answerTimeoutMs ?? 10_000;
  const endpoints = new Map<string, FakeIgnisignEndpoint>();
  const history = new Map<string, FakeIgnisignEvent[]>();
  /** Tokens issued and not yet checked. */
  const tokens = new Set<string>();

  async function attempt(event: FakeIgnisignEvent, endpoint: FakeIgnisignEndpoint): Promise<void> {
    const delivery = ignisignDelivery({ appId, appEnv, topic: event.topic, action: event.action, msgNature: event.msgNature, content: event.content, token: randomIgnisignToken() });
    tokens.add(delivery.token);
    if (tokens.size > 10_000) tokens.delete(tokens.values().next().value as string);
    const answer = await fire(endpoint.url, delivery, timeoutMs);
    const ok = answer.status !== undefined && answer.status >= 200 && answer.status < 300;
    event.status = ok ? 'SUCCESS' : 'FAILED';
    event.response = answer.status === undefined ? { statusText: answer.error ?? 'unreachable' } : { status: answer.status };
  }

  const server = await startStandIn(async (request) => {
    const path = request.url.pathname;
    // The receiver's token check: authenticated with the same API key.
    if (path === '/v4/tokens/webhook-verification/checking-consumption' && request.method === 'POST') {
      if (bearer(request) !== apiKey) return fail(401, 'Invalid API key');
      const body = request.json as Record<string, unknown> | undefined;
      if (typeof body?.token !== 'string') return fail(400, 'token is required');
      const isValid = tokens.delete(body.token) && body.appId === appId && body.appEnv === appEnv;
      return { status: 200, body: { isValid } };
    }
    if (bearer(request) !== apiKey) return fail(401, 'Invalid API key');
    const collection = /^\/v4\/applications\/([^/]+)\/envs\/([^/]+)\/webhooks$/.exec(path);
    if (collection !== null) {
      if (decodeURIComponent(collection[1] as string) !== appId || collection[2] !== appEnv) return fail(403, 'This API key is for another app or environment');
      if (request.method === 'GET') return { status: 200, body: [...endpoints.values()].map(({ disabledTopics: _hidden, ...e }) => e) };
      if (request.method === 'POST') {
        const body = request.json as Record<string, unknown> | undefined;
        if (!isHttpUrl(body?.url)) return fail(400, 'url must be a URL');
        if (endpoints.size >= MAX_ENDPOINTS) return fail(400, `At most ${MAX_ENDPOINTS} endpoints`);
        const endpoint: FakeIgnisignEndpoint = {
          _id: hex(12),
          url: body.url as string,
          description: typeof body.description === 'string' ? body.description : undefined,
          isDisabled: false,
          disabledTopics: [],
          _createdAt: new Date().toISOString(),
        };
        endpoints.set(endpoint._id, endpoint);
        history.set(endpoint._id, []);
        const { disabledTopics: _hidden, ...view } = endpoint;
        return { status: 200, body: view };
      }
      return fail(405, 'Method not allowed');
    }
    const one = /^\/v4\/webhooks\/([^/]+)(\/disabled-events|\/events(?:\/([^/]+)(\/resend)?)?)?$/.exec(path);
    if (one === null) return fail(404, 'Not found');
    const [, id, tail, eventId, resend] = one as unknown as [string, string, string | undefined, string | undefined, string | undefined];
    const endpoint = endpoints.get(id);
    if (endpoint === undefined) return fail(404, `Webhook ${id} not found`);
    if (tail === undefined) {
      if (request.method === 'DELETE') {
        endpoints.delete(id);
        history.delete(id);
        return { status: 200, body: { _id: id } };
      }
      if (request.method === 'PUT') {
        const body = request.json as Record<string, unknown> | undefined;
        if (!isHttpUrl(body?.url)) return fail(400, 'url must be a URL');
        endpoint.url = body.url as string;
        if (typeof body.description === 'string') endpoint.description = body.description;
        return { status: 200, body: { _id: id } };
      }
      return fail(405, 'Method not allowed');
    }
    if (tail === '/disabled-events') {
      const topics = (request.json as Record<string, unknown> | undefined)?.topics;
      if (request.method !== 'POST' || typeof topics !== 'object' || topics === null) return fail(400, 'topics must be an object of TOPIC: true');
      endpoint.disabledTopics = Object.entries(topics as Record<string, unknown>).filter(([, v]) => v === true).map(([t]) => t);
      return { status: 200, body: { _id: id } };
    }
    const events = history.get(id) ?? [];
    if (eventId === undefined) {
      const filter = request.url.searchParams.get('filter') ?? 'ALL';
      const page = Math.max(1, Number(request.url.searchParams.get('page') ?? '1') || 1);
      const selected = [...events].reverse().filter((e) => filter === 'ALL' || e.status === filter);
      return { status: 200, body: { events: selected.slice((page - 1) * PAGE_SIZE, page * PAGE_SIZE), searchData: { total: selected.length, page, nbEventsPerPage: PAGE_SIZE } } };
    }
    const event = events.find((e) => e._id === decodeURIComponent(eventId));
    if (event === undefined) return fail(404, `Event ${eventId} not found`);
    if (resend === undefined) return request.method === 'GET' ? { status: 200, body: event } : fail(405, 'Method not allowed');
    if (request.method !== 'POST') return fail(405, 'Method not allowed');
    await attempt(event, endpoint);
    return { status: 200, body: {} };
  });

  return {
    url: server.url,
    apiKey,
    appId,
    appEnv,
    endpoints: () => [...endpoints.values()].map((e) => ({ ...e, disabledTopics: [...e.disabledTopics] })),
    events: () => [...history.values()].flat().map((e) => structuredClone(e)),
    async emit({ topic, action, msgNature = 'SUCCESS', content }) {
      const out: FakeIgnisignEvent[] = [];
      for (const endpoint of endpoints.values()) {
        if (endpoint.isDisabled || endpoint.disabledTopics.includes(topic)) continue;
        const event: FakeIgnisignEvent = { _id: hex(12), webhookId: endpoint._id, appId, appEnv, topic, action, msgNature, content, status: 'PENDING', response: {}, _createdAt: new Date().toISOString() };
        pushBounded(history.get(endpoint._id) as FakeIgnisignEvent[], event, MAX_EVENTS);
        await attempt(event, endpoint);
        out.push(structuredClone(event));
      }
      return out;
    },
    disable(webhookId) {
      const endpoint = endpoints.get(webhookId);
      if (endpoint === undefined) throw new Error(`fakeIgnisignWebhooksApi: unknown webhook ${webhookId}`);
      endpoint.isDisabled = true;
    },
    calls: server.calls,
    throttle: server.throttle,
    close: server.close,
  };
}
