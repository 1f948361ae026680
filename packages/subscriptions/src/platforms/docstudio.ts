import { z } from 'zod';
import { configError } from '../errors.js';
import { createHttp, requireString, stringField, type ApiClientOptions } from '../http.js';

/** The envelope statuses a DocStudio callback can filter on (matched case-insensitively by DocStudio). */
export const DOCSTUDIO_CALLBACK_STATUSES = ['WAITING', 'COMPLETED', 'EXPIRED', 'CANCELLED'] as const;
export type DocStudioCallbackStatus = (typeof DOCSTUDIO_CALLBACK_STATUSES)[number];

/** A callback's filter. Every field is optional; `{}` matches every envelope of the mailbox. */
export interface DocStudioCallbackFilter {
  label?: string[];
  status?: string[];
  /** Subject contains. */
  subject?: string;
  receiveDateFrom?: string;
  receiveDateTo?: string;
  expireDateFrom?: string;
  expireDateTo?: string;
  template?: string[];
  sender?: string[];
  scope?: Array<'inbox' | 'outbox'>;
  [field: string]: unknown;
}

/** `POST /api/v1/envelope/callback/add`. */
export interface DocStudioCallbackInput {
  filter: DocStudioCallbackFilter;
  url: string;
  /** 0..10; 0 means one attempt. */
  retries?: number;
  /** 100..60000 ms (DocStudio's default 5000). */
  timeout?: number;
  /** The status the receiver answers with (DocStudio's default 200). */
  successCode?: number;
  /** With `password`: deliveries carry HTTP Basic. */
  login?: string;
  password?: string;
}

const filterSchema = z.looseObject({ status: z.array(z.string()).optional() });

const callbackSchema = z.looseObject({
  id: z.union([z.string().min(1), z.number()]).transform(String),
  filter: z.union([filterSchema, z.null()]).optional().transform((f) => (f ?? {}) as DocStudioCallbackFilter),
  url: z.string(),
  retries: z.number().int().optional(),
  timeout: z.number().int().optional(),
  successCode: z.number().int().optional(),
  authType: z.string().optional(),
});

/** A callback as DocStudio describes it (the password is never returned). */
export type DocStudioCallback = z.output<typeof callbackSchema>;

const checkSchema = z.looseObject({
  passed: z.boolean(),
  failed: z.record(z.string(), z.unknown()).nullish().transform((f) => f ?? {}),
});
/** Whether an envelope matches a callback's filter, and which filter fields failed. */
export type DocStudioCheckResult = z.output<typeof checkSchema>;

const sendSchema = z.looseObject({
  code: z.number().int().nullish().transform((c) => c ?? undefined),
  body: z.unknown().optional().transform((b) => (b === undefined || b === null ? '' : typeof b === 'string' ? b : JSON.stringify(b))),
});
/** The receiver's answer to a delivery fired by `send`: its status code and body. */
export type DocStudioSendResult = z.output<typeof sendSchema>;

export interface DocStudioApiOptions extends ApiClientOptions {
  /** The API base, e.g. `https://api.docstudio.com` (`/api/v1/...` is appended). */
  baseUrl: string;
  /** The user's platform token, sent as `Authorization: Bearer`. */
  token: string;
  /** The mailbox UUID the callbacks belong to (sent as the `mailbox` header). */
  mailbox: string;
}

export interface DocStudioCallbacksClient {
  readonly platform: 'docstudio';
  readonly mailbox: string;
  add(input: DocStudioCallbackInput): Promise<DocStudioCallback>;
  list(): Promise<DocStudioCallback[]>;
  remove(callbackId: string): Promise<void>;
  /** Whether an envelope matches the callback's filter. */
  check(callbackId: string, envelopeUuid: string): Promise<DocStudioCheckResult>;
  /** Fire one delivery of an envelope at the callback now; DocStudio returns the receiver's answer. */
  send(callbackId: string, envelopeUuid: string): Promise<DocStudioSendResult>;
  /** An example delivery body, as DocStudio documents it. */
  examplePayload(): Promise<unknown>;
}

/** Largest callback list accepted from one mailbox. */
const MAX_CALLBACKS = 1000;

function validateInput(input: DocStudioCallbackInput): void {
  const bad = (message: string): never => {
    throw configError(`DocStudio: ${message}`, 'docstudio');
  };
  if (typeof input.filter !== 'object' || input.filter === null) bad('`filter` is required (`{}` matches every envelope).');
  if (typeof input.url !== 'string' || !/^https?:\/\//.test(input.url)) bad('`url` must be an http(s) URL.');
  if (input.retries !== undefined && (!Number.isInteger(input.retries) || input.retries < 0 || input.retries > 10)) bad('`retries` must be 0..10.');
  if (input.timeout !== undefined && (!Number.isInteger(input.timeout) || input.timeout < 100 || input.timeout > 60_000)) bad('`timeout` must be 100..60000 ms.');
  if (input.successCode !== undefined && (!Number.isInteger(input.successCode) || input.successCode < 100 || input.successCode > 599)) bad('`successCode` must be an HTTP status.');
  if ((input.login === undefined) !== (input.password === undefined)) bad('set both `login` and `password`, or neither.');
}

/**
 * DocStudio / WhiteDoc envelope callbacks of one mailbox: add, list, remove, check an envelope against a
 * filter, and fire a test delivery.
 *
 * ```ts
 * const callbacks = docstudioCallbacks({ baseUrl: 'https://api.docstudio.com', token, mailbox });
 * await callbacks.add({ filter: {}, url: 'https://hooks.example.com/webhooks/docstudio', successCode: 200 });
 * ```
 */
export function docstudioCallbacks(options: DocStudioApiOptions): DocStudioCallbacksClient {
  const token = requireString(options.token, 'token', 'docstudio');
  const mailbox = requireString(options.mailbox, 'mailbox', 'docstudio');
  const http = createHttp({
    platform: 'docstudio',
    baseUrl: options.baseUrl,
    authenticate: () => ({ authorization: `Bearer ${token}`, mailbox }),
    secrets: [token],
    errorInfo: (json) => ({ code: stringField(json, 'code', 'error'), message: stringField(json, 'message', 'detail', 'error_description') }),
    options,
  });
  const id = (value: string): string => encodeURIComponent(requireString(value, 'callbackId', 'docstudio'));
  const envelopeQuery = (envelopeUuid: string): Record<string, string> => ({ envelopeUuid: requireString(envelopeUuid, 'envelopeUuid', 'docstudio'), mailboxUuid: mailbox });

  return {
    platform: 'docstudio',
    mailbox,
    async add(input) {
      validateInput(input);
      return http.json({ method: 'POST', path: '/api/v1/envelope/callback/add', body: input, what: 'add the callback' }, callbackSchema);
    },
    list: () => http.json({ method: 'GET', path: '/api/v1/envelope/callback/list', what: 'list the callbacks' }, z.array(callbackSchema).max(MAX_CALLBACKS)),
    async remove(callbackId) {
      await http.request({ method: 'DELETE', path: `/api/v1/envelope/callback/${id(callbackId)}/remove`, what: `remove the callback ${callbackId}` });
    },
    check: (callbackId, envelopeUuid) =>
      http.json({ method: 'GET', path: `/api/v1/envelope/callback/${id(callbackId)}/check`, query: envelopeQuery(envelopeUuid), what: 'check the envelope against the filter' }, checkSchema),
    send: (callbackId, envelopeUuid) =>
      http.json({ method: 'GET', path: `/api/v1/envelope/callback/${id(callbackId)}/send`, query: envelopeQuery(envelopeUuid), what: 'fire a test delivery' }, sendSchema),
    examplePayload: () => http.json({ method: 'GET', path: '/api/v1/envelope/callback/callbackRequestPayload', what: 'read the example payload' }, z.unknown()),
  };
}
