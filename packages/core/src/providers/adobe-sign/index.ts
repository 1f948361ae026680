import { CountersignError } from '../../errors.js';
import { definePlatform, defineProvider, type Provider } from '../../provider.js';
import type { DeliveryContext, ParsedEvent, WebhookResponse } from '../../types.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { parsePayload } from '../../validation.js';
import { adobeSignBearerAuth, type AdobeSignOAuthOptions } from './auth.js';
import { adobeSignDedupeKey } from './dedupe.js';
import { ADOBE_SIGN_EVENTS, ADOBE_SIGN_TOPICS, adobeSignTopicOf, type AdobeSignTopicEvents } from './events.js';
import { adobeSignClientIdCheck, adobeSignClientIdLookup, adobeSignClientIds, adobeSignEchoes, type AdobeSignClientIdLookup, type AdobeSignClientIdMatch } from './handshake.js';
import { adobeSignLifecycle } from './lifecycle.js';
import { adobeSignEnvelopeSchema, adobeSignHeadSchema, adobeSignSchemaFor, type AdobeSignBasePayload, type AdobeSignEvents } from './schema.js';

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
export type { AdobeSignClientIdLookup } from './handshake.js';
export { ADOBE_SIGN_LIFECYCLE, adobeSignLifecycle } from './lifecycle.js';
export type { AdobeSignOAuthOptions } from './auth.js';

/** What an authenticated Acrobat Sign delivery established: the allowed client id it presented. */
export interface AdobeSignFacts {
  clientId: string;
  /** The client id (or, with a `clientIds` lookup, the account it returned), as `event.delivery.account`. */
  account: string;
}

/** Acrobat Sign gives up on an answer after 5 s: countersign answers within 4. */
const ADOBE_SIGN_BUDGET_MS = 4000;
/** Acrobat Sign retries a failed notification for 72 h: what dedupe remembers. */
const ADOBE_SIGN_RETRY_WINDOW_MS = 72 * 60 * 60 * 1000;

/** The event types of an `adobeSign()` endpoint. */
export type AdobeSignTypes = {
  events: AdobeSignEvents;
  topics: AdobeSignTopicEvents;
  base: AdobeSignBasePayload;
};

export interface AdobeSignOptions extends EndpointOptions {
  /**
   * Client ids allowed in `X-AdobeSign-ClientId`: the API application(s) that created the webhook(s), or
   * `UB7E5BXCXY` for webhooks created in the web UI. At least one. An allow-list, not authentication: see `oauth`.
   *
   * Or a lookup, for one API application per customer: `(clientId) => account | undefined`, asked with the presented
   * `X-AdobeSign-ClientId`; it returns the account the id belongs to (`event.delivery.account`), `undefined` for an
   * unknown id (403, as for a list), or throws (503: Acrobat Sign retries). Answers are cached `clientIdsCacheMs`.
   */
  clientIds: string | readonly string[] | AdobeSignClientIdLookup;
  /** With a `clientIds` lookup: how long its answers (and unknown ids) are remembered (ms). Default 60 000; 0 asks every time. */
  clientIdsCacheMs?: number;
  /** Verify the OAuth 2.0 bearer token Acrobat Sign sends when the webhook uses an OAuth "webhook endpoint". */
  oauth?: AdobeSignOAuthOptions;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `adobeSign: ${message}`);
}


/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...ADOBE_SIGN_EVENTS, ...ADOBE_SIGN_TOPICS];

/**
 * The full validation of a notification, run before the handlers (in queue workers too): the event's schema, or the
 * envelope's for an event countersign does not know. Returns the payload handlers receive; a mismatch throws
 * `PAYLOAD_INVALID` with the issues, and the event becomes a dead letter (it was acknowledged).
 */
function validate({ name, payload }: { name: string; payload: unknown }): unknown {
  const schema = adobeSignSchemaFor(name);
  const what = schema !== undefined ? `The ${name} notification is not valid` : 'The Acrobat Sign notification is not valid';
  return parsePayload(schema ?? adobeSignEnvelopeSchema, payload, { what, issueFormat: 'path message' });
}

/**
 * Acrobat Sign without credentials: its event names and types, the full validation of a notification and its
 * lifecycle stage, for `createHandlers` and queue workers.
 */
export const adobeSignPlatform = definePlatform<AdobeSignTypes>({ kind: 'adobe-sign', events: KNOWN_NAMES, validate, lifecycle: adobeSignLifecycle });

/**
 * Read the envelope before the acknowledgement: `event` and `webhookNotificationId` (the dedupe key), nothing else.
 * A body without them is not a notification (400); everything else is checked by `validate`, before the handlers.
 */
function parse(ctx: DeliveryContext, bindKeyToBody: boolean): ParsedEvent | Promise<ParsedEvent> {
  const body = ctx.json();
  const event = body['event'];
  const known = typeof event === 'string' && adobeSignSchemaFor(event) !== undefined;
  const what = known ? `The ${String(event)} notification is not valid` : 'The body is not an Acrobat Sign notification';
  const head = parsePayload(adobeSignHeadSchema, body, { what, issueFormat: 'path message' });
  const parsed = { name: head.event, topic: adobeSignTopicOf(head.event), known, payload: body };
  if (!bindKeyToBody) return { ...parsed, key: head.webhookNotificationId };
  return adobeSignDedupeKey(head, ctx.body).then((key) => ({ ...parsed, key }));
}

const PUBLIC_CLIENT_ID_WARNING =
  'adobe-sign: no `oauth`: the X-AdobeSign-ClientId is an allow-list, not a secret (web-UI webhooks all send the public UB7E5BXCXY), ' +
  'so anyone who knows this URL can post notifications your handlers will see. Dedupe keys are bound to the body, so a forged copy ' +
  'cannot suppress a genuine event. To authenticate notifications, use an OAuth webhook endpoint (`oauth`) or require Adobe\'s client ' +
  'certificate (mutual TLS), and re-read the agreement from the Acrobat Sign API before acting on it. See docs/security.md.';

/**
 * An Adobe Acrobat Sign webhook endpoint. It answers the verification GET, checks the client id (and the OAuth
 * bearer token with `oauth`) on every notification, validates it leniently, and acknowledges it (accepted or
 * duplicate) with the client-id echo Acrobat Sign requires, as a header and as a JSON body.
 *
 * ```ts
 * adobeSign({ clientIds: [process.env.ADOBE_CLIENT_ID!] })
 * adobeSign({ clientIds: async (clientId) => (await db.tenantOfAdobeClient(clientId))?.id }) // one application per customer
 * adobeSign({ clientIds: 'CBJCHB...', oauth: { jwksUrl: 'https://auth.example.com/.well-known/jwks.json', audience: 'adobe-webhooks' } })
 * ```
 */
export function adobeSign(options: AdobeSignOptions): Provider<AdobeSignTypes, AdobeSignFacts> {
  if (typeof options !== 'object' || options === null) throw configError('options are required, e.g. adobeSign({ clientIds: ["..."] }).');
  const lookup = typeof options.clientIds === 'function' ? options.clientIds : undefined;
  const clientIds = lookup === undefined ? adobeSignClientIds(options.clientIds) : [];
  // Acrobat Sign waits 5 s for an answer and retries for 72 h.
  const { timeoutMs, maxBodyBytes, retentionMs, successStatus, clientCertificate } = endpointOptions('adobeSign', options, {
    timeoutMs: ADOBE_SIGN_BUDGET_MS,
    retentionMs: ADOBE_SIGN_RETRY_WINDOW_MS,
  });
  const inList = adobeSignClientIdCheck(clientIds);
  const checkClientId: (ctx: DeliveryContext) => AdobeSignClientIdMatch | Promise<AdobeSignClientIdMatch> =
    lookup === undefined
      ? (ctx) => {
          const clientId = inList(ctx);
          return { clientId, account: clientId };
        }
      : adobeSignClientIdLookup(lookup, options.clientIdsCacheMs);
  const checkBearer = options.oauth === undefined ? undefined : adobeSignBearerAuth(options.oauth, timeoutMs);
  const echo = adobeSignEchoes(clientIds, successStatus);
  return defineProvider<AdobeSignTypes, AdobeSignFacts>({
    ...adobeSignPlatform,
    timeoutMs,
    maxBodyBytes,
    retentionMs,
    clientCertificate,
    warnings: checkBearer === undefined ? [PUBLIC_CLIENT_ID_WARNING] : undefined,
    handshake(ctx) {
      const match = checkClientId(ctx);
      return match instanceof Promise ? match.then((m) => echo(m.clientId)) : echo(match.clientId);
    },
    authenticate(ctx) {
      const match = checkClientId(ctx);
      if (checkBearer === undefined) return match;
      return Promise.resolve(match).then((facts) => checkBearer(ctx).then(() => facts));
    },
    // With a verified bearer token the body is the platform's: its id alone identifies it.
    parse: (ctx) => parse(ctx, checkBearer === undefined),
    // Never throws: the event is already queued. The allowed id the delivery presented, as `authenticate` matched it.
    acknowledge: (_ctx, _outcome, facts): WebhookResponse => echo(facts.clientId),
  });
}
