import { CountersignError } from '../../errors.js';
import { clip } from '../../limits.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import { secretSource, type SecretSource } from '../../secrets.js';
import type { DeliveryContext, ParsedEvent } from '../../types.js';
import { parsePayload } from '../../validation.js';
import { docusignAuthenticator, type DocusignFacts } from './auth.js';
import { docusignDedupeKey } from './dedupe.js';
import { DOCUSIGN_EVENTS, DOCUSIGN_TOPICS, matchDocusignEvent, type DocusignTopicEvents } from './events.js';
import { docusignLifecycle } from './lifecycle.js';
import { docusignBasePayloadSchema, docusignEnvelopeSchema, docusignPayloadSchema, type DocusignBasePayload, type DocusignEvents } from './schema.js';

export { DOCUSIGN_EVENTS, DOCUSIGN_TOPICS } from './events.js';
export type { DocusignEventName, DocusignTopic, DocusignTopicEvents } from './events.js';
export { DOCUSIGN_LIFECYCLE } from './lifecycle.js';
export { docusignPayloadSchema, docusignBasePayloadSchema, docusignEnvelopeSchema, docusignEnvelopeSummarySchema, docusignRecipientSchema } from './schema.js';
export type { DocusignEvents, DocusignPayload, DocusignBasePayload, DocusignEnvelopeSummary, DocusignRecipient } from './schema.js';
export type { DocusignFacts } from './auth.js';

/** The event types of a `docusign()` endpoint. */
export type DocusignTypes = {
  events: DocusignEvents;
  topics: DocusignTopicEvents;
  base: DocusignBasePayload;
};

export interface DocusignOptions extends EndpointOptions {
  /**
   * The Connect HMAC key(s) (eSignature Admin > Connect > Connect Keys), used as text exactly as DocuSign shows
   * them (not base64-decoded): one key, or several while rotating (every key is tried against every
   * `X-DocuSign-Signature-N`). Or a lookup per DocuSign account (one account per customer): it gets the body's
   * `data.accountId` and returns that account's key(s), or `undefined` for an account you do not know (401); a
   * throw answers 503 (Connect retries). The account id is read before the signature is checked, and trusted only
   * because the account's key then verifies the body that names it.
   */
  hmacKeys: SecretSource;
  /** How long looked-up keys are cached (ms). Default 60 000. */
  hmacKeysCacheMs?: number;
}

/**
 * countersign's default budget for one Connect delivery. DocuSign asks for a quick 200 and documents no time limit
 * (third parties say 100 s, UNCONFIRMED); 10 s leaves room for a slow queue and stays far inside it.
 */
export const DOCUSIGN_BUDGET_MS = 10_000;
/**
 * How long accepted events are remembered: Connect retries for up to about 15 days (ten retries at least 24 h apart
 * in the legacy description; its logs are kept 15 days; the current schedule is UNCONFIRMED), plus a day.
 */
export const DOCUSIGN_RETRY_WINDOW_MS = 16 * 24 * 60 * 60 * 1000;

/** The event and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = [...DOCUSIGN_EVENTS, ...Object.keys(DOCUSIGN_TOPICS)];

/** The full validation, before the handlers: the envelope/recipient schema for known events, the lenient base otherwise. */
function validate({ name, known, payload }: { name: string; known: boolean; payload: unknown }): unknown {
  const schema = known ? docusignPayloadSchema : docusignBasePayloadSchema;
  return parsePayload(schema, payload, { what: `The DocuSign "${clip(name, 64)}" message does not match its schema` });
}

/** DocuSign without credentials: its event names, types, validation and lifecycle, for `createHandlers` and workers. */
export const docusignPlatform = definePlatform<DocusignTypes>({ kind: 'docusign', events: KNOWN_NAMES, validate, lifecycle: docusignLifecycle });

/** DocuSign's `retryCount` (0 on the first attempt) as an attempt number (1 on the first). */
function attemptOf(retryCount: string | number | null | undefined): number | undefined {
  const n = typeof retryCount === 'string' && /^\d{1,6}$/.test(retryCount) ? Number(retryCount) : retryCount;
  return typeof n === 'number' && Number.isInteger(n) && n >= 0 && n < 1_000_000 ? n + 1 : undefined;
}

async function parse(ctx: DeliveryContext): Promise<ParsedEvent> {
  const body = ctx.json();
  const envelope = parsePayload(docusignEnvelopeSchema, body, { what: 'The body is not a DocuSign Connect JSON SIM message' });
  const match = matchDocusignEvent(envelope.event);
  return {
    name: match.name,
    topic: match.topic,
    known: match.known,
    key: await docusignDedupeKey(
      { event: match.name, envelopeId: envelope.data.envelopeId, recipientId: envelope.data.recipientId, generatedDateTime: envelope.generatedDateTime },
      body,
    ),
    payload: body,
    attempt: attemptOf(envelope.retryCount),
  };
}

/**
 * A DocuSign Connect endpoint (JSON SIM messages with HMAC): verifies `X-DocuSign-Signature-1..N` (base64
 * HMAC-SHA256 of the raw body with a Connect HMAC key), dispatches under the event name
 * (`docusign:envelope-completed`) or its topic (`docusign:envelope`, `docusign:recipient`), answers 200.
 *
 * ```ts
 * docusign({ hmacKeys: process.env.DOCUSIGN_HMAC_KEY! })
 * docusign({ hmacKeys: [newKey, oldKey] }) // rotation
 * docusign({ hmacKeys: async (accountId) => (await db.docusignAccount(accountId))?.hmacKeys }) // one account per customer
 * ```
 */
export function docusign(options: DocusignOptions): Provider<DocusignTypes, DocusignFacts> {
  if (typeof options !== 'object' || options === null) {
    throw new CountersignError('CONFIG_INVALID', 'docusign: options are required, e.g. docusign({ hmacKeys: process.env.DOCUSIGN_HMAC_KEY }).');
  }
  const keys = secretSource(options.hmacKeys, { name: 'docusign: `hmacKeys`', cacheMs: options.hmacKeysCacheMs });
  const common = endpointOptions('docusign', options, { timeoutMs: DOCUSIGN_BUDGET_MS, retentionMs: DOCUSIGN_RETRY_WINDOW_MS });
  const authenticate = docusignAuthenticator(keys, typeof options.hmacKeys === 'function');
  return defineProvider<DocusignTypes, DocusignFacts>({
    ...docusignPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    authenticate,
    parse,
    acknowledge: () => emptyResponse(common.successStatus),
  });
}
