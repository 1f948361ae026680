import { CountersignError } from '../../errors.js';
import { clip, MAX_EVENTS_PER_DELIVERY } from '../../limits.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import type { SecretList } from '../../secrets.js';
import type { DeliveryContext, ParsedEvent, ParseResult } from '../../types.js';
import { boundedArray, parsePayload } from '../../validation.js';
import { pandadocAuthenticator } from './auth.js';
import { pandadocDedupeKey } from './dedupe.js';
import { matchPandaDocEvent, PANDADOC_EVENTS, PANDADOC_TOPICS, type PandaDocTopicEvents } from './events.js';
import { pandadocLifecycle } from './lifecycle.js';
import {
  pandadocBasePayloadSchema,
  pandadocDocumentPayloadSchema,
  pandadocEnvelopeSchema,
  pandadocTemplatePayloadSchema,
  type PandaDocBasePayload,
  type PandaDocEvents,
} from './schema.js';

export { PANDADOC_EVENTS, PANDADOC_TOPICS, PANDADOC_DOCUMENT_STATUSES } from './events.js';
export type { PandaDocEventName, PandaDocTopic, PandaDocTopicEvents, PandaDocDocumentStatus } from './events.js';
export { PANDADOC_STATUS_STAGES } from './lifecycle.js';
export { pandadocEnvelopeSchema, pandadocDocumentPayloadSchema, pandadocTemplatePayloadSchema, pandadocBasePayloadSchema } from './schema.js';
export type { PandaDocEvents, PandaDocDocumentPayload, PandaDocTemplatePayload, PandaDocBasePayload } from './schema.js';

/** The event types of a `pandadoc()` endpoint. */
export type PandaDocTypes = {
  events: PandaDocEvents;
  topics: PandaDocTopicEvents;
  base: PandaDocBasePayload;
};

export interface PandaDocOptions extends EndpointOptions {
  /**
   * The shared key of the webhook subscription (PandaDoc's Developer Dashboard), or several: every subscription
   * posting here, or the old and the new key while one is regenerated. Any one of them verifies.
   */
  sharedKeys: SecretList;
}

/** PandaDoc waits 20 s for the answer: countersign's default budget leaves it a margin. */
const PANDADOC_BUDGET_MS = 16_000;
/** PandaDoc keeps a delivery 15 days in its webhook history, with a manual Retry button: remember keys a day longer. */
const PANDADOC_RETRY_WINDOW_MS = 16 * 24 * 60 * 60 * 1000;

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...PANDADOC_EVENTS, ...Object.keys(PANDADOC_TOPICS)];

/** The full check of one notification, before its handlers: a mismatch is a dead letter, not a 4xx to PandaDoc. */
function validate({ name, payload }: { name: string; payload: unknown }): unknown {
  const match = matchPandaDocEvent(name);
  const schema = !match.known ? pandadocBasePayloadSchema : match.topic === 'document' ? pandadocDocumentPayloadSchema : match.topic === 'template' ? pandadocTemplatePayloadSchema : pandadocBasePayloadSchema;
  return parsePayload(schema, payload, { what: `The PandaDoc "${clip(name, 64)}" notification does not match its schema` });
}

/** PandaDoc without credentials: its event names, types, full validation and lifecycle, for `createHandlers` and workers. */
export const pandadocPlatform = definePlatform<PandaDocTypes>({ kind: 'pandadoc', events: KNOWN_NAMES, validate, lifecycle: pandadocLifecycle });

/**
 * Name each notification of the array and derive its key (the envelope only; the full schema runs before the
 * handlers). A notification repeated inside one body is queued once.
 */
async function parseNotifications(ctx: DeliveryContext, successStatus: number): Promise<ParseResult> {
  const body = ctx.jsonValue();
  if (!Array.isArray(body)) {
    throw new CountersignError('PAYLOAD_INVALID', 'The body is not a PandaDoc delivery: PandaDoc sends a JSON array of notifications ({ "event", "data" }).');
  }
  if (body.length > MAX_EVENTS_PER_DELIVERY) {
    throw new CountersignError('PAYLOAD_INVALID', `The delivery carries ${body.length} notifications; at most ${MAX_EVENTS_PER_DELIVERY} are accepted in one.`);
  }
  // Signed and empty: nothing to queue, and nothing PandaDoc should retry.
  if (body.length === 0) return { respond: emptyResponse(successStatus) };
  const envelopes = parsePayload(boundedArray(pandadocEnvelopeSchema, 'must be an array'), body, { what: 'The body is not a PandaDoc delivery' });
  const events: ParsedEvent[] = [];
  const seen = new Set<string>();
  for (const [i, envelope] of envelopes.entries()) {
    const match = matchPandaDocEvent(envelope.event);
    const derived = pandadocDedupeKey(match.name, body[i]);
    const key = typeof derived === 'string' ? derived : await derived;
    if (seen.has(key)) continue;
    seen.add(key);
    events.push({ name: match.name, topic: match.topic, known: match.known, key, payload: body[i] });
  }
  return events;
}

/**
 * A PandaDoc webhook endpoint: verifies the `signature` query parameter (hex HMAC-SHA256 of the raw body with a
 * subscription's shared key) and dispatches each notification of the array on its own, under its event name
 * (`pandadoc:document_state_changed`) or topic (`pandadoc:document`, `pandadoc:template`, `pandadoc:quote`).
 * Never answers 410 (PandaDoc switches a subscription off on one).
 *
 * ```ts
 * pandadoc({ sharedKeys: process.env.PANDADOC_SHARED_KEY! })
 * pandadoc({ sharedKeys: [process.env.PANDADOC_SHARED_KEY!, process.env.PANDADOC_OLD_SHARED_KEY!] }) // rotation
 * ```
 */
export function pandadoc(options: PandaDocOptions): Provider<PandaDocTypes> {
  if (typeof options !== 'object' || options === null) throw new CountersignError('CONFIG_INVALID', 'pandadoc: options are required, e.g. pandadoc({ sharedKeys }).');
  const authenticate = pandadocAuthenticator(options.sharedKeys);
  const { timeoutMs, maxBodyBytes, retentionMs, successStatus, clientCertificate } = endpointOptions('pandadoc', options, {
    timeoutMs: PANDADOC_BUDGET_MS,
    retentionMs: PANDADOC_RETRY_WINDOW_MS,
  });
  return defineProvider<PandaDocTypes>({
    ...pandadocPlatform,
    timeoutMs,
    maxBodyBytes,
    retentionMs,
    clientCertificate,
    deliveryHeaders: ['x-pandadoc-webhook-event-id'],
    authenticate,
    parse: (ctx) => parseNotifications(ctx, successStatus),
    acknowledge: () => emptyResponse(successStatus),
  });
}
