import { timingSafeEqual } from '../../crypto.js';
import { CountersignError, isCountersignError } from '../../errors.js';
import type { DeliveryContext } from '../../types.js';
import type { IgnisignAppEnv } from './events.js';
import { verificationUnavailable, type IgnisignTokenVerifier } from './verify-token.js';

/** What an authenticated Ignisign delivery established. */
export interface IgnisignFacts {
  appId: string;
  /** The app, as `event.delivery.account`. */
  account: string;
  /** The verificationToken that vouched for the delivery. */
  token: string;
}

/** The fields that authenticate a delivery: without them there is nothing to check. */
const CREDENTIALS = ['verificationToken', 'appId', 'appEnv'] as const;
/** The fields that say what the delivery is. */
const DESCRIPTION = ['topic', 'action', 'msgNature'] as const;

function isFilled(value: unknown): value is string {
  return typeof value === 'string' && value !== '';
}

/**
 * Authenticate a delivery in the order of Ignisign's own SDK, cheapest and local first, so that a delivery
 * for another app or environment never reaches (and never burns a token at) the remote check:
 * 1. topic, action, msgNature, verificationToken, appId and appEnv are all present;
 * 2. appId is one of the endpoint's (constant-time comparison);
 * 3. appEnv is the endpoint's;
 * 4. the token is genuine, according to `verifyToken`.
 */
export function ignisignAuthenticator(config: {
  /** The app ids this endpoint receives (one, or one per customer). */
  appIds: readonly string[];
  appEnv: IgnisignAppEnv;
  verifyToken: IgnisignTokenVerifier;
}): (ctx: DeliveryContext) => Promise<IgnisignFacts> {
  return async (ctx) => {
    const body = ctx.json();

    const missing = [...DESCRIPTION, ...CREDENTIALS].filter((field) => !isFilled(body[field]));
    if (missing.length > 0) {
      const credentialsMissing = missing.some((field) => (CREDENTIALS as readonly string[]).includes(field));
      throw new CountersignError(
        credentialsMissing ? 'AUTH_MISSING' : 'PAYLOAD_INVALID',
        `The delivery lacks ${missing.join(', ')} (each must be a non-empty string); every Ignisign webhook carries ` +
          'topic, action, msgNature, verificationToken, appId and appEnv.',
      );
    }
    const { verificationToken: token, appId, appEnv } = body as Record<(typeof CREDENTIALS)[number], string>;

    // Compared with every configured app id, without stopping at the first match.
    let matched: string | undefined;
    for (const candidate of config.appIds) if (timingSafeEqual(appId, candidate) && matched === undefined) matched = candidate;
    if (matched === undefined) {
      throw new CountersignError('AUTH_INVALID', "The delivery's appId is not the app this endpoint is configured for; the token was not checked.");
    }
    if (appEnv !== config.appEnv) {
      throw new CountersignError('AUTH_INVALID', "The delivery's appEnv is not the environment this endpoint is configured for; the token was not checked.");
    }

    let genuine: boolean;
    try {
      genuine = await config.verifyToken({ token, appId: matched, appEnv: config.appEnv, body: ctx.body, signal: ctx.signal });
    } catch (error) {
      if (isCountersignError(error)) throw error;
      // The error's text stays out of the answer (it may name internal hosts): it is the cause, which the receiver logs.
      throw verificationUnavailable('The verificationToken could not be checked', error);
    }
    if (!genuine) {
      throw new CountersignError('AUTH_INVALID', 'The verificationToken was refused (unknown, already used or expired).');
    }
    return { appId: matched, account: matched, token };
  };
}
