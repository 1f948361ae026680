import { CountersignError } from '../../errors.js';
import { clip } from '../../limits.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import type { SecretList } from '../../secrets.js';
import type { DeliveryContext, ParseResult } from '../../types.js';
import { parsePayload } from '../../validation.js';
import { boldsignAuthenticator } from './auth.js';
import { boldsignDedupeKey } from './dedupe.js';
import { BOLDSIGN_EVENTS, BOLDSIGN_TOPICS, BOLDSIGN_VERIFICATION_EVENT, matchBoldSignEvent, type BoldSignTopicEvents } from './events.js';
import { boldsignLifecycle } from './lifecycle.js';
import { boldsignBasePayloadSchema, boldsignDocumentPayloadSchema, boldsignEnvelopeSchema, type BoldSignBasePayload, type BoldSignEvents } from './schema.js';

export { BOLDSIGN_EVENTS, BOLDSIGN_TOPICS, BOLDSIGN_VERIFICATION_EVENT } from './events.js';
export type { BoldSignEventName, BoldSignTopic, BoldSignTopicEvents } from './events.js';
export { BOLDSIGN_EVENT_STAGES } from './lifecycle.js';
export { boldsignEnvelopeSchema, boldsignDocumentPayloadSchema, boldsignBasePayloadSchema } from './schema.js';
export type { BoldSignEvents, BoldSignDocumentPayload, BoldSignBasePayload } from './schema.js';

/** The event types of a `boldsign()` endpoint. */
export type BoldSignTypes = {
  events: BoldSignEvents;
  topics: BoldSignTopicEvents;
  base: BoldSignBasePayload;
};

export interface BoldSignOptions extends EndpointOptions {
  /**
   * The webhook's signing secret (BoldSign's webhook page, "Reveal"), or several: while a secret is rolled, BoldSign
   * signs with the new one (`s0`) and the old one (`s1`); holding either verifies.
   */
  secrets: SecretList;
  /** Largest accepted distance between the signed timestamp `t` and this server's clock, either way (s). Default 300, as BoldSign's SDKs. */
  toleranceSeconds?: number;
  /** Clock (epoch milliseconds), for tests. Default `Date.now`. */
  now?: () => number;
}

/** BoldSign waits 10 s for the answer: countersign's default budget leaves it a margin. */
const BOLDSIGN_BUDGET_MS = 8000;
/** BoldSign's SDKs refuse a timestamp more than 300 s away. */
const DEFAULT_TOLERANCE_SECONDS = 300;

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...BOLDSIGN_EVENTS, ...Object.keys(BOLDSIGN_TOPICS)];

/** The full check of one event, before its handlers: a mismatch is a dead letter, not a 4xx to BoldSign. */
function validate({ name, payload }: { name: string; payload: unknown }): unknown {
  const match = matchBoldSignEvent(name);
  const schema = match.known && match.topic === 'document' ? boldsignDocumentPayloadSchema : boldsignBasePayloadSchema;
  return parsePayload(schema, payload, { what: `The BoldSign "${clip(name, 64)}" event does not match its schema` });
}

/** BoldSign without credentials: its event types, full validation and lifecycle, for `createHandlers` and workers. */
export const boldsignPlatform = definePlatform<BoldSignTypes>({ kind: 'boldsign', events: KNOWN_NAMES, validate, lifecycle: boldsignLifecycle });

function parse(ctx: DeliveryContext, successStatus: number): ParseResult {
  const payload = ctx.json();
  const envelope = parsePayload(boldsignEnvelopeSchema, payload, { what: 'The body is not a BoldSign webhook event' });
  // The dashboard's "Verify": answered, nothing queued (it authenticated like any event).
  if (envelope.event.eventType === BOLDSIGN_VERIFICATION_EVENT) return { respond: emptyResponse(successStatus) };
  const match = matchBoldSignEvent(envelope.event.eventType);
  return { name: match.name, topic: match.topic, known: match.known, key: boldsignDedupeKey(envelope), payload };
}

/**
 * A BoldSign webhook endpoint: verifies `X-BoldSign-Signature` (`t=…, s0=…[, s1=…]`, hex HMAC-SHA256 of
 * `"<t>.<raw body>"` with the webhook secret) and its timestamp (300 s by default), answers the dashboard's
 * `Verification` without queuing it, and dispatches each event under its type (`boldsign:Completed`) or topic
 * (`boldsign:document`, `boldsign:template`, `boldsign:senderIdentity`, `boldsign:identityVerification`).
 *
 * ```ts
 * boldsign({ secrets: process.env.BOLDSIGN_WEBHOOK_SECRET! })
 * boldsign({ secrets: [process.env.BOLDSIGN_WEBHOOK_SECRET!, process.env.BOLDSIGN_OLD_WEBHOOK_SECRET!] }) // while rolling
 * ```
 */
export function boldsign(options: BoldSignOptions): Provider<BoldSignTypes> {
  if (typeof options !== 'object' || options === null) throw new CountersignError('CONFIG_INVALID', 'boldsign: options are required, e.g. boldsign({ secrets }).');
  const { toleranceSeconds = DEFAULT_TOLERANCE_SECONDS, now = Date.now } = options;
  if (typeof toleranceSeconds !== 'number' || !Number.isFinite(toleranceSeconds) || !(toleranceSeconds > 0)) {
    throw new CountersignError('CONFIG_INVALID', `boldsign: \`toleranceSeconds\` must be a positive number of seconds (got ${String(toleranceSeconds)}).`);
  }
  if (typeof now !== 'function') throw new CountersignError('CONFIG_INVALID', 'boldsign: `now` must be a function returning epoch milliseconds.');
  const authenticate = boldsignAuthenticator({ secrets: options.secrets, toleranceSeconds, now });
  const { timeoutMs, maxBodyBytes, retentionMs, successStatus, clientCertificate } = endpointOptions('boldsign', options, { timeoutMs: BOLDSIGN_BUDGET_MS });
  return defineProvider<BoldSignTypes>({
    ...boldsignPlatform,
    timeoutMs,
    maxBodyBytes,
    retentionMs,
    clientCertificate,
    authenticate,
    parse: (ctx) => parse(ctx, successStatus),
    acknowledge: () => emptyResponse(successStatus),
  });
}
