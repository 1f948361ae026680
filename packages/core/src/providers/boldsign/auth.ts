import { hmac, timingSafeEqual, toHex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import { secretSource, type SecretList } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

/** Longest `X-BoldSign-Signature` read: a timestamp and two signatures take about 160 characters. */
const MAX_HEADER_LENGTH = 1024;
/** Signatures (`s0`, `s1`, ...) read at most. */
const MAX_SIGNATURES = 4;
const HEX_SHA256 = /^[0-9a-fA-F]{64}$/;
const encoder = new TextEncoder();

export interface BoldSignAuthSettings {
  secrets: SecretList;
  /** Largest accepted distance between `t` and the clock, either way (seconds). */
  toleranceSeconds: number;
  /** Clock, epoch milliseconds. */
  now: () => number;
}

/** `t=<unix seconds>, s0=<hex>[, s1=<hex>]` split into its timestamp and signatures; `undefined` when malformed. */
export function readBoldSignSignature(header: string): { t: string; signatures: string[] } | undefined {
  let t: string | undefined;
  const signatures: string[] = [];
  for (const part of header.split(',')) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const name = part.slice(0, eq).trim();
    const value = part.slice(eq + 1).trim();
    if (name === 't') {
      if (t !== undefined || !/^\d{1,12}$/.test(value)) return undefined;
      t = value;
    } else if (/^s\d$/.test(name)) {
      if (!HEX_SHA256.test(value) || signatures.length === MAX_SIGNATURES) return undefined;
      signatures.push(value.toLowerCase());
    }
  }
  return t === undefined || signatures.length === 0 ? undefined : { t, signatures };
}

/**
 * Check `X-BoldSign-Signature`: each `sN` is hex HMAC-SHA256 of `"<t>.<raw body>"`; `s0` comes from the current
 * secret, `s1` from the previous one while it is still valid after a roll. Every configured secret is tried against
 * every signature, in constant time, all of them every time. The timestamp is checked once the signature matched
 * (so a refusal for staleness tells nothing to someone who cannot sign): outside the tolerance, 401.
 */
export function boldsignAuthenticator(settings: BoldSignAuthSettings): (ctx: DeliveryContext) => Promise<void> {
  if (typeof settings.secrets === 'function') {
    throw new CountersignError('CONFIG_INVALID', 'boldsign: `secrets` must be a webhook secret or a list of them (BoldSign names no account to look one up by).');
  }
  const resolve = secretSource(settings.secrets, { name: 'boldsign: `secrets`' });
  const { toleranceSeconds, now } = settings;
  return async (ctx) => {
    const header = ctx.headers.get('x-boldsign-signature');
    if (header === undefined || header.trim() === '') {
      throw new CountersignError('AUTH_MISSING', 'The X-BoldSign-Signature header is missing; BoldSign signs every webhook event.');
    }
    const parsed = header.length > MAX_HEADER_LENGTH ? undefined : readBoldSignSignature(header);
    if (parsed === undefined) {
      throw new CountersignError('AUTH_INVALID', 'The X-BoldSign-Signature header is malformed; expected "t=<unix seconds>, s0=<hex>[, s1=<hex>]".');
    }
    const prefix = encoder.encode(`${parsed.t}.`);
    const signed = new Uint8Array(prefix.byteLength + ctx.body.byteLength);
    signed.set(prefix, 0);
    signed.set(ctx.body, prefix.byteLength);
    let valid = false;
    for (const secret of await resolve('', ctx.signal)) {
      const expected = toHex(await hmac('SHA-256', secret, signed));
      for (const signature of parsed.signatures) valid = timingSafeEqual(expected, signature) || valid;
    }
    if (!valid) {
      throw new CountersignError('AUTH_INVALID', 'The X-BoldSign-Signature does not match: the body changed on the way, or the webhook secret is not among `secrets`.');
    }
    const skew = Math.abs(now() / 1000 - Number(parsed.t));
    if (!(skew <= toleranceSeconds)) {
      throw new CountersignError(
        'AUTH_INVALID',
        `The X-BoldSign-Signature timestamp is ${Math.round(skew)} s away from this server's clock (at most ${toleranceSeconds} s): a replayed delivery, or a clock to fix.`,
      );
    }
  };
}
