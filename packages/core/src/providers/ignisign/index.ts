import { CountersignError } from '../../errors.js';
import { definePlatform, defineProvider, jsonResponse, type Provider } from '../../provider.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { parsePayload } from '../../validation.js';
import { ignisignAuthenticator, type IgnisignFacts } from './auth.js';
import { ignisignDedupeKey } from './dedupe.js';
import { IGNISIGN_APP_ENVS, IGNISIGN_TOPICS, isIgnisignAppEnv, type IgnisignAppEnv, type IgnisignTopicEvents } from './events.js';
import { ignisignLifecycle } from './lifecycle.js';
import { ignisignEnvelopeSchema, ignisignEventSchemas, ignisignHeadSchema, type IgnisignEnvelope, type IgnisignEvents } from './schema.js';
import { checkOncePerToken, memoryTokenMemo, type TokenMemoStore } from './token-memo.js';
import type { IgnisignTokenVerifier } from './verify-token.js';

export type { IgnisignFacts } from './auth.js';
export { ignisignApi, ignisignJwt, IGNISIGN_API_BASE_URL } from './verify-token.js';
export type { IgnisignApiKeyLookup, IgnisignApiOptions, IgnisignJwtOptions, IgnisignTokenCheck, IgnisignTokenVerifier } from './verify-token.js';
export { IGNISIGN_LIFECYCLE, ignisignLifecycle } from './lifecycle.js';
export { memoryTokenMemo, TOKEN_MEMO_TTL_MS } from './token-memo.js';
export type { TokenMemoStore, MemoryTokenMemoOptions } from './token-memo.js';
export { IGNISIGN_TOPICS, IGNISIGN_APP_ENVS, IGNISIGN_MSG_NATURES } from './events.js';
export type { IgnisignTopic, IgnisignAction, IgnisignEventName, IgnisignAppEnv, IgnisignMsgNature, IgnisignTopicEvents } from './events.js';
export { ignisignEnvelopeSchema, ignisignEventSchemas } from './schema.js';
export type { IgnisignEnvelope, IgnisignEvents, IgnisignPayload } from './schema.js';

/** The type-level description of the Ignisign provider's events (see `ProviderTypes`). */
export type IgnisignTypes = {
  events: IgnisignEvents;
  topics: IgnisignTopicEvents;
  base: IgnisignEnvelope;
};

export interface IgnisignOptions extends EndpointOptions {
  /**
   * The Ignisign app id (`appId_…`) whose webhooks this endpoint receives, or several (one app per customer: pair them
   * with `ignisignApi({ apiKey: (appId) => ... })`, which looks up each app's API key).
   */
  appId: string | readonly string[];
  /** The app environment the webhook was created in. */
  appEnv: IgnisignAppEnv;
  /**
   * Decides whether a delivery's `verificationToken` is genuine: `ignisignApi({ apiKey })` (Ignisign's own check),
   * `ignisignJwt({ jwksUrl })`, or your function. It is asked once per token while the delivery is not
   * acknowledged (see `tokenMemo`).
   */
  verifyToken: IgnisignTokenVerifier;
  /**
   * Where accepted tokens are remembered (1 h), so the platform's retry after a 503 (e.g. the queue failed after
   * Ignisign consumed the token) is accepted without a second check until the delivery is acknowledged; after
   * that a copy is checked again (Ignisign refuses a used token). Default `memoryTokenMemo()`: one process. Behind
   * a load balancer the retry may reach another instance: share a store, e.g. `redisTokenMemo()` from
   * `@countersign/redis` (you close it).
   */
  tokenMemo?: TokenMemoStore;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `ignisign: ${message}`);
}

/** The event (`TOPIC.ACTION`) and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = Object.entries(IGNISIGN_TOPICS).flatMap(([topic, actions]) => [topic, ...actions.map((action) => `${topic}.${action}`)]);

const SCHEMAS: Readonly<Record<string, (typeof ignisignEventSchemas)[keyof typeof ignisignEventSchemas]>> = ignisignEventSchemas;

/**
 * The full validation of a delivery, run before the handlers (in queue workers too): the event's schema (its
 * `content`), or the envelope's for an event the provider does not know. A mismatch throws `PAYLOAD_INVALID` with the
 * issues: the event was acknowledged and becomes a dead letter.
 */
function validate({ name, payload }: { name: string; payload: unknown }): unknown {
  const schema = Object.hasOwn(SCHEMAS, name) ? SCHEMAS[name] : undefined;
  return schema === undefined
    ? parsePayload(ignisignEnvelopeSchema, payload, { what: 'The Ignisign webhook is not valid' })
    : parsePayload(schema, payload, { what: `The body is not an Ignisign ${name} webhook` });
}

/**
 * Ignisign without credentials: its event names and types, the full validation of a delivery and its lifecycle
 * stage, for `createHandlers` and queue workers.
 */
export const ignisignPlatform = definePlatform<IgnisignTypes>({ kind: 'ignisign', events: KNOWN_NAMES, validate, lifecycle: ignisignLifecycle });

/**
 * Receive Ignisign webhooks. A delivery is accepted once its appId and appEnv are the endpoint's and
 * `verifyToken` vouches for its token; events are named `TOPIC.ACTION` (`SIGNATURE_REQUEST.LAUNCHED`) and
 * grouped by topic (`ignisign:SIGNATURE_REQUEST`). Unknown topics and actions pass through untyped.
 */
export function ignisign(options: IgnisignOptions): Provider<IgnisignTypes, IgnisignFacts> {
  const { appEnv, verifyToken } = options;
  const appIds = typeof options.appId === 'string' ? [options.appId] : Array.isArray(options.appId) ? [...(options.appId as readonly unknown[])] : [];
  if (appIds.length === 0 || appIds.some((id) => typeof id !== 'string' || id === '')) {
    throw configError('`appId` is required: the id of the Ignisign app (appId_…), from the Ignisign console, or a list of them.');
  }
  if (!isIgnisignAppEnv(appEnv)) {
    throw configError(`\`appEnv\` must be one of ${IGNISIGN_APP_ENVS.join(', ')}.`);
  }
  if (typeof verifyToken !== 'function') {
    throw configError('`verifyToken` is required, e.g. verifyToken: ignisignApi({ apiKey: process.env.IGNISIGN_API_KEY }).');
  }
  const store = options.tokenMemo ?? memoryTokenMemo();
  if (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.set !== 'function') {
    throw configError('`tokenMemo` must be a token memo store (with get and set), e.g. memoryTokenMemo() or redisTokenMemo().');
  }
  const memo = checkOncePerToken(verifyToken, store);
  const common = endpointOptions('ignisign', options);

  return defineProvider<IgnisignTypes, IgnisignFacts>({
    ...ignisignPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    authenticate: ignisignAuthenticator({ appIds: appIds as string[], appEnv, verifyToken: memo.verify }),
    // Before the acknowledgement only the envelope: what names the event and what its key is derived from. The
    // content is validated before the handlers (`validate`): a mismatch is a dead letter, not a refused delivery.
    async parse(ctx) {
      const body = ctx.json();
      const head = parsePayload(ignisignHeadSchema, body, { what: 'The body is not an Ignisign webhook' });
      const name = `${head.topic}.${head.action}`;
      // The key is derived from the body as sent, so it covers every field.
      const key = await ignisignDedupeKey({ topic: head.topic, action: head.action, msgNature: head.msgNature, content: body.content, error: body.error });
      return { name, topic: head.topic, known: Object.hasOwn(SCHEMAS, name), key, payload: body };
    },
    // The event is queued (now or earlier): the memo stops vouching for its token, a later copy is a replay.
    acknowledged: (ctx, facts) => memo.acknowledged(facts.token, ctx.body),
    acknowledge: (_ctx, outcome) => jsonResponse(common.successStatus, outcome === 'duplicate' ? { received: true, duplicate: true } : { received: true }),
  });
}
