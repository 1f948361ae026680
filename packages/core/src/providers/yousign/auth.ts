import { hmac, timingSafeEqual, toHex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import type { SecretResolver } from '../../secrets.js';
import { MAX_ID_LENGTH } from '../../limits.js';
import type { DeliveryContext } from '../../types.js';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

/** What authentication established: the webhook subscription whose secret verified, when secrets are looked up. */
export interface YousignFacts {
  account: string | undefined;
}

/**
 * The `subscription_id` a lookup of secrets is keyed by: read from the body before the signature is checked, so
 * only a bounded id is ever looked up (the signature then proves it).
 */
function subscriptionOf(ctx: DeliveryContext): string {
  let id: unknown;
  try {
    id = ctx.json().subscription_id;
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || id === '' || id.length > MAX_ID_LENGTH) {
    throw refuse('AUTH_INVALID', 'The body names no webhook subscription (`subscription_id`, at most 256 characters) to look its secret up by.');
  }
  return id;
}

/**
 * Verify `X-Yousign-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the exact raw body keyed with the webhook
 * subscription's secret. Every configured secret is tried (several subscriptions to one URL, or a change of secret),
 * each compared in constant time; with a lookup, the secrets of the body's `subscription_id`.
 */
export function yousignAuthenticator(secretsOf: SecretResolver, bySubscription: boolean): (ctx: DeliveryContext) => Promise<YousignFacts> {
  return async (ctx) => {
    const header = ctx.headers.get('x-yousign-signature-256')?.trim();
    if (header === undefined || header === '') {
      throw refuse('AUTH_MISSING', 'The X-Yousign-Signature-256 header is missing; Yousign signs every webhook with the subscription secret.');
    }
    const given = SIGNATURE.exec(header)?.[1];
    if (given === undefined) throw refuse('AUTH_INVALID', 'The X-Yousign-Signature-256 header is malformed; expected "sha256=<64 hex digits>".');
    const signature = given.toLowerCase();
    let valid = false;
    const account = bySubscription ? subscriptionOf(ctx) : undefined;
    for (const secret of await secretsOf(account ?? '', ctx.signal)) valid = timingSafeEqual(toHex(await hmac('SHA-256', secret, ctx.body)), signature) || valid;
    if (!valid) {
      throw refuse(
        'AUTH_INVALID',
        "The X-Yousign-Signature-256 does not match: the body changed on the way (it must reach the receiver byte for byte), or the webhook subscription's secret is not among `secrets`.",
      );
    }
    return { account };
  };
}
