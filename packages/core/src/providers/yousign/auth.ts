import { hmac, timingSafeEqual } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import type { SecretResolver } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

const SIGNATURE = /^sha256=([0-9a-fA-F]{64})$/;

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

function hex(bytes: Uint8Array): string {
  let out = '';
  for (const b of bytes) out += b.toString(16).padStart(2, '0');
  return out;
}

/**
 * Verify `X-Yousign-Signature-256: sha256=<hex>`, the HMAC-SHA256 of the exact raw body keyed with the webhook
 * subscription's secret. Every configured secret is tried (several subscriptions to one URL, or a change of secret),
 * each compared in constant time.
 */
export function yousignAuthenticator(secretsOf: SecretResolver): (ctx: DeliveryContext) => Promise<void> {
  return async (ctx) => {
    const header = ctx.headers.get('x-yousign-signature-256')?.trim();
    if (header === undefined || header === '') {
      throw refuse('AUTH_MISSING', 'The X-Yousign-Signature-256 header is missing; Yousign signs every webhook with the subscription secret.');
    }
    const given = SIGNATURE.exec(header)?.[1];
    if (given === undefined) throw refuse('AUTH_INVALID', 'The X-Yousign-Signature-256 header is malformed; expected "sha256=<64 hex digits>".');
    const signature = given.toLowerCase();
    let valid = false;
    for (const secret of await secretsOf('', ctx.signal)) valid = timingSafeEqual(hex(await hmac('SHA-256', secret, ctx.body)), signature) || valid;
    if (!valid) {
      throw refuse(
        'AUTH_INVALID',
        "The X-Yousign-Signature-256 does not match: the body changed on the way (it must reach the receiver byte for byte), or the webhook subscription's secret is not among `secrets`.",
      );
    }
  };
}
