import { fromBase64, hmac, timingSafeEqual } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import { MAX_ID_LENGTH } from '../../limits.js';
import type { SecretResolver } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

/**
 * Signature headers read at most: `X-DocuSign-Signature-1` .. `-100`, one per active HMAC key (DocuSign allows a
 * handful; 100 is the maximum quoted by third parties, UNCONFIRMED).
 */
export const MAX_DOCUSIGN_SIGNATURES = 100;

/** What an authenticated DocuSign delivery established. */
export interface DocusignFacts {
  /** The DocuSign account (`data.accountId` of the signed body), as `event.delivery.account`. */
  account?: string | undefined;
}

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

/** The decoded `X-DocuSign-Signature-N` values present (numbering may have gaps when a key was removed). */
function signatures(ctx: DeliveryContext): Uint8Array[] {
  const found: Uint8Array[] = [];
  for (let n = 1; n <= MAX_DOCUSIGN_SIGNATURES; n++) {
    const value = ctx.headers.get(`x-docusign-signature-${n}`)?.trim();
    if (value === undefined || value === '') continue;
    // Not base64: kept as an empty signature, which no key matches (compared all the same).
    found.push((/^[A-Za-z0-9+/]+={0,2}$/.test(value) ? fromBase64(value) : undefined) ?? new Uint8Array(0));
  }
  return found;
}

/** `data.accountId` of a JSON body, when it is a bounded string; `undefined` otherwise (never throws). */
export function bodyAccountId(ctx: DeliveryContext): string | undefined {
  let body: Record<string, unknown>;
  try {
    body = ctx.json();
  } catch {
    return undefined;
  }
  const data = body['data'];
  const account = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['accountId'] : undefined;
  return typeof account === 'string' && account !== '' && account.length <= MAX_ID_LENGTH ? account : undefined;
}

/**
 * Verify `X-DocuSign-Signature-1..N`: each is the base64 HMAC-SHA256 of the exact raw body, keyed with one Connect
 * HMAC key taken as UTF-8 text (not base64-decoded). Every configured key is tried against every signature header
 * (during a rotation DocuSign sends one header per active key, the receiver may hold any of them), in constant time.
 * With a lookup per account, the keys are those of the body's `data.accountId`, which the HMAC then vouches for.
 */
export function docusignAuthenticator(keysOf: SecretResolver, perAccount: boolean): (ctx: DeliveryContext) => Promise<DocusignFacts> {
  return async (ctx) => {
    const given = signatures(ctx);
    if (given.length === 0) {
      throw refuse(
        'AUTH_MISSING',
        'No X-DocuSign-Signature-1 header: switch on "Include HMAC Signature" in the Connect configuration (eSignature Admin > Connect) and add an HMAC key.',
      );
    }
    const digest = ctx.headers.get('x-authorization-digest');
    if (digest !== undefined && digest.trim().toUpperCase() !== 'HMACSHA256') {
      throw refuse('AUTH_INVALID', 'X-Authorization-Digest names an algorithm other than HMACSHA256, the only one DocuSign Connect uses.');
    }
    let account: string | undefined;
    if (perAccount) {
      account = bodyAccountId(ctx);
      if (account === undefined) throw refuse('AUTH_INVALID', 'The body names no data.accountId, so this endpoint cannot tell whose HMAC keys to check.');
    }
    const keys = await keysOf(account ?? '', ctx.signal);
    let valid = false;
    for (const key of keys) {
      const expected = await hmac('SHA-256', key, ctx.body);
      for (const signature of given) valid = timingSafeEqual(expected, signature) || valid;
    }
    if (!valid) {
      throw refuse(
        'AUTH_INVALID',
        'No X-DocuSign-Signature matches: the body changed on the way (it must reach the receiver byte for byte), or none of the configured HMAC keys is active in the Connect configuration.',
      );
    }
    return { account: account ?? bodyAccountId(ctx) };
  };
}
