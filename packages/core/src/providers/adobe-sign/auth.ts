import type { JWK } from 'jose';
import { CountersignError } from '../../errors.js';
import { jwtVerifier } from '../../jwt.js';
import type { DeliveryContext } from '../../types.js';

/**
 * OAuth 2.0 "webhook endpoint" authentication: Acrobat Sign gets an access token from your authorization server
 * and sends it as `Authorization: Bearer <token>` on every notification. countersign verifies it as a JWT
 * (signature, `exp` required, `nbf`, and `iss`/`aud` when given) against your server's JWKS or a key you give.
 * Opaque (non-JWT) access tokens cannot be verified this way.
 */
export interface AdobeSignOAuthOptions {
  /** Your authorization server's JWKS URL (https; http only on localhost). Fetched once, cached, refetched for unknown `kid`s. */
  jwksUrl?: string | URL;
  /** Or the verification key itself: a `CryptoKey`, an HMAC secret as bytes, or a JWK. Give exactly one of `jwksUrl` and `key`. */
  key?: CryptoKey | Uint8Array | JWK;
  /** Accepted `iss` value(s). Leave out to accept any issuer the key signs for. */
  issuer?: string | readonly string[];
  /** Accepted `aud` value(s). Recommended: without it, a token your server issued for another API is accepted too. */
  audience?: string | readonly string[];
  /** Accepted `alg` values, e.g. `['RS256']`. Default: every algorithm that fits the key. */
  algorithms?: readonly string[];
  /** Tolerated clock skew for `exp`/`nbf`, in seconds. Default 0. */
  clockToleranceSec?: number;
}

const REALM = 'realm="countersign"';

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `adobeSign: \`oauth\`: ${message}`);
}

function challenge(error?: string, description?: string): Record<string, string> {
  const parts = [REALM];
  if (error !== undefined) parts.push(`error="${error}"`);
  if (description !== undefined) parts.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  return { 'www-authenticate': `Bearer ${parts.join(', ')}` };
}

/**
 * The bearer check of `adobeSign({ oauth })`. The remote JWKS is created here, once per provider, and shared by
 * every delivery. `budgetMs` is the endpoint's time budget: a JWKS fetch may use half of it.
 * Missing token: 401 `AUTH_MISSING`; bad token: 401 `AUTH_INVALID` (both with a `WWW-Authenticate: Bearer`
 * challenge); JWKS unreachable or unreadable: 503 `VERIFICATION_UNAVAILABLE`, so Acrobat Sign retries.
 */
export function adobeSignBearerAuth(options: AdobeSignOAuthOptions, budgetMs = 4000): (ctx: DeliveryContext) => Promise<void> {
  if (typeof options !== 'object' || options === null) throw configError('must be an object with `jwksUrl` or `key`.');
  const { clockToleranceSec } = options;
  if (clockToleranceSec !== undefined && (typeof clockToleranceSec !== 'number' || !Number.isFinite(clockToleranceSec) || clockToleranceSec < 0)) {
    throw configError('`clockToleranceSec` must be a number of seconds, 0 or more.');
  }
  const verify = jwtVerifier(
    {
      jwksUrl: options.jwksUrl,
      key: options.key,
      issuer: options.issuer,
      audience: options.audience,
      algorithms: options.algorithms,
      clockTolerance: clockToleranceSec,
      requiredClaims: ['exp'],
    },
    {
      configName: 'adobeSign: `oauth`',
      tokenName: 'the bearer token',
      retryNote: 'Acrobat Sign will retry',
      jwksTimeoutMs: Math.max(100, Math.floor(budgetMs / 2)),
      refusalHeaders: (reason) => challenge('invalid_token', reason),
    },
  );

  return async (ctx) => {
    const header = ctx.headers.get('authorization')?.trim();
    if (header === undefined || header === '') {
      throw new CountersignError('AUTH_MISSING', 'The Authorization header is missing; this endpoint expects the OAuth bearer token Acrobat Sign sends.', {
        headers: challenge(),
      });
    }
    const match = /^Bearer[ \t]+([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (match === null) {
      throw new CountersignError('AUTH_MISSING', 'The Authorization header does not carry a bearer token ("Bearer <token>").', {
        headers: challenge('invalid_request', 'expected a bearer token'),
      });
    }
    await verify(match[1] as string);
  };
}
