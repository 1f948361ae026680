import { CountersignError } from '../../errors.js';
import { clip } from '../../limits.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { definePlatform, defineProvider, type Provider } from '../../provider.js';
import type { SecretSource } from '../../secrets.js';
import type { DeliveryContext, ParseResult, WebhookResponse } from '../../types.js';
import { parsePayload } from '../../validation.js';
import { dropboxSignAuthenticator, type DropboxSignFacts, type DropboxSignVerified } from './auth.js';
import { dropboxSignDedupeKey } from './dedupe.js';
import {
  DROPBOX_SIGN_CALLBACK_TEST,
  DROPBOX_SIGN_EVENTS,
  DROPBOX_SIGN_TOPICS,
  isDropboxSignRequestEvent,
  matchDropboxSignEvent,
  type DropboxSignTopicEvents,
} from './events.js';
import { dropboxSignLifecycle } from './lifecycle.js';
import { dropboxSignReader, type DropboxSignRefetchOptions, type DropboxSignSignatureRequestReader } from './refetch.js';
import {
  dropboxSignBasePayloadSchema,
  dropboxSignEnvelopeSchema,
  dropboxSignSignatureRequestPayloadSchema,
  type DropboxSignBasePayload,
  type DropboxSignEvents,
} from './schema.js';

export { DROPBOX_SIGN_EVENTS, DROPBOX_SIGN_TOPICS, DROPBOX_SIGN_REQUEST_EVENTS, DROPBOX_SIGN_CALLBACK_TEST } from './events.js';
export type { DropboxSignEventName, DropboxSignTopic, DropboxSignTopicEvents, DropboxSignRequestEventName } from './events.js';
export {
  dropboxSignEventSchema,
  dropboxSignEventMetadataSchema,
  dropboxSignSignatureSchema,
  dropboxSignSignatureRequestSchema,
  dropboxSignTemplateSchema,
  dropboxSignAccountSchema,
  dropboxSignBasePayloadSchema,
  dropboxSignSignatureRequestPayloadSchema,
  dropboxSignEnvelopeSchema,
} from './schema.js';
export type {
  DropboxSignEvents,
  DropboxSignBasePayload,
  DropboxSignSignatureRequestPayload,
  DropboxSignSignatureRequest,
  DropboxSignSignature,
  DropboxSignTemplate,
  DropboxSignAccount,
  DropboxSignEnvelope,
} from './schema.js';
export type { DropboxSignFacts } from './auth.js';
export { dropboxSignEventHash } from './auth.js';
export { DROPBOX_SIGN_LIFECYCLE } from './lifecycle.js';
export { DROPBOX_SIGN_API_BASE_URL } from './refetch.js';
export type { DropboxSignRefetchOptions } from './refetch.js';

/** The event types of a `dropboxSign()` endpoint. */
export type DropboxSignTypes = {
  events: DropboxSignEvents;
  topics: DropboxSignTopicEvents;
  base: DropboxSignBasePayload;
};

export interface DropboxSignOptions extends Omit<EndpointOptions, 'successStatus'> {
  /**
   * The Dropbox Sign API key `event_hash` is made with: one key, a list (rotation: any one verifies), or a lookup
   * per account (one account per customer) by the id the callback names: the app's client id on app callbacks
   * (`event.event_metadata.reported_for_app_id`), else the account id (`reported_for_account_id`, else
   * `account_guid`). A lookup returns a key, a list, or `undefined` for an account you do not know (401); a throw
   * answers 503 (Dropbox Sign retries).
   */
  apiKey: SecretSource;
  /** How long looked-up API keys are cached (ms). Default 60 000. */
  apiKeyCacheMs?: number;
  /**
   * Before queuing, replace the delivered `signature_request` by the API's own copy
   * (`GET /v3/signature_request/{id}`, HTTP Basic with the API key): `event_hash` does not cover the body, so
   * without this the signature request handlers see is only what the sender wrote. The API failing answers 503
   * (Dropbox Sign retries); the API not knowing the id (404/410) refuses the callback with 401 `AUTH_INVALID`
   * (except `signature_request_destroyed`, whose request is expected to be gone). `true`: the defaults.
   */
  refetch?: boolean | DropboxSignRefetchOptions;
}

/** Dropbox Sign waits 30 s for the answer: countersign answers within 25 (the network keeps the rest). */
export const DROPBOX_SIGN_BUDGET_MS = 25_000;
/**
 * Dropbox Sign's FAQ gives 6 retries over about 30 h; its newer glossary says "approximately 3 days": dedupe
 * remembers events for the longer, 72 h.
 */
export const DROPBOX_SIGN_RETRY_WINDOW_MS = 72 * 60 * 60 * 1000;

/** The exact body Dropbox Sign requires of every answer, or the callback counts as failed. */
export const DROPBOX_SIGN_ACK_BODY = 'Hello API Event Received';

const UNAUTHENTICATED_BODY_WARNING =
  'dropboxSign: `event_hash` covers only the event time and type, not the rest of the callback: anyone who saw one callback can resend its `event` with another `signature_request`. ' +
  'Pass `refetch` to have the API copy replace it before handlers run, or re-read the signature request before acting on it.';

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...DROPBOX_SIGN_EVENTS, ...Object.keys(DROPBOX_SIGN_TOPICS)];

/** Ids the API is asked about: what Dropbox Sign's ids look like (hex), generously. Others cannot exist. */
const API_ID = /^[A-Za-z0-9_-]{1,256}$/;

function validate({ name, known, payload }: { name: string; known: boolean; payload: unknown }): unknown {
  const schema = known && isDropboxSignRequestEvent(name) ? dropboxSignSignatureRequestPayloadSchema : dropboxSignBasePayloadSchema;
  return parsePayload(schema, payload, { what: `The Dropbox Sign "${clip(name, 64)}" callback does not match its schema` });
}

/** Dropbox Sign without credentials: its event names, schemas and lifecycle, for `createHandlers` and queue workers. */
export const dropboxSignPlatform = definePlatform<DropboxSignTypes>({ kind: 'dropbox-sign', events: KNOWN_NAMES, validate, lifecycle: dropboxSignLifecycle });

function acknowledgement(): WebhookResponse {
  return { status: 200, headers: { 'content-type': 'text/plain' }, body: DROPBOX_SIGN_ACK_BODY };
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `dropboxSign: ${message}`);
}

/**
 * A Dropbox Sign (HelloSign) API callback endpoint: reads the `json` field of the multipart body (or a JSON body),
 * verifies `event.event_hash` (HMAC-SHA256 of `event_time + event_type` with the API key) and dispatches under the
 * event type (`dropbox-sign:signature_request_all_signed`) or its topic (`dropbox-sign:signature_request`). Every
 * accepted callback, duplicates included, is answered 200 `Hello API Event Received`; `callback_test` is answered
 * so and not queued.
 *
 * ```ts
 * dropboxSign({ apiKey: process.env.DROPBOX_SIGN_API_KEY!, refetch: true })
 * dropboxSign({ apiKey: [newKey, oldKey] }) // rotation
 * dropboxSign({ apiKey: async (accountId) => (await db.dropboxSignAccount(accountId))?.apiKey }) // one account per customer
 * ```
 */
export function dropboxSign(options: DropboxSignOptions): Provider<DropboxSignTypes, DropboxSignFacts> {
  if (typeof options !== 'object' || options === null) throw configError('options are required, e.g. dropboxSign({ apiKey: process.env.DROPBOX_SIGN_API_KEY }).');
  if ((options as { successStatus?: unknown }).successStatus !== undefined) {
    throw configError('`successStatus` cannot be set: Dropbox Sign counts only HTTP 200 with the body "Hello API Event Received" as delivered.');
  }
  const auth = dropboxSignAuthenticator(options.apiKey, options.apiKeyCacheMs);
  const common = endpointOptions('dropboxSign', options, { timeoutMs: DROPBOX_SIGN_BUDGET_MS, retentionMs: DROPBOX_SIGN_RETRY_WINDOW_MS });
  const refetch = options.refetch;
  if (refetch !== undefined && typeof refetch !== 'boolean' && (typeof refetch !== 'object' || refetch === null)) {
    throw configError('`refetch` must be true, false or an object ({ apiKey?, baseUrl?, timeoutMs? }).');
  }
  const reader: DropboxSignSignatureRequestReader | undefined = refetch === undefined || refetch === false ? undefined : dropboxSignReader(refetch === true ? {} : refetch);
  /** What authentication read and proved, per delivery, for `parse`. */
  const verifiedOf = new WeakMap<DeliveryContext, DropboxSignVerified>();

  async function parse(ctx: DeliveryContext): Promise<ParseResult> {
    const verified = verifiedOf.get(ctx);
    if (verified === undefined) throw new CountersignError('INTERNAL', 'dropboxSign: parse ran before authenticate.');
    const { document } = verified;
    const envelope = parsePayload(dropboxSignEnvelopeSchema, document, { what: 'The body is not a Dropbox Sign callback' });
    const type = envelope.event.event_type;
    if (type === DROPBOX_SIGN_CALLBACK_TEST) return { respond: acknowledgement() };
    const match = matchDropboxSignEvent(type);
    const key = await dropboxSignDedupeKey(envelope, document);
    let payload: Record<string, unknown> = document;
    const id = envelope.signature_request?.signature_request_id;
    if (reader !== undefined && typeof id === 'string') {
      const answer = API_ID.test(id) ? await reader(id, verified.apiKey, ctx.signal) : { found: false as const, status: 0 };
      if (answer.found) payload = { ...document, signature_request: answer.signatureRequest };
      else if (type === 'signature_request_destroyed') payload = { ...document, signature_request: { signature_request_id: id } };
      else {
        throw new CountersignError(
          'AUTH_INVALID',
          `The Dropbox Sign API has no signature request "${clip(id, 64)}"${answer.status === 0 ? ' (not an id it issues)' : ` (HTTP ${answer.status})`}: ` +
            'the callback names a request its account does not have, so its content was not written by Dropbox Sign.',
        );
      }
    }
    return { name: match.name, topic: match.topic, known: match.known, key, payload };
  }

  return defineProvider<DropboxSignTypes, DropboxSignFacts>({
    ...dropboxSignPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    warnings: reader === undefined ? [UNAUTHENTICATED_BODY_WARNING] : undefined,
    async authenticate(ctx) {
      const { facts, verified } = await auth.authenticate(ctx);
      verifiedOf.set(ctx, verified);
      return facts;
    },
    parse,
    acknowledge: acknowledgement,
  });
}
