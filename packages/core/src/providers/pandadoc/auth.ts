import { hmac, timingSafeEqual, toHex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import { secretSource, type SecretList } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
/** `signature` parameters read at most: PandaDoc appends one (a URL registered with its own may carry a second). */
const MAX_SIGNATURES = 2;

/**
 * Check the `signature` query parameter: hex HMAC-SHA256 of the raw body, keyed with a subscription's shared key.
 * Every configured key is tried against every signature given (at most two), in constant time, all of them every
 * time. Refusals are 401, never 410 (one 410 answer makes PandaDoc switch the subscription off).
 */
export function pandadocAuthenticator(sharedKeys: SecretList): (ctx: DeliveryContext) => Promise<void> {
  if (typeof sharedKeys === 'function') {
    throw new CountersignError('CONFIG_INVALID', 'pandadoc: `sharedKeys` must be a shared key or a list of them (PandaDoc names no account to look one up by).');
  }
  const resolve = secretSource(sharedKeys, { name: 'pandadoc: `sharedKeys`' });
  return async (ctx) => {
    const given = ctx.query.getAll('signature').filter((value) => value !== '');
    if (given.length === 0) {
      throw new CountersignError('AUTH_MISSING', 'The `signature` query parameter is missing; PandaDoc appends `?signature=<hex HMAC-SHA256>` to the webhook URL.');
    }
    if (given.length > MAX_SIGNATURES || !given.every((value) => HEX_SHA256.test(value))) {
      throw new CountersignError('AUTH_INVALID', 'The `signature` query parameter is not one hex HMAC-SHA256 (64 hex digits).');
    }
    const keys = await resolve('', ctx.signal);
    let valid = false;
    for (const key of keys) {
      const expected = toHex(await hmac('SHA-256', key, ctx.body));
      for (const signature of given) valid = timingSafeEqual(expected, signature.toLowerCase()) || valid;
    }
    if (!valid) {
      throw new CountersignError('AUTH_INVALID', "The `signature` does not match the body: the body changed on the way, or the subscription's shared key is not among `sharedKeys`.");
    }
  };
}
