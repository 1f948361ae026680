import {
  ADOBE_SIGN_AGREEMENT_EVENTS,
  ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
  ADOBE_SIGN_MEGASIGN_EVENTS,
  ADOBE_SIGN_WIDGET_EVENTS,
} from '@countersign/core/adobe-sign';
import { z } from 'zod';
import { SubscriptionError, configError } from '../errors.js';
import { createHttp, requireString, stringField, type ApiClientOptions } from '../http.js';

/** The `*_ALL` subscription groups and the events each one stands for (it also covers events added later). */
export const ADOBE_SIGN_EVENT_GROUPS = {
  AGREEMENT_ALL: ADOBE_SIGN_AGREEMENT_EVENTS,
  WIDGET_ALL: ADOBE_SIGN_WIDGET_EVENTS,
  MEGASIGN_ALL: ADOBE_SIGN_MEGASIGN_EVENTS,
  LIBRARY_DOCUMENT_ALL: ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
} as const;
export type AdobeSignEventGroup = keyof typeof ADOBE_SIGN_EVENT_GROUPS;

export const ADOBE_SIGN_WEBHOOK_SCOPES = ['ACCOUNT', 'GROUP', 'USER', 'RESOURCE'] as const;
export type AdobeSignWebhookScope = (typeof ADOBE_SIGN_WEBHOOK_SCOPES)[number];

/** `POST /webhooks` and `PUT /webhooks/{id}` body (WebhookInfo). */
export interface AdobeSignWebhookInput {
  name: string;
  scope: AdobeSignWebhookScope;
  /** Acrobat Sign creates webhooks `ACTIVE`. */
  state: 'ACTIVE' | 'INACTIVE';
  /** Event names or `*_ALL` groups. */
  webhookSubscriptionEvents: string[];
  webhookUrlInfo: { url: string };
  /** With scope `RESOURCE`: `AGREEMENT`, `WIDGET`, `MEGASIGN` or `LIBRARY_DOCUMENT`. */
  resourceType?: string;
  resourceId?: string;
  webhookConditionalParams?: {
    webhookAgreementEvents?: { includeDetailedInfo?: boolean; includeDocumentsInfo?: boolean; includeParticipantsInfo?: boolean; includeSignedDocuments?: boolean };
    webhookWidgetEvents?: { includeDetailedInfo?: boolean; includeDocumentsInfo?: boolean; includeParticipantsInfo?: boolean };
    webhookMegaSignEvents?: { includeDetailedInfo?: boolean };
    webhookLibraryDocumentEvents?: { includeDetailedInfo?: boolean; includeDocumentsInfo?: boolean };
  };
  problemNotificationEmails?: Array<{ email: string }>;
}

const webhookSchema = z.looseObject({
  id: z.string().min(1),
  name: z.string().nullish(),
  scope: z.string().nullish(),
  state: z.string().nullish(),
  status: z.string().nullish(),
  webhookSubscriptionEvents: z.array(z.string()).max(1000).nullish(),
  webhookUrlInfo: z.looseObject({ url: z.string().nullish() }).nullish(),
  applicationName: z.string().nullish(),
  applicationDisplayName: z.string().nullish(),
  resourceType: z.string().nullish(),
  resourceId: z.string().nullish(),
  created: z.string().nullish(),
  lastModified: z.string().nullish(),
});
/** A webhook as Acrobat Sign describes it (list entries may carry fewer fields than `get`). */
export type AdobeSignWebhook = z.output<typeof webhookSchema>;

const listSchema = z.looseObject({
  userWebhookList: z.array(webhookSchema).max(1000).nullish().transform((l) => l ?? []),
  page: z.looseObject({ nextCursor: z.string().nullish() }).nullish(),
});
const createSchema = z.looseObject({ id: z.string().min(1) });

export interface AdobeSignListQuery {
  /** Include inactive (and disabled) webhooks. Default true. */
  showInactive?: boolean;
  cursor?: string;
  /** Default: Acrobat Sign's. */
  pageSize?: number;
}

export interface AdobeSignApiOptions extends ApiClientOptions {
  /** The account's API access point, e.g. `https://api.na1.adobesign.com` (`/api/rest/v6` is appended unless present). */
  baseUrl: string;
  /** An OAuth access token with `webhook_read`, `webhook_write` (and `webhook_retention` to delete). */
  accessToken: string;
}

export interface AdobeSignWebhooksClient {
  readonly platform: 'adobe-sign';
  /** Creating a webhook makes Acrobat Sign send the intent GET to its URL at once: the receiver must answer it. */
  create(input: AdobeSignWebhookInput): Promise<{ id: string }>;
  list(query?: AdobeSignListQuery): Promise<{ webhooks: AdobeSignWebhook[]; nextCursor: string | undefined }>;
  /** Every page of `list`, up to `maxPages` (default 20). */
  listAll(query?: Omit<AdobeSignListQuery, 'cursor'> & { maxPages?: number }): Promise<AdobeSignWebhook[]>;
  get(webhookId: string): Promise<AdobeSignWebhook>;
  /** The URL cannot be changed: delete and create instead. */
  update(webhookId: string, input: AdobeSignWebhookInput): Promise<void>;
  setState(webhookId: string, state: 'ACTIVE' | 'INACTIVE'): Promise<void>;
  /** `setState(id, 'ACTIVE')`: re-activates a webhook disabled after 72 h of failures (Acrobat Sign re-runs the intent GET). */
  reactivate(webhookId: string): Promise<void>;
  remove(webhookId: string): Promise<void>;
}

const CONFLICTS = new Set(['DUPLICATE_WEBHOOK_CONFIGURATION']);

function validateInput(input: AdobeSignWebhookInput): void {
  const bad = (message: string): never => {
    throw configError(`Acrobat Sign: ${message}`, 'adobe-sign');
  };
  if (typeof input.name !== 'string' || input.name === '') bad('`name` is required.');
  if (!(ADOBE_SIGN_WEBHOOK_SCOPES as readonly string[]).includes(input.scope)) bad(`\`scope\` must be one of ${ADOBE_SIGN_WEBHOOK_SCOPES.join(', ')}.`);
  if (input.scope === 'RESOURCE' && (!input.resourceType || !input.resourceId)) bad('scope RESOURCE needs `resourceType` and `resourceId`.');
  if (!Array.isArray(input.webhookSubscriptionEvents) || input.webhookSubscriptionEvents.length === 0) bad('`webhookSubscriptionEvents` must list at least one event.');
  if (typeof input.webhookUrlInfo?.url !== 'string' || !/^https?:\/\//.test(input.webhookUrlInfo.url)) bad('`webhookUrlInfo.url` must be an http(s) URL.');
}

/**
 * Acrobat Sign webhooks (REST v6): create, list, get, update, re-activate, delete.
 *
 * ```ts
 * const webhooks = adobeSignWebhooks({ baseUrl: 'https://api.na1.adobesign.com', accessToken });
 * await webhooks.create({ name: 'countersign:adobe-sign', scope: 'ACCOUNT', state: 'ACTIVE',
 *   webhookSubscriptionEvents: ['AGREEMENT_ALL'], webhookUrlInfo: { url: 'https://hooks.example.com/webhooks/adobe-sign' } });
 * ```
 */
export function adobeSignWebhooks(options: AdobeSignApiOptions): AdobeSignWebhooksClient {
  const accessToken = requireString(options.accessToken, 'accessToken', 'adobe-sign');
  const given = String(options.baseUrl ?? '').replace(/\/+$/, '');
  const http = createHttp({
    platform: 'adobe-sign',
    baseUrl: /\/api\/rest\/v6$/.test(given) ? given : `${given}/api/rest/v6`,
    authenticate: () => ({ authorization: `Bearer ${accessToken}` }),
    secrets: [accessToken],
    errorInfo: (json) => ({ code: stringField(json, 'code'), message: stringField(json, 'message') }),
    conflictCodes: CONFLICTS,
    options,
  });
  const path = (webhookId: string, tail = ''): string => `/webhooks/${encodeURIComponent(requireString(webhookId, 'webhookId', 'adobe-sign'))}${tail}`;

  async function list(query: AdobeSignListQuery = {}): Promise<{ webhooks: AdobeSignWebhook[]; nextCursor: string | undefined }> {
    const answer = await http.json(
      {
        method: 'GET',
        path: '/webhooks',
        query: { showInActiveWebhooks: query.showInactive ?? true, cursor: query.cursor, pageSize: query.pageSize },
        what: 'list the webhooks',
      },
      listSchema,
    );
    return { webhooks: answer.userWebhookList, nextCursor: answer.page?.nextCursor ?? undefined };
  }

  return {
    platform: 'adobe-sign',
    async create(input) {
      validateInput(input);
      const { id } = await http.json({ method: 'POST', path: '/webhooks', body: input, what: 'create the webhook' }, createSchema);
      return { id };
    },
    list,
    async listAll(query = {}) {
      const maxPages = query.maxPages ?? 20;
      const all: AdobeSignWebhook[] = [];
      let cursor: string | undefined;
      for (let page = 0; ; page++) {
        if (page >= maxPages) {
          throw new SubscriptionError('API_BAD_ANSWER', `Acrobat Sign: could not list the webhooks: more than ${maxPages} pages; raise \`maxPages\`.`, { platform: 'adobe-sign' });
        }
        const result = await list({ ...query, cursor });
        all.push(...result.webhooks);
        if (result.nextCursor === undefined || result.nextCursor === '' || result.nextCursor === cursor) return all;
        cursor = result.nextCursor;
      }
    },
    get: (webhookId) => http.json({ method: 'GET', path: path(webhookId), what: `read the webhook ${webhookId}` }, webhookSchema),
    async update(webhookId, input) {
      validateInput(input);
      await http.request({ method: 'PUT', path: path(webhookId), body: input, what: `update the webhook ${webhookId}` });
    },
    async setState(webhookId, state) {
      await http.request({ method: 'PUT', path: path(webhookId, '/state'), body: { state }, what: `set the webhook ${webhookId} ${state}` });
    },
    async reactivate(webhookId) {
      await http.request({ method: 'PUT', path: path(webhookId, '/state'), body: { state: 'ACTIVE' }, what: `re-activate the webhook ${webhookId}` });
    },
    async remove(webhookId) {
      await http.request({ method: 'DELETE', path: path(webhookId), what: `delete the webhook ${webhookId}` });
    },
  };
}
