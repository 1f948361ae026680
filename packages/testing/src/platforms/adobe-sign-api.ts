import {
  ADOBE_SIGN_AGREEMENT_EVENTS,
  ADOBE_SIGN_EVENTS,
  ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
  ADOBE_SIGN_MEGASIGN_EVENTS,
  ADOBE_SIGN_WIDGET_EVENTS,
} from '@countersign/core/adobe-sign';
import { adobeSignDelivery } from '../adobe-sign.js';
import { bearer, fire, isHttpUrl, pushBounded, startStandIn, type FiredDelivery, type StandInAnswer, type StandInCall } from './stand-in.js';

const GROUPS: Readonly<Record<string, readonly string[]>> = {
  AGREEMENT_ALL: ADOBE_SIGN_AGREEMENT_EVENTS,
  WIDGET_ALL: ADOBE_SIGN_WIDGET_EVENTS,
  MEGASIGN_ALL: ADOBE_SIGN_MEGASIGN_EVENTS,
  LIBRARY_DOCUMENT_ALL: ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
};
const KNOWN = new Set<string>([...ADOBE_SIGN_EVENTS, ...Object.keys(GROUPS)]);
const SCOPES = ['ACCOUNT', 'GROUP', 'USER', 'RESOURCE'];
const MAX_WEBHOOKS = 100;

/** A webhook as the stand-in stores it. */
export interface FakeAdobeSignWebhook {
  id: string;
  name: string;
  scope: string;
  state: 'ACTIVE' | 'INACTIVE';
  status: 'ACTIVE' | 'INACTIVE';
  webhookSubscriptionEvents: string[];
  webhookUrlInfo: { url: string };
  resourceType?: string;
  resourceId?: string;
  applicationName: string;
  applicationDisplayName: string;
  created: string;
  lastModified: string;
}

/** One verification of intent (the GET Acrobat Sign sends on creation and re-activation). */
export interface FakeAdobeSignIntent {
  url: string;
  webhookId: string | undefined;
  /** The receiver's status; `undefined` when unreachable. */
  status: number | undefined;
  /** Whether the answer echoed the client id (header or JSON body). */
  echoed: boolean;
  passed: boolean;
}

export interface FakeAdobeSignApiOptions {
  /** The OAuth access token it accepts as `Authorization: Bearer`. Default `test-adobe-sign-access-token`. */
  accessToken?: string;
  /** The client id of the API application the token belongs to: sent in `X-AdobeSign-ClientId`. Default `CBJCHBCAABAAstandinclientid`. */
  clientId?: string;
  /** Time given to the receiver's answer to the intent GET and to notifications (ms). Default 5000, as Acrobat Sign. */
  answerTimeoutMs?: number;
  /** Largest `pageSize` of the list. Default 100. */
  maxPageSize?: number;
}

export interface FakeAdobeSignApi {
  /** The API access point for `adobeSignWebhooks({ baseUrl })` (and ADOBE_SIGN_API_URL); `/api/rest/v6` lives below it. */
  url: string;
  accessToken: string;
  clientId: string;
  webhooks(): FakeAdobeSignWebhook[];
  /** Every intent GET sent, oldest first (the last 1000). */
  intents: FakeAdobeSignIntent[];
  /** What Acrobat Sign does after 72 h of failed deliveries: the webhook goes INACTIVE. */
  disable(webhookId: string): void;
  /** Send a notification of `event` to the webhook's URL, as Acrobat Sign does; `echoed` says whether it counts as delivered. */
  notify(webhookId: string, event: string): Promise<FiredDelivery & { echoed: boolean }>;
  calls: StandInCall[];
  throttle(count: number, retryAfterSeconds?: number): void;
  close(): Promise<void>;
}

const fail = (status: number, code: string, message: string): StandInAnswer => ({ status, body: { code, message } });

function echoes(answer: FiredDelivery, clientId: string): boolean {
  if (answer.headers['x-adobesign-clientid'] === clientId) return true;
  try {
    return (JSON.parse(answer.body) as Record<string, unknown>)?.xAdobeSignClientId === clientId;
  } catch {
    return false;
  }
}

const expand = (events: readonly string[]): Set<string> => new Set(events.flatMap((e) => GROUPS[e] ?? [e]));

/**
 * A local stand-in for Acrobat Sign's webhook API (REST v6, a real HTTP server on 127.0.0.1): bearer token
 * checked, webhooks kept, duplicates refused, and the verification of intent run against the receiver exactly
 * when Acrobat Sign runs it (creation, re-activation): a receiver that does not answer 2xx with the client id
 * echoed gets no webhook.
 *
 * Error codes it answers that Acrobat Sign's documents do not name (the intent failure) are illustrative.
 */
export async function fakeAdobeSignApi(options: FakeAdobeSignApiOptions = {}): Promise<FakeAdobeSignApi> {
  const accessToken = options.accessToken ?? 'test-adobe-sign-access-token';
  const clientId = options.clientId ?? 'CBJCHBCAABAAstandinclientid';
  const timeoutMs = options.answerTimeoutMs ?? 5000;
  const maxPageSize = options.maxPageSize ?? 100;
  const webhooks = new Map<string, FakeAdobeSignWebhook>();
  const intents: FakeAdobeSignIntent[] = [];
  let sequence = 0;

  async function verifyIntent(url: string, webhookId: string | undefined): Promise<boolean> {
    const answer = await fire(url, { method: 'GET', headers: { 'X-AdobeSign-ClientId': clientId } }, timeoutMs);
    const echoed = echoes(answer, clientId);
    const passed = answer.status !== undefined && answer.status >= 200 && answer.status < 300 && echoed;
    pushBounded(intents, { url, webhookId, status: answer.status, echoed, passed }, 1000);
    return passed;
  }

  function validate(input: unknown, creating: boolean): string | Record<string, unknown> {
    if (typeof input !== 'object' || input === null) return 'The request body must be a JSON object.';
    const b = input as Record<string, unknown>;
    if (typeof b.name !== 'string' || b.name === '') return 'name is required.';
    if (!SCOPES.includes(String(b.scope))) return `scope must be one of ${SCOPES.join(', ')}.`;
    if (b.scope === 'RESOURCE' && (typeof b.resourceType !== 'string' || typeof b.resourceId !== 'string')) return 'scope RESOURCE needs resourceType and resourceId.';
    if (creating && b.state !== 'ACTIVE') return 'state must be ACTIVE.';
    const events = b.webhookSubscriptionEvents;
    if (!Array.isArray(events) || events.length === 0) return 'webhookSubscriptionEvents must list at least one event.';
    for (const e of events) if (!KNOWN.has(String(e))) return `Unknown event ${String(e)}.`;
    const url = (b.webhookUrlInfo as Record<string, unknown> | undefined)?.url;
    if (!isHttpUrl(url)) return 'webhookUrlInfo.url must be an http(s) URL.';
    return b;
  }

  const server = await startStandIn(async (request) => {
    if (bearer(request) !== accessToken) return fail(401, 'INVALID_ACCESS_TOKEN', 'Access token provided is invalid or has expired');
    const match = /^\/api\/rest\/v6\/webhooks(?:\/([^/]+)(\/state)?)?$/.exec(request.url.pathname);
    if (match === null) return fail(404, 'NOT_FOUND', 'Not found');
    const [, rawId, stateSuffix] = match;
    const id = rawId === undefined ? undefined : decodeURIComponent(rawId);
    const now = new Date().toISOString();

    if (id === undefined && request.method === 'POST') {
      const input = validate(request.json, true);
      if (typeof input === 'string') return fail(400, 'INVALID_ARGUMENTS', input);
      const url = (input.webhookUrlInfo as { url: string }).url;
      const events = expand(input.webhookSubscriptionEvents as string[]);
      for (const w of webhooks.values()) {
        if (w.webhookUrlInfo.url === url && w.scope === input.scope && [...expand(w.webhookSubscriptionEvents)].some((e) => events.has(e))) {
          return fail(400, 'DUPLICATE_WEBHOOK_CONFIGURATION', 'A webhook with the same event, URL, scope, application and creator exists.');
        }
      }
      if (webhooks.size >= MAX_WEBHOOKS) return fail(400, 'INVALID_ARGUMENTS', `At most ${MAX_WEBHOOKS} webhooks.`);
      if (!(await verifyIntent(url, undefined))) {
        return fail(400, 'WEBHOOK_URL_VERIFICATION_FAILED', `The webhook URL did not answer the verification of intent with a 2xx echoing X-AdobeSign-ClientId ${clientId}.`);
      }
      const webhook: FakeAdobeSignWebhook = {
        id: `CBJCHBCAABAA${String(++sequence).padStart(8, '0')}wh`,
        name: input.name as string,
        scope: input.scope as string,
        state: 'ACTIVE',
        status: 'ACTIVE',
        webhookSubscriptionEvents: (input.webhookSubscriptionEvents as unknown[]).map(String),
        webhookUrlInfo: { url },
        ...(typeof input.resourceType === 'string' ? { resourceType: input.resourceType } : {}),
        ...(typeof input.resourceId === 'string' ? { resourceId: input.resourceId } : {}),
        applicationName: 'countersign-stand-in',
        applicationDisplayName: 'countersign stand-in',
        created: now,
        lastModified: now,
      };
      webhooks.set(webhook.id, webhook);
      return { status: 201, body: { id: webhook.id }, headers: { location: `${server.url}/api/rest/v6/webhooks/${webhook.id}` } };
    }
    if (id === undefined && request.method === 'GET') {
      const q = request.url.searchParams;
      const showInactive = q.get('showInActiveWebhooks') === 'true';
      const pageSize = Math.min(Number(q.get('pageSize') ?? maxPageSize) || maxPageSize, maxPageSize);
      const start = Number(q.get('cursor') ?? '0') || 0;
      const all = [...webhooks.values()].filter((w) => showInactive || w.status === 'ACTIVE');
      const page = all.slice(start, start + pageSize);
      return { status: 200, body: { userWebhookList: page, page: start + pageSize < all.length ? { nextCursor: String(start + pageSize) } : {} } };
    }
    const webhook = id === undefined ? undefined : webhooks.get(id);
    if (webhook === undefined) return fail(404, 'INVALID_WEBHOOK_ID', 'The webhook ID specified is invalid.');
    if (stateSuffix !== undefined) {
      if (request.method !== 'PUT') return fail(405, 'METHOD_NOT_SUPPORTED', 'Method not supported');
      const state = (request.json as Record<string, unknown> | undefined)?.state;
      if (state !== 'ACTIVE' && state !== 'INACTIVE') return fail(400, 'INVALID_STATE', 'state must be ACTIVE or INACTIVE.');
      if (state === 'ACTIVE' && webhook.status !== 'ACTIVE' && !(await verifyIntent(webhook.webhookUrlInfo.url, webhook.id))) {
        return fail(400, 'WEBHOOK_URL_VERIFICATION_FAILED', `The webhook URL did not answer the verification of intent echoing ${clientId}; the webhook stays inactive.`);
      }
      webhooks.set(webhook.id, { ...webhook, state, status: state, lastModified: now });
      return { status: 200 };
    }
    if (request.method === 'GET') return { status: 200, body: webhook };
    if (request.method === 'DELETE') {
      webhooks.delete(webhook.id);
      return { status: 204 };
    }
    if (request.method === 'PUT') {
      const input = validate(request.json, false);
      if (typeof input === 'string') return fail(400, 'INVALID_ARGUMENTS', input);
      if ((input.webhookUrlInfo as { url: string }).url !== webhook.webhookUrlInfo.url) return fail(400, 'INVALID_ARGUMENTS', 'The webhook URL cannot be updated.');
      webhooks.set(webhook.id, {
        ...webhook,
        name: input.name as string,
        webhookSubscriptionEvents: (input.webhookSubscriptionEvents as unknown[]).map(String),
        lastModified: now,
      });
      return { status: 200 };
    }
    return fail(405, 'METHOD_NOT_SUPPORTED', 'Method not supported');
  });

  return {
    url: server.url,
    accessToken,
    clientId,
    webhooks: () => [...webhooks.values()].map((w) => structuredClone(w)),
    intents,
    disable(webhookId) {
      const w = webhooks.get(webhookId);
      if (w === undefined) throw new Error(`fakeAdobeSignApi: unknown webhook ${webhookId}`);
      webhooks.set(webhookId, { ...w, state: 'INACTIVE', status: 'INACTIVE' });
    },
    async notify(webhookId, event) {
      const w = webhooks.get(webhookId);
      if (w === undefined) throw new Error(`fakeAdobeSignApi: unknown webhook ${webhookId}`);
      const delivery = adobeSignDelivery({ event, clientId, webhookId, extra: { webhookName: w.name, webhookUrlInfo: { url: w.webhookUrlInfo.url }, webhookScope: w.scope } });
      const answer = await fire(w.webhookUrlInfo.url, delivery, timeoutMs);
      return { ...answer, echoed: answer.status !== undefined && answer.status >= 200 && answer.status < 300 && echoes(answer, clientId) };
    },
    calls: server.calls,
    throttle: server.throttle,
    close: server.close,
  };
}
