import { CountersignError, errorMessage } from '../../errors.js';
import { clip } from '../../limits.js';
import type { SecretLookup } from '../../secrets.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import type { DeliveryContext, ParsedEvent } from '../../types.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { parsePayload } from '../../validation.js';
import { signitAuthenticator, type SignitApp, type SignitFacts, type SignitFreshnessOptions } from './auth.js';
import { signitDedupeKey } from './dedupe.js';
import { matchSignitEvent, SIGNIT_EVENTS, SIGNIT_TOPICS, type SignitTopicEvents } from './events.js';
import { signitLifecycle } from './lifecycle.js';
import { signitBasePayloadSchema, signitHeadSchema, signitPayloadSchemas, type SignitBasePayload, type SignitEvents } from './schema.js';

export { SIGNIT_EVENTS, SIGNIT_TOPICS } from './events.js';
export type { SignitEventName, SignitTopic, SignitTopicEvents } from './events.js';
export {
  signitBodySchema,
  signitEnvelopePayloadSchema,
  signitVerificationPayloadSchema,
  signitSignaturePayloadSchema,
  signitBasePayloadSchema,
} from './schema.js';
export type { SignitEvents, SignitEnvelopePayload, SignitVerificationPayload, SignitSignaturePayload, SignitBasePayload } from './schema.js';
export type { SignitApp, SignitFacts, SignitFreshnessOptions } from './auth.js';
export { SIGNIT_LIFECYCLE, signitLifecycle } from './lifecycle.js';

/** The event types of a `signit()` endpoint. */
export type SignitTypes = {
  events: SignitEvents;
  topics: SignitTopicEvents;
  base: SignitBasePayload;
};

interface SignitCommonOptions extends EndpointOptions {
  /**
   * Refuse deliveries whose `X-Signit-Date` is more than `windowMs` from now, and replays of an
   * `X-Signit-Nonce`. Off by default: SignIt does not document its retry policy, and its dates are only as good
   * as both clocks.
   */
  freshness?: SignitFreshnessOptions;
}

export type SignitOptions = SignitCommonOptions &
  (
    | { /** One app. */ appId: string; appSecret: string; apps?: never; secrets?: never }
    | {
        /** Several apps (or several secrets of one app id), e.g. while rotating a secret. */
        apps: readonly SignitApp[];
        appId?: never;
        appSecret?: never;
        secrets?: never;
      }
    | {
        /**
         * The secret(s) of each app id, looked up per delivery (one app per customer): return a secret, a list
         * (rotation), or `undefined` for an app you do not know (401). A throw answers 503 (SignIt retries).
         */
        secrets: SecretLookup;
        /** How long looked-up secrets are cached (ms). Default 60 000. */
        secretsCacheMs?: number;
        appId?: never;
        appSecret?: never;
        apps?: never;
      }
  );

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...SIGNIT_EVENTS, ...Object.keys(SIGNIT_TOPICS)];

function invalid(message: string): CountersignError {
  return new CountersignError('PAYLOAD_INVALID', message);
}

function decodeRawData(rawData: string | Record<string, unknown>): Record<string, unknown> {
  if (typeof rawData !== 'string') return rawData;
  let value: unknown;
  try {
    value = JSON.parse(rawData);
  } catch (error) {
    throw invalid(`rawData is not a JSON document (SignIt encodes it as a JSON string): ${errorMessage(error)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalid('rawData must encode a JSON object.');
  return value as Record<string, unknown>;
}

/**
 * The full validation of a delivery, run before the handlers (in queue workers too): the topic's schema, or the base
 * schema for an event the provider does not know. `rawData` is already decoded (by `parse`). A mismatch throws
 * `PAYLOAD_INVALID` with the issues: the event was acknowledged and becomes a dead letter.
 */
function validate({ name, payload }: { name: string; payload: unknown }): unknown {
  const match = matchSignitEvent(name);
  const schema = match.known ? signitPayloadSchemas[match.topic] : signitBasePayloadSchema;
  const body = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : undefined;
  const rawData = body?.['rawData'];
  // A payload queued by an older version may still carry rawData as SignIt's string.
  const decoded = typeof rawData === 'string' ? { ...body, rawData: decodeRawData(rawData) } : payload;
  return parsePayload(schema, decoded, { what: `The SignIt "${clip(match.name, 64)}" event is not valid` });
}

/**
 * SignIt without credentials: its event names and types, the full validation of a delivery and its lifecycle stage,
 * for `createHandlers` and queue workers.
 */
export const signitPlatform = definePlatform<SignitTypes>({ kind: 'signit', events: KNOWN_NAMES, validate, lifecycle: signitLifecycle });

/**
 * Read the envelope before the acknowledgement: `event`, and `rawData` decoded to an object (the dedupe key is
 * derived from it). A body without them is not a SignIt delivery (400); the rest is checked by `validate`.
 */
async function parse(ctx: DeliveryContext): Promise<ParsedEvent> {
  const body = ctx.json();
  const head = parsePayload(signitHeadSchema, body, { what: 'The body is not a SignIt delivery' });
  const rawData = decodeRawData(head.rawData);
  const match = matchSignitEvent(head.event);
  // The raw body already holds rawData's exact text when SignIt sent it as a string (it always does).
  const rawText = typeof head.rawData === 'string' ? head.rawData : ctx.text();
  return {
    name: match.name,
    topic: match.topic,
    known: match.known,
    key: await signitDedupeKey(match.name, rawData, rawText),
    payload: { ...body, rawData },
  };
}

/**
 * A SignIt (signit.cn) webhook endpoint: verifies `X-Signit-Signature` (HMAC-SHA512 with the app secret),
 * decodes `rawData` and dispatches under the event name (`signit:envelopeCompleted`) or its topic
 * (`signit:envelope`, `signit:participant`, `signit:verification`, `signit:signature`).
 *
 * ```ts
 * signit({ appId: process.env.SIGNIT_APP_ID!, appSecret: process.env.SIGNIT_APP_SECRET! })
 * signit({ apps: [{ appId, appSecret: newSecret }, { appId, appSecret: oldSecret }] }) // rotation
 * signit({ secrets: async (appId) => (await db.signitApp(appId))?.secrets }) // one app per customer
 * ```
 */
export function signit(options: SignitOptions): Provider<SignitTypes, SignitFacts> {
  // Unset fields (plain JavaScript, unset variables) are checked by the authenticator: CONFIG_INVALID.
  const apps = options.apps ?? [{ appId: options.appId, appSecret: options.appSecret } as SignitApp];
  const cacheMs = 'secretsCacheMs' in options ? options.secretsCacheMs : undefined;
  const auth = signitAuthenticator(options.secrets ?? apps, options.freshness, cacheMs);
  const common = endpointOptions('signit', options);
  return defineProvider<SignitTypes, SignitFacts>({
    ...signitPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    authenticate: (ctx) => auth.authenticate(ctx),
    parse,
    acknowledged: (_ctx, facts) => auth.acknowledged(facts),
    acknowledge: () => emptyResponse(common.successStatus),
  });
}
