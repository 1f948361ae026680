import { CountersignError } from '../../errors.js';
import { defineProvider, jsonResponse, type Provider } from '../../provider.js';
import { parsePayload } from '../../validation.js';
import { ignisignAuthenticator } from './auth.js';
import { ignisignDedupeKey } from './dedupe.js';
import { IGNISIGN_APP_ENVS, IGNISIGN_TOPICS, isIgnisignAppEnv, type IgnisignAppEnv, type IgnisignTopicEvents } from './events.js';
import { ignisignEnvelopeSchema, ignisignEventSchemas, type IgnisignEnvelope, type IgnisignEvents } from './schema.js';
import { checkOncePerToken } from './token-memo.js';
import type { IgnisignTokenVerifier } from './verify-token.js';

export { ignisignApi, ignisignJwt, IGNISIGN_API_BASE_URL } from './verify-token.js';
export type { IgnisignApiOptions, IgnisignJwtOptions, IgnisignTokenCheck, IgnisignTokenVerifier } from './verify-token.js';
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

export interface IgnisignOptions {
  /** The Ignisign app id (`appId_…`) whose webhooks this endpoint receives. */
  appId: string;
  /** The app environment the webhook was created in. */
  appEnv: IgnisignAppEnv;
  /**
   * Decides whether a delivery's `verificationToken` is genuine: `ignisignApi({ apiKey })` (Ignisign's own check),
   * `ignisignJwt({ jwksUrl })`, or your function. It is asked at most once per token.
   */
  verifyToken: IgnisignTokenVerifier;
  /** Time budget of one delivery (ms), the remote token check included. Default: the receiver's. */
  timeoutMs?: number;
  /** Largest accepted body (bytes). Default: the receiver's. */
  maxBodyBytes?: number;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `ignisign: ${message}`);
}

/** The event (`TOPIC.ACTION`) and topic names `on('<endpoint>:…')` knows. */
const KNOWN_NAMES: readonly string[] = Object.entries(IGNISIGN_TOPICS).flatMap(([topic, actions]) => [topic, ...actions.map((action) => `${topic}.${action}`)]);

/**
 * Receive Ignisign webhooks. A delivery is accepted once its appId and appEnv are the endpoint's and
 * `verifyToken` vouches for its token; events are named `TOPIC.ACTION` (`SIGNATURE_REQUEST.LAUNCHED`) and
 * grouped by topic (`ignisign:SIGNATURE_REQUEST`). Unknown topics and actions pass through untyped.
 */
export function ignisign(options: IgnisignOptions): Provider<IgnisignTypes> {
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
  const schemas: Readonly<Record<string, (typeof ignisignEventSchemas)[keyof typeof ignisignEventSchemas]>> = ignisignEventSchemas;

  return defineProvider<IgnisignTypes>({
    kind: 'ignisign',
    events: KNOWN_NAMES,
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    authenticate: ignisignAuthenticator({ appId, appEnv, verifyToken: checkOncePerToken(verifyToken) }),
    async parse(ctx) {
      const body = ctx.json();
      const name = `${String(body.topic)}.${String(body.action)}`;
      const schema = Object.hasOwn(schemas, name) ? schemas[name] : undefined;
      const payload =
        schema === undefined
          ? parsePayload(ignisignEnvelopeSchema, body, { what: 'The body is not an Ignisign webhook' })
          : parsePayload(schema, body, { what: `The body is not an Ignisign ${name} webhook` });
      return { name, topic: payload.topic, known: schema !== undefined, key: await ignisignDedupeKey(payload), payload };
    },
    acknowledge: (_ctx, outcome) => jsonResponse(200, outcome === 'duplicate' ? { received: true, duplicate: true } : { received: true }),
  });
}
