import type { IgnisignAppEnv } from '@countersign/core';
import { IGNISIGN_API_BASE_URL, IGNISIGN_APP_ENVS } from '@countersign/core/ignisign';
import { z } from 'zod';
import { SubscriptionError, configError } from '../errors.js';
import { createHttp, requireString, stringField, type ApiClientOptions } from '../http.js';

const endpointSchema = z.looseObject({
  _id: z.string().min(1),
  url: z.string(),
  description: z.string().nullish(),
  isDisabled: z.boolean().nullish(),
  _createdAt: z.unknown().optional(),
});
/** A webhook endpoint of an Ignisign app environment. */
export type IgnisignWebhookEndpoint = z.output<typeof endpointSchema>;

const eventSchema = z.looseObject({
  _id: z.string().min(1),
  webhookId: z.string().nullish(),
  topic: z.string().nullish(),
  action: z.string().nullish(),
  msgNature: z.string().nullish(),
  /** `SUCCESS`, `PENDING` or `FAILED`. */
  status: z.string().nullish(),
  /** The receiver's answer to the last attempt. */
  response: z.looseObject({ status: z.number().int().nullish(), statusText: z.string().nullish() }).nullish(),
  content: z.unknown().optional(),
  _createdAt: z.unknown().optional(),
});
/** One delivery in an endpoint's history. */
export type IgnisignWebhookEvent = z.output<typeof eventSchema>;

const eventsSchema = z.looseObject({
  events: z.array(eventSchema).max(1000),
  searchData: z.looseObject({ total: z.number().nullish(), page: z.number().nullish(), nbEventsPerPage: z.number().nullish() }).nullish(),
});
export type IgnisignWebhookEventPage = z.output<typeof eventsSchema>;

export type IgnisignEventFilter = 'ALL' | 'SUCCESS' | 'FAILED';

export interface IgnisignWebhookEndpointInput {
  /** Localhost URLs are allowed. */
  url: string;
  description?: string;
}

export interface IgnisignWebhooksApiOptions extends ApiClientOptions {
  /** Default `https://api.ignisign.io`. */
  baseUrl?: string;
  /** The app environment's API key (`Authorization: Bearer`). */
  apiKey: string;
  appId: string;
  appEnv: IgnisignAppEnv;
}

export interface IgnisignWebhooksClient {
  readonly platform: 'ignisign';
  /** Add an endpoint; resolves to it as listed by Ignisign. */
  add(input: IgnisignWebhookEndpointInput): Promise<IgnisignWebhookEndpoint>;
  list(): Promise<IgnisignWebhookEndpoint[]>;
  update(webhookId: string, input: IgnisignWebhookEndpointInput): Promise<void>;
  remove(webhookId: string): Promise<void>;
  /** Stop sending these topics to the endpoint (`POST /v4/webhooks/{id}/disabled-events`). */
  disableTopics(webhookId: string, topics: readonly string[]): Promise<void>;
  /** The endpoint's delivery history, one page (from 1). */
  events(webhookId: string, query?: { filter?: IgnisignEventFilter; page?: number }): Promise<IgnisignWebhookEventPage>;
  event(webhookId: string, eventId: string): Promise<IgnisignWebhookEvent>;
  /** Deliver a past event again, now. */
  resend(webhookId: string, eventId: string): Promise<void>;
}

/**
 * Ignisign's webhook endpoints of one app environment: add, list, update, remove, topic filter, delivery history
 * and resend.
 *
 * ```ts
 * const webhooks = ignisignWebhooks({ apiKey, appId: 'appId_…', appEnv: 'PRODUCTION' });
 * await webhooks.add({ url: 'https://hooks.example.com/webhooks/ignisign', description: 'countersign:ignisign' });
 * ```
 */
export function ignisignWebhooks(options: IgnisignWebhooksApiOptions): IgnisignWebhooksClient {
  const apiKey = requireString(options.apiKey, 'apiKey', 'ignisign');
  const appId = requireString(options.appId, 'appId', 'ignisign');
  if (!(IGNISIGN_APP_ENVS as readonly string[]).includes(options.appEnv)) {
    throw configError(`Ignisign: \`appEnv\` must be one of ${IGNISIGN_APP_ENVS.join(', ')}.`, 'ignisign');
  }
  const http = createHttp({
    platform: 'ignisign',
    baseUrl: options.baseUrl ?? IGNISIGN_API_BASE_URL,
    authenticate: () => ({ authorization: `Bearer ${apiKey}` }),
    secrets: [apiKey],
    errorInfo: (json) => ({ code: stringField(json, 'errorCode', 'code'), message: stringField(json, 'message') }),
    options,
  });
  const collection = `/v4/applications/${encodeURIComponent(appId)}/envs/${encodeURIComponent(options.appEnv)}/webhooks`;
  const one = (webhookId: string, tail = ''): string => `/v4/webhooks/${encodeURIComponent(requireString(webhookId, 'webhookId', 'ignisign'))}${tail}`;
  const validate = (input: IgnisignWebhookEndpointInput): void => {
    if (typeof input?.url !== 'string' || !/^https?:\/\//.test(input.url)) throw configError('Ignisign: `url` must be an http(s) URL.', 'ignisign');
  };
  const list = (): Promise<IgnisignWebhookEndpoint[]> => http.json({ method: 'GET', path: collection, what: 'list the webhook endpoints' }, z.array(endpointSchema).max(1000));

  return {
    platform: 'ignisign',
    async add(input) {
      validate(input);
      const answer = await http.request({ method: 'POST', path: collection, body: input, what: 'add the webhook endpoint' });
      // Ignisign's answer to the creation is not documented: the endpoint itself, or the list. Read the list when it is neither.
      const direct = endpointSchema.safeParse(answer.json);
      if (direct.success) return direct.data;
      const listed = z.array(endpointSchema).safeParse(answer.json);
      const endpoints = listed.success ? listed.data : await list();
      const added = endpoints.filter((e) => e.url === input.url).at(-1);
      if (added === undefined) throw new SubscriptionError('API_BAD_ANSWER', `Ignisign: the endpoint ${input.url} was added but is not listed.`, { platform: 'ignisign' });
      return added;
    },
    list,
    async update(webhookId, input) {
      validate(input);
      await http.request({ method: 'PUT', path: one(webhookId), body: input, what: `update the webhook endpoint ${webhookId}` });
    },
    async remove(webhookId) {
      await http.request({ method: 'DELETE', path: one(webhookId), what: `remove the webhook endpoint ${webhookId}` });
    },
    async disableTopics(webhookId, topics) {
      await http.request({
        method: 'POST',
        path: one(webhookId, '/disabled-events'),
        body: { topics: Object.fromEntries(topics.map((t) => [t, true])) },
        what: `set the topic filter of ${webhookId}`,
      });
    },
    events: (webhookId, query = {}) =>
      http.json({ method: 'GET', path: one(webhookId, '/events'), query: { filter: query.filter ?? 'ALL', page: query.page ?? 1 }, what: 'read the delivery history' }, eventsSchema),
    event: (webhookId, eventId) =>
      http.json({ method: 'GET', path: one(webhookId, `/events/${encodeURIComponent(requireString(eventId, 'eventId', 'ignisign'))}`), what: `read the event ${eventId}` }, eventSchema),
    async resend(webhookId, eventId) {
      await http.request({ method: 'POST', path: one(webhookId, `/events/${encodeURIComponent(requireString(eventId, 'eventId', 'ignisign'))}/resend`), body: {}, what: `resend the event ${eventId}` });
    },
  };
}
