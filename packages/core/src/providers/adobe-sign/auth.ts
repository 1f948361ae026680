import { createRemoteJWKSet, errors, jwtVerify, type JWK, type JWTVerifyGetKey, type JWTVerifyOptions } from 'jose';
import { CountersignError } from '../../errors.js';
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

/** Thrown by the key resolver when the JWKS could not be fetched or read: not the token's fault. */
class JwksUnavailable extends Error {}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `adobeSign: \`oauth\`: ${message}`);
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function jwksUrlOf(value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw configError('`jwksUrl` must be an absolute URL.');
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopback(url.hostname))) {
    throw configError('`jwksUrl` must use https (plain http is accepted on localhost only): a JWKS fetched in clear could be swapped.');
  }
  return url;
}

function isKey(value: unknown): value is CryptoKey | Uint8Array | JWK {
  if (value instanceof Uint8Array) return value.byteLength > 0;
  if (typeof CryptoKey !== 'undefined' && value instanceof CryptoKey) return true;
  return typeof value === 'object' && value !== null && typeof (value as { kty?: unknown }).kty === 'string';
}

function strings(value: string | readonly string[] | undefined, name: string): string | string[] | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'string' && value !== '') return value;
  if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return [...(value as string[])];
  throw configError(`\`${name}\` must be a non-empty string or a non-empty list of them.`);
}

function challenge(error?: string, description?: string): Record<string, string> {
  const parts = [REALM];
  if (error !== undefined) parts.push(`error="${error}"`);
  if (description !== undefined) parts.push(`error_description="${description.replace(/["\\]/g, "'")}"`);
  return { 'www-authenticate': `Bearer ${parts.join(', ')}` };
}

function refuse(error: errors.JOSEError): CountersignError {
  const reason =
    error instanceof errors.JWTExpired
      ? 'the token has expired'
      : error instanceof errors.JWTClaimValidationFailed
        ? `the token's claims are not accepted (${error.message})`
        : error instanceof errors.JWSSignatureVerificationFailed
          ? 'the signature does not verify'
          : error instanceof errors.JWKSNoMatchingKey
            ? 'no key of the JWKS matches the token'
            : error instanceof errors.JOSEAlgNotAllowed
              ? "the token's algorithm is not accepted"
              : `the token is not a valid JWT (${error.message})`;
  return new CountersignError('AUTH_INVALID', `The bearer token was refused: ${reason}.`, {
    headers: challenge('invalid_token', reason),
    cause: error,
  });
}

/**
 * The bearer check of `adobeSign({ oauth })`. The remote JWKS is created here, once per provider, and shared by
 * every delivery. `budgetMs` is the endpoint's time budget: a JWKS fetch may use half of it.
 * Missing token: 401 `AUTH_MISSING`; bad token: 401 `AUTH_INVALID` (both with a `WWW-Authenticate: Bearer`
 * challenge); JWKS unreachable or unreadable: 503 `VERIFICATION_UNAVAILABLE`, so Acrobat Sign retries.
 */
export function adobeSignBearerAuth(options: AdobeSignOAuthOptions, budgetMs = 4000): (ctx: DeliveryContext) => Promise<void> {
  if (typeof options !== 'object' || options === null) throw configError('must be an object with `jwksUrl` or `key`.');
  const { jwksUrl, key, clockToleranceSec, algorithms } = options;
  if ((jwksUrl === undefined) === (key === undefined)) throw configError('give exactly one of `jwksUrl` (your authorization server’s JWKS) or `key`.');
  if (key !== undefined && !isKey(key)) throw configError('`key` must be a CryptoKey, a non-empty Uint8Array secret or a JWK (an object with `kty`).');
  if (clockToleranceSec !== undefined && (typeof clockToleranceSec !== 'number' || !Number.isFinite(clockToleranceSec) || clockToleranceSec < 0)) {
    throw configError('`clockToleranceSec` must be a number of seconds, 0 or more.');
  }
  if (algorithms !== undefined && (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => typeof a !== 'string' || a === ''))) {
    throw configError('`algorithms` must be a non-empty list of JWS algorithm names, e.g. ["RS256"].');
  }
  if (algorithms?.some((a) => a.toLowerCase() === 'none')) throw configError('`algorithms` must not include "none".');

  const verifyOptions: JWTVerifyOptions = { requiredClaims: ['exp'] };
  const issuer = strings(options.issuer, 'issuer');
  const audience = strings(options.audience, 'audience');
  if (issuer !== undefined) verifyOptions.issuer = issuer;
  if (audience !== undefined) verifyOptions.audience = audience;
  if (algorithms !== undefined) verifyOptions.algorithms = [...algorithms];
  if (clockToleranceSec !== undefined) verifyOptions.clockTolerance = clockToleranceSec;

  let verificationKey: CryptoKey | Uint8Array | JWK | JWTVerifyGetKey;
  if (jwksUrl !== undefined) {
    const url = jwksUrlOf(jwksUrl);
    const remote = createRemoteJWKSet(url, { timeoutDuration: Math.max(100, Math.floor(budgetMs / 2)) });
    verificationKey = async (header, token) => {
      try {
        return await remote(header, token);
      } catch (error) {
        // No (or several) keys matching the token's `kid`/`alg`, even after a refetch: the token's problem.
        if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) throw error;
        throw new JwksUnavailable(error instanceof Error ? error.message : String(error), { cause: error });
      }
    };
  } else {
    verificationKey = key as CryptoKey | Uint8Array | JWK;
  }

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
    try {
      await jwtVerify(match[1] as string, verificationKey, verifyOptions);
    } catch (error) {
      if (error instanceof JwksUnavailable) {
        throw new CountersignError(
          'VERIFICATION_UNAVAILABLE',
          `The JWKS could not be fetched to verify the bearer token (${error.message}); Acrobat Sign will retry.`,
          { headers: { 'retry-after': '5' }, cause: error.cause },
        );
      }
      if (error instanceof errors.JOSEError) throw refuse(error);
      throw error;
    }
  };
}
