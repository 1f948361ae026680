import { CountersignError } from '../../errors.js';
import { clip } from '../../limits.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import { secretSource, type SecretList, type SecretLookup } from '../../secrets.js';
import type { DeliveryContext, ParsedEvent } from '../../types.js';
import { parsePayload } from '../../validation.js';
import { yousignAuthenticator, type YousignFacts } from './auth.js';
import { matchYousignEvent, YOUSIGN_EVENTS, YOUSIGN_TOPICS, type YousignTopicEvents } from './events.js';
import { yousignLifecycle } from './lifecycle.js';
import {
  yousignBasePayloadSchema,
  yousignEnvelopeSchema,
  yousignSignatureRequestPayloadSchema,
  yousignSignerPayloadSchema,
  type YousignBasePayload,
  type YousignEvents,
} from './schema.js';

export { YOUSIGN_EVENTS, YOUSIGN_TOPICS } from './events.js';
export type { YousignEventName, YousignTopic, YousignTopicEvents, YousignSignatureRequestEventName, YousignSignerEventName } from './events.js';
export { YOUSIGN_LIFECYCLE } from './lifecycle.js';
export type { YousignFacts } from './auth.js';
export {
  yousignEnvelopeSchema,
  yousignSignatureRequestPayloadSchema,
  yousignSignerPayloadSchema,
  yousignBasePayloadSchema,
  yousignSignatureRequestSchema,
  yousignSignerSchema,
} from './schema.js';
export type { YousignEvents, YousignSignatureRequestPayload, YousignSignerPayload, YousignBasePayload, YousignSignatureRequest, YousignSigner } from './schema.js';

/** The event types of a `yousign()` endpoint. */
export type YousignTypes = {
  events: YousignEvents;
  topics: YousignTopicEvents;
  base: YousignBasePayload;
};

export interface YousignOptions extends EndpointOptions {
  /**
   * The webhook subscription's secret key (copied from Yousign's app), or several: every one is tried, for several
   * subscriptions pointing at one URL or while changing a secret. Or a lookup by the body's `subscription_id` (one
   * subscription per customer): return its secret, `undefined` for a subscription you do not know (401); a throw
   * answers 503 (Yousign retries). The signature then proves the id; handlers see it as `event.delivery.account`.
   */
  secrets: SecretList | SecretLookup;
  /** How long looked-up secrets are cached (ms). Default 60 000. */
  secretsCacheMs?: number;
}

/**
 * countersign's default budget for one Yousign delivery: Yousign waits 0.5 s for the first attempt (10 s for
 * retries), so the acknowledgement must come well within it.
 */
export const YOUSIGN_BUDGET_MS = 400;
/**
 * How long accepted events are remembered: Yousign retries up to 8 times over about 4 days (2 min, 6 min, 30 min,
 * 1 h, 5 h, 18 h, 1 day, 2 days), plus a day.
 */
export const YOUSIGN_RETRY_WINDOW_MS = 5 * 24 * 60 * 60 * 1000;

/** Headers kept in `event.delivery.headers`: the retry number and when this attempt was sent (neither is signed). */
const DELIVERY_HEADERS = ['x-yousign-retry', 'x-yousign-issued-at'] as const;

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...YOUSIGN_EVENTS, ...Object.keys(YOUSIGN_TOPICS)];

/** The full validation, before the handlers: by topic for known events, the lenient base otherwise. */
function validate({ name, known, payload }: { name: string; known: boolean; payload: unknown }): unknown {
  const match = matchYousignEvent(name);
  const schema = !known || !match.known ? yousignBasePayloadSchema : match.topic === 'signer' ? yousignSignerPayloadSchema : yousignSignatureRequestPayloadSchema;
  return parsePayload(schema, payload, { what: `The Yousign "${clip(name, 64)}" event does not match its schema` });
}

/** Yousign without credentials: its event names, types, validation and lifecycle, for `createHandlers` and workers. */
export const yousignPlatform = definePlatform<YousignTypes>({ kind: 'yousign', events: KNOWN_NAMES, validate, lifecycle: yousignLifecycle });

/** `X-Yousign-Retry` (0 on the first attempt) as an attempt number (1 on the first); not signed, so only a hint. */
function attemptOf(retry: string | undefined): number | undefined {
  const value = retry?.trim();
  return value !== undefined && /^\d{1,4}$/.test(value) ? Number(value) + 1 : undefined;
}

function parse(ctx: DeliveryContext): ParsedEvent {
  const body = ctx.json();
  const envelope = parsePayload(yousignEnvelopeSchema, body, { what: 'The body is not a Yousign webhook' });
  const match = matchYousignEvent(envelope.event_name);
  return {
    name: match.name,
    topic: match.topic,
    known: match.known,
    key: envelope.event_id,
    payload: body,
    attempt: attemptOf(ctx.headers.get('x-yousign-retry')),
  };
}

/**
 * A Yousign API v3 webhook endpoint: verifies `X-Yousign-Signature-256` (`sha256=` + hex HMAC-SHA256 of the raw
 * body with the subscription secret), dedupes on `event_id`, dispatches under the event name
 * (`yousign:signature_request.done`) or its topic (`yousign:signature_request`, `yousign:signer`) and answers 200
 * within Yousign's 0.5 s.
 *
 * ```ts
 * yousign({ secrets: process.env.YOUSIGN_WEBHOOK_SECRET! })
 * yousign({ secrets: [contractsSecret, backofficeSecret] }) // two subscriptions to one URL
 * yousign({ secrets: async (subscriptionId) => (await db.yousignSubscription(subscriptionId))?.secret }) // one per customer
 * ```
 */
export function yousign(options: YousignOptions): Provider<YousignTypes, YousignFacts> {
  if (typeof options !== 'object' || options === null) {
    throw new CountersignError('CONFIG_INVALID', 'yousign: options are required, e.g. yousign({ secrets: process.env.YOUSIGN_WEBHOOK_SECRET }).');
  }
  // A fixed list is checked now (CONFIG_INVALID when missing, empty or not strings); a lookup per subscription is cached.
  const secrets = secretSource(options.secrets, { name: 'yousign: `secrets`', cacheMs: options.secretsCacheMs });
  const common = endpointOptions('yousign', options, { timeoutMs: YOUSIGN_BUDGET_MS, retentionMs: YOUSIGN_RETRY_WINDOW_MS });
  const authenticate = yousignAuthenticator(secrets, typeof options.secrets === 'function');
  return defineProvider<YousignTypes, YousignFacts>({
    ...yousignPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    deliveryHeaders: DELIVERY_HEADERS,
    authenticate,
    parse,
    acknowledge: () => emptyResponse(common.successStatus),
  });
}
