import { z } from 'zod';
import { SubscriptionError, configError } from '../errors.js';
import { createHttp, requireString, stringField, type ApiClientOptions } from '../http.js';
import { signitHeaders, type SignitSigningOptions } from './signit-signing.js';

/** The events a ws-rest webhook can subscribe to. */
export const SIGNIT_WEBHOOK_EVENTS = ['envelopeStart', 'envelopeCompleted', 'envelopeReject', 'envelopeRevoke', 'envelopeNotify', 'recipientConfirm', 'recipientReject'] as const;
export type SignitWebhookEvent = (typeof SIGNIT_WEBHOOK_EVENTS)[number];

/** The fields `list` can ask for. */
export const SIGNIT_WEBHOOK_FIELDS = ['webhookId', 'createDatetime', 'updateDatetime', 'status', 'webhookName', 'webhookUrl', 'event', 'metadata'] as const;
export type SignitWebhookField = (typeof SIGNIT_WEBHOOK_FIELDS)[number];

/** `POST` (create) and `PUT /{webhook-id}` (update) body. */
export interface SignitWebhookInput {
  webhookName: string;
  webhookUrl: string;
  events: string[];
  /** 1 on, 0 off. */
  status: 0 | 1;
  notifyUrl?: { returnUrl?: string };
}

const eventsSchema = z
  .union([z.array(z.string()), z.string()])
  .optional()
  .transform((value) => (value === undefined ? undefined : typeof value === 'string' ? value.split(',').map((s) => s.trim()).filter(Boolean) : value));

const webhookSchema = z
  .looseObject({
    webhookId: z.union([z.string().min(1), z.number()]).transform(String),
    webhookName: z.string().nullish(),
    webhookUrl: z.string().nullish(),
    status: z.union([z.number(), z.string(), z.boolean()]).nullish(),
    event: eventsSchema,
    events: eventsSchema,
    createDatetime: z.unknown().optional(),
    updateDatetime: z.unknown().optional(),
    metadata: z.unknown().optional(),
  })
  .transform(({ event, events, status, webhookName, webhookUrl, ...rest }) => ({
    ...rest,
    webhookName: webhookName ?? undefined,
    webhookUrl: webhookUrl ?? undefined,
    /** The subscribed events (SignIt names the field `event`; `events` is read too), `undefined` when not asked for. */
    events: events ?? event,
    /** `true` when on (status 1), `false` when off, `undefined` when not asked for. */
    active: status === undefined || status === null ? undefined : status === 1 || status === '1' || status === true || String(status).toUpperCase() === 'ACTIVE',
  }));

/** A webhook as SignIt lists it (only the fields asked for are present). */
export type SignitWebhook = z.output<typeof webhookSchema>;

function envelope<T extends z.ZodType>(data: T) {
  return z.looseObject({
    resultStatusCode: z.union([z.string(), z.number()]).optional(),
    resultCode: z.union([z.number(), z.string()]).optional(),
    resultDesc: z.string().nullish(),
    resultData: data,
  });
}

const listSchema = envelope(
  z.looseObject({
    webhooks: z.array(webhookSchema).max(1000).nullish().transform((w) => w ?? []),
    relLinks: z.unknown().optional(),
  }).nullish().transform((d) => d ?? { webhooks: [] as SignitWebhook[], relLinks: undefined }),
);
const writeSchema = envelope(z.unknown());

export interface SignitListQuery {
  fields?: readonly SignitWebhookField[];
  /** e.g. `active=false`. */
  filters?: string;
  offset?: number;
  /** 1..100. Default 20 (SignIt's). */
  limit?: number;
  sortings?: string;
}

export interface SignitListPage {
  webhooks: SignitWebhook[];
  /** The next page's offset, when the page was full. */
  nextOffset: number | undefined;
}

export interface SignitApiOptions extends ApiClientOptions {
  /** The API base, e.g. `https://api.signit.cn` (`/ws-rest/v1/users/{userId}/webhooks` is appended). */
  baseUrl: string;
  apiKey: string;
  apiSecret: string;
  /** The user the webhooks belong to. */
  userId: string;
  /** The open choices of the request signature (see `SignitSigningOptions`). */
  signing?: SignitSigningOptions;
}

export interface SignitWebhooksClient {
  readonly platform: 'signit';
  list(query?: SignitListQuery): Promise<SignitListPage>;
  /** Every page of `list`, up to `maxPages` (default 20) of `limit` (default 50) webhooks. */
  listAll(query?: Omit<SignitListQuery, 'offset'> & { maxPages?: number }): Promise<SignitWebhook[]>;
  create(input: SignitWebhookInput): Promise<{ webhookId: string | undefined }>;
  update(webhookId: string, input: SignitWebhookInput): Promise<void>;
}

const SUCCESS_CODES = new Set(['0']);

function validateInput(input: SignitWebhookInput): void {
  const bad = (message: string): never => {
    throw configError(`SignIt: ${message}`, 'signit');
  };
  if (typeof input.webhookName !== 'string' || input.webhookName === '') bad('`webhookName` is required.');
  if (typeof input.webhookUrl !== 'string' || !/^https?:\/\//.test(input.webhookUrl)) bad('`webhookUrl` must be an http(s) URL.');
  if (!Array.isArray(input.events) || input.events.length === 0) bad('`events` must list at least one event.');
  if (input.status !== 0 && input.status !== 1) bad('`status` is 1 (on) or 0 (off).');
}

/**
 * SignIt's ws-rest webhooks of one user: list (with paging and fields), create, update. Every call is signed
 * with HmacSHA512 (see `signitHeaders`). The API has no delete: switch a webhook off with `status: 0`.
 */
export function signitWebhooks(options: SignitApiOptions): SignitWebhooksClient {
  const apiKey = requireString(options.apiKey, 'apiKey', 'signit');
  const apiSecret = requireString(options.apiSecret, 'apiSecret', 'signit');
  const userId = requireString(options.userId, 'userId', 'signit');
  if (/[\s:]/.test(apiKey)) throw configError('SignIt: `apiKey` cannot contain spaces or colons.', 'signit');
  const http = createHttp({
    platform: 'signit',
    baseUrl: options.baseUrl,
    authenticate: ({ method, url, body }) => signitHeaders({ apiKey, apiSecret }, { method, url, body }, options.signing),
    secrets: [apiSecret],
    errorInfo: (json) => ({ code: stringField(json, 'resultStatusCode', 'resultCode', 'code'), message: stringField(json, 'resultDesc', 'message') }),
    options,
  });
  const base = `/ws-rest/v1/users/${encodeURIComponent(userId)}/webhooks`;

  /** SignIt can answer HTTP 200 with an error result. */
  const checkResult = (answer: { resultCode?: number | string | undefined; resultStatusCode?: number | string | undefined; resultDesc?: string | null | undefined }, what: string): void => {
    if (answer.resultCode === undefined || SUCCESS_CODES.has(String(answer.resultCode))) return;
    const desc = answer.resultDesc == null ? '' : ` "${http.redact(answer.resultDesc)}"`;
    throw new SubscriptionError('API_REJECTED', `SignIt: could not ${what}: result ${String(answer.resultStatusCode ?? answer.resultCode)}${desc}`, {
      platform: 'signit',
      platformCode: answer.resultStatusCode === undefined ? String(answer.resultCode) : String(answer.resultStatusCode),
    });
  };

  async function list(query: SignitListQuery = {}): Promise<SignitListPage> {
    const limit = query.limit ?? 20;
    if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw configError('SignIt: `limit` must be 1..100.', 'signit');
    const offset = query.offset ?? 0;
    const answer = await http.json(
      {
        method: 'GET',
        path: base,
        query: { fields: (query.fields ?? SIGNIT_WEBHOOK_FIELDS).join(','), filters: query.filters, offset, limit, sortings: query.sortings },
        what: 'list the webhooks',
      },
      listSchema,
    );
    checkResult(answer, 'list the webhooks');
    const { webhooks } = answer.resultData;
    return { webhooks, nextOffset: webhooks.length >= limit ? offset + webhooks.length : undefined };
  }

  return {
    platform: 'signit',
    list,
    async listAll(query = {}) {
      const maxPages = query.maxPages ?? 20;
      const all: SignitWebhook[] = [];
      let offset: number | undefined = 0;
      for (let page = 0; offset !== undefined; page++) {
        if (page >= maxPages) {
          throw new SubscriptionError('API_BAD_ANSWER', `SignIt: could not list the webhooks: more than ${maxPages} pages; raise \`maxPages\` or filter the list.`, { platform: 'signit' });
        }
        const result: SignitListPage = await list({ ...query, limit: query.limit ?? 50, offset });
        all.push(...result.webhooks);
        offset = result.nextOffset;
      }
      return all;
    },
    async create(input) {
      validateInput(input);
      const answer = await http.json({ method: 'POST', path: base, body: input, what: 'create the webhook' }, writeSchema);
      checkResult(answer, 'create the webhook');
      return { webhookId: stringField(answer.resultData, 'webhookId', 'id') };
    },
    async update(webhookId, input) {
      validateInput(input);
      const path = `${base}/${encodeURIComponent(requireString(webhookId, 'webhookId', 'signit'))}`;
      const answer = await http.json({ method: 'PUT', path, body: input, what: `update the webhook ${webhookId}` }, writeSchema);
      checkResult(answer, `update the webhook ${webhookId}`);
    },
  };
}
