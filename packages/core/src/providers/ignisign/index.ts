import { CountersignError } from '../../errors.js';
import { definePlatform, defineProvider, jsonResponse, type Provider } from '../../provider.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import { parsePayload } from '../../validation.js';
import { ignisignAuthenticator, type IgnisignFacts } from './auth.js';
import { ignisignDedupeKey } from './dedupe.js';
import { IGNISIGN_APP_ENVS, IGNISIGN_TOPICS, isIgnisignAppEnv, type IgnisignAppEnv, type IgnisignTopicEvents } from './events.js';
import { ignisignEnvelopeSchema, ignisignEventSchemas, type IgnisignEnvelope, type IgnisignEvents } from './schema.js';
import { checkOncePerToken, memoryTokenMemo, type TokenMemoStore } from './token-memo.js';
import type { IgnisignTokenVerifier } from './verify-token.js';

export type { IgnisignFacts } from './auth.js';
export { ignisignApi, ignisignJwt, IGNISIGN_API_BASE_URL } from './verify-token.js';
export type { IgnisignApiOptions, IgnisignJwtOptions, IgnisignTokenCheck, IgnisignTokenVerifier } from './verify-token.js';
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
  /** The Ignisign app id (`appId_…`) whose webhooks this endpoint receives. */
  appId: string;
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

/** Ignisign without credentials: its event names and types, for `createHandlers` and queue workers. */
export const ignisignPlatform = definePlatform<IgnisignTypes>({ kind: 'ignisign', events: KNOWN_NAMES });

/**
 * Receive Ignisign webhooks. A delivery is accepted once its appId and appEnv are the endpoint's and
 * `verifyToken` vouches for its token; events are named `TOPIC.ACTION` (`SIGNATURE_REQUEST.LAUNCHED`) and
 * grouped by topic (`ignisign:SIGNATURE_REQUEST`). Unknown topics and actions pass through untyped.
 */
export function ignisign(options: IgnisignOptions): Provider<IgnisignTypes, IgnisignFacts> {
  const { appId, appEnv, verifyToken } = options;
  if (typeof appId !== 'string' || appId === '') {
    throw configError('`appId` is required: the id of the Ignisign app (appId_…), from the Ignisign console.');
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
  const schemas: Readonly<Record<string, (typeof ignisignEventSchemas)[keyof typeof ignisignEventSchemas]>> = ignisignEventSchemas;

  return defineProvider<IgnisignTypes, IgnisignFacts>({
    ...ignisignPlatform,
    timeoutMs: common.timeoutMs,
    maxBodyBytes: common.maxBodyBytes,
    retentionMs: common.retentionMs,
    clientCertificate: common.clientCertificate,
    authenticate: ignisignAuthenticator({ appId, appEnv, verifyToken: memo.verify }),
    async parse(ctx) {
      const body = ctx.json();
      const name = `${String(body.topic)}.${String(body.action)}`;
      const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      const payload =
        schema === undefined
          ? parsePayload(ignisignEnvelopeSchema, body, { what: 'The body is not an Ignisign webhook' })
          : parsePayload(schema, body, { what: `The body is not an Ignisign ${name} webhook` });
      // The key is derived from the body as sent (not from the parsed payload), so it covers every field.
      const key = await ignisignDedupeKey({ topic: payload.topic, action: payload.action, msgNature: payload.msgNature, content: body.content, error: body.error });
      return { name, topic: payload.topic, known: schema !== undefined, key, payload };
    },
    // The event is queued (now or earlier): the memo stops vouching for its token, a later copy is a replay.
    acknowledged: (ctx, facts) => memo.acknowledged(facts.token, ctx.body),
    acknowledge: (_ctx, outcome) => jsonResponse(common.successStatus, outcome === 'duplicate' ? { received: true, duplicate: true } : { received: true }),
  });
}
