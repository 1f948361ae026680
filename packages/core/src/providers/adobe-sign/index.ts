import { CountersignError } from '../../errors.js';
import { defineProvider, type Provider } from '../../provider.js';
import type { DeliveryContext, ParsedEvent, WebhookResponse } from '../../types.js';
import { parsePayload } from '../../validation.js';
import { adobeSignBearerAuth, type AdobeSignOAuthOptions } from './auth.js';
import { adobeSignDedupeKey } from './dedupe.js';
import { ADOBE_SIGN_EVENTS, ADOBE_SIGN_TOPICS, adobeSignTopicOf, type AdobeSignTopicEvents } from './events.js';
import { ADOBE_SIGN_CLIENT_ID_HEADER, adobeSignClientIdCheck, adobeSignClientIds, adobeSignEchoes } from './handshake.js';
import { adobeSignEnvelopeSchema, adobeSignSchemaFor, type AdobeSignBasePayload, type AdobeSignEvents } from './schema.js';

export {
  ADOBE_SIGN_EVENTS,
  ADOBE_SIGN_AGREEMENT_EVENTS,
  ADOBE_SIGN_WIDGET_EVENTS,
  ADOBE_SIGN_MEGASIGN_EVENTS,
  ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
  ADOBE_SIGN_TOPICS,
  adobeSignTopicOf,
} from './events.js';
export type {
  AdobeSignEventName,
  AdobeSignAgreementEventName,
  AdobeSignWidgetEventName,
  AdobeSignMegaSignEventName,
  AdobeSignLibraryDocumentEventName,
  AdobeSignTopic,
  AdobeSignTopicEvents,
} from './events.js';
export {
  adobeSignEnvelopeSchema,
  adobeSignAgreementSchema,
  adobeSignWidgetSchema,
  adobeSignMegaSignSchema,
  adobeSignLibraryDocumentSchema,
  adobeSignAgreementNotificationSchema,
  adobeSignWidgetNotificationSchema,
  adobeSignWidgetSharedNotificationSchema,
  adobeSignMegaSignNotificationSchema,
  adobeSignLibraryDocumentNotificationSchema,
} from './schema.js';
export type {
  AdobeSignBasePayload,
  AdobeSignAgreement,
  AdobeSignWidget,
  AdobeSignMegaSign,
  AdobeSignLibraryDocument,
  AdobeSignAgreementPayload,
  AdobeSignWidgetPayload,
  AdobeSignWidgetSharedPayload,
  AdobeSignMegaSignPayload,
  AdobeSignLibraryDocumentPayload,
  AdobeSignEvents,
  AdobeSignNotification,
  AdobeSignIssue,
} from './schema.js';
export { ADOBE_SIGN_CLIENT_ID_HEADER, ADOBE_SIGN_UI_CLIENT_ID } from './handshake.js';
export type { AdobeSignOAuthOptions } from './auth.js';

/** The event types of an `adobeSign()` endpoint. */
export type AdobeSignTypes = {
  events: AdobeSignEvents;
  topics: AdobeSignTopicEvents;
  base: AdobeSignBasePayload;
};

export interface AdobeSignOptions {
  /**
   * Client ids allowed in `X-AdobeSign-ClientId`: the API application(s) that created the webhook(s), or
   * `UB7E5BXCXY` for webhooks created in the web UI. At least one. An allow-list, not authentication: see `oauth`.
   */
  clientIds: string | readonly string[];
  /** Verify the OAuth 2.0 bearer token Acrobat Sign sends when the webhook uses an OAuth "webhook endpoint". */
  oauth?: AdobeSignOAuthOptions;
  /** Time budget of one delivery (ms). Default: the receiver's (4000; Acrobat Sign waits 5 s). */
  timeoutMs?: number;
  /** Largest accepted body (bytes). Default: the receiver's (10 MiB, Acrobat Sign's maximum). */
  maxBodyBytes?: number;
  /** The 2xx status of the echo on GET and of every acknowledged notification. Default 200. */
  successStatus?: number;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `adobeSign: ${message}`);
}

function positive(value: number | undefined, name: string, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0 || (integer && !Number.isInteger(value))) {
    throw configError(`\`${name}\` must be a positive ${integer ? 'integer' : 'number'} (got ${String(value)}).`);
  }
  return value;
}

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...ADOBE_SIGN_EVENTS, ...ADOBE_SIGN_TOPICS];

function parse(ctx: DeliveryContext): ParsedEvent {
  const body = ctx.json();
  const event = body['event'];
  const schema = typeof event === 'string' ? adobeSignSchemaFor(event) : undefined;
  const what = schema !== undefined ? `The ${String(event)} notification is not valid` : 'The body is not an Acrobat Sign notification';
  // Every schema extends the envelope, so the output always has its fields.
  const payload = parsePayload(schema ?? adobeSignEnvelopeSchema, body, { what, issueFormat: 'path message' }) as AdobeSignBasePayload;
  return {
    name: payload.event,
    topic: adobeSignTopicOf(payload.event),
    known: schema !== undefined,
    key: adobeSignDedupeKey(payload),
    payload,
  };
}

/**
 * An Adobe Acrobat Sign webhook endpoint. It answers the verification GET, checks the client id (and the OAuth
 * bearer token with `oauth`) on every notification, validates it leniently, and acknowledges it (accepted or
 * duplicate) with the client-id echo Acrobat Sign requires, as a header and as a JSON body.
 *
 * ```ts
 * adobeSign({ clientIds: [process.env.ADOBE_CLIENT_ID!] })
 * adobeSign({ clientIds: 'CBJCHB...', oauth: { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', audience: 'adobe-webhooks' } })
 * ```
 */
export function adobeSign(options: AdobeSignOptions): Provider<AdobeSignTypes> {
  if (typeof options !== 'object' || options === null) throw configError('options are required, e.g. adobeSign({ clientIds: ["..."] }).');
  const clientIds = adobeSignClientIds(options.clientIds);
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs', false);
  const maxBodyBytes = positive(options.maxBodyBytes, 'maxBodyBytes', true);
  const successStatus = options.successStatus ?? 200;
  if (!Number.isInteger(successStatus) || successStatus < 200 || successStatus > 299) {
    throw configError(`\`successStatus\` must be a 2xx status: Acrobat Sign counts nothing else as delivered (got ${String(successStatus)}).`);
  }
  const checkClientId = adobeSignClientIdCheck(clientIds);
  const checkBearer = options.oauth === undefined ? undefined : adobeSignBearerAuth(options.oauth, timeoutMs);
  const echo = adobeSignEchoes(clientIds, successStatus);
  /** The allowed client id each authenticated delivery presented, for its acknowledgement. */
  const presented = new WeakMap<DeliveryContext, string>();

  return defineProvider<AdobeSignTypes>({
    kind: 'adobe-sign',
    events: KNOWN_NAMES,
    timeoutMs,
    maxBodyBytes,
    handshake: (ctx) => echo(checkClientId(ctx)),
    authenticate(ctx) {
      presented.set(ctx, checkClientId(ctx));
      return checkBearer?.(ctx);
    },
    parse,
    acknowledge(ctx): WebhookResponse {
      // Never throws: the event is already queued. The header was checked by `authenticate`.
      const clientId = presented.get(ctx) ?? ctx.headers.get(ADOBE_SIGN_CLIENT_ID_HEADER)?.trim() ?? '';
      return echo(clientId);
    },
  });
}
