import { createRemoteJWKSet, errors, jwtVerify, type JWTPayload, type JWTVerifyGetKey, type JWTVerifyOptions, type KeyInput } from 'jose';
import { CountersignError, errorReason } from './errors.js';
import { clip } from './limits.js';

/**
 * What a JWT is verified against and which claims it must carry: what a provider's user configures.
 * The signature, `exp` and `nbf` (when present) are always checked.
 */
export interface JwtOptions {
  /** The issuer's JSON Web Key Set URL (https; plain http on localhost only). Fetched once, cached, refetched for unknown `kid`s. */
  jwksUrl?: string | URL;
  /**
   * Or the verification key: a `CryptoKey`, a `KeyObject`, a JWK, an HMAC secret as bytes, or a key resolver
   * function. Give exactly one of `jwksUrl` and `key`.
   */
  key?: KeyInput | JWTVerifyGetKey;
  /** Accepted `iss` value(s). Leave out to accept any issuer the key signs for. */
  issuer?: string | readonly string[];
  /** Accepted `aud` value(s). */
  audience?: string | readonly string[];
  /** Accepted `alg` values, e.g. `['RS256']`. Default: every algorithm that fits the key. `none` is never accepted. */
  algorithms?: readonly string[];
  /** Tolerated clock skew for `exp`/`nbf`: seconds, or a span such as `'30s'`. Default 0. */
  clockTolerance?: number | string;
  /** Claims the token must carry, e.g. `['exp']`. */
  requiredClaims?: readonly string[];
}

/** How a provider names things in the errors of `jwtVerifier`, and how it answers. */
export interface JwtVerifierSettings {
  /** Starts configuration errors: where the options were given, e.g. ``adobeSign: `oauth` ``. */
  configName: string;
  /** The token in messages, in lower case, e.g. `the bearer token`. */
  tokenName: string;
  /** Ends 503 messages: who retries, e.g. `Acrobat Sign will retry`. */
  retryNote: string;
  /** Longest wait for the JWKS (ms). Default 5000. */
  jwksTimeoutMs?: number;
  /** Accept a plain-http `jwksUrl` on any host, not only on localhost. */
  allowPlainHttp?: boolean;
  /** Extra headers of a 401, from its reason: e.g. a `WWW-Authenticate: Bearer` challenge. */
  refusalHeaders?: (reason: string) => Record<string, string>;
}

/**
 * Verifies one token and returns its claims. Throws 401 `AUTH_INVALID` when the token is not good (signature,
 * claims, algorithm, no matching key) and 503 `VERIFICATION_UNAVAILABLE` with `Retry-After` when it could not be
 * told: the keys could not be obtained, or `signal` was aborted first. Other errors are rethrown.
 */
export type JwtVerifier = (token: string, signal?: AbortSignal) => Promise<JWTPayload>;

/** Thrown by the key resolver when the keys could not be obtained: not the token's fault. */
class KeysUnavailable extends Error {}

/** Key resolver errors that are the token's fault: no key (or no single key) fits its `kid` and `alg`. */
const TOKEN_FAULTS = [errors.JWKSNoMatchingKey, errors.JWKSMultipleMatchingKeys, errors.JOSENotSupported, errors.JOSEAlgNotAllowed];

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(?:\.\d{1,3}){3}$/.test(hostname);
}

function isKey(value: unknown): value is KeyInput | JWTVerifyGetKey {
  if (typeof value === 'function') return true;
  if (value instanceof Uint8Array) return value.byteLength > 0;
  if (typeof value !== 'object' || value === null) return false;
  // A JWK has `kty`; a `CryptoKey` and a Node `KeyObject` have `type`.
  const { kty, type } = value as { kty?: unknown; type?: unknown };
  return typeof kty === 'string' || typeof type === 'string';
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Why a token was refused, in words safe to answer with (jose's messages can quote the token's header: clipped). */
function refusalReason(error: errors.JOSEError): string {
  if (error instanceof errors.JWTExpired) return `the token has expired (${clip(error.message, 120)})`;
  if (error instanceof errors.JWTClaimValidationFailed) return `the token's claims are not accepted (${clip(error.message, 120)})`;
  if (error instanceof errors.JWSSignatureVerificationFailed) return 'the signature does not verify';
  if (error instanceof errors.JWKSNoMatchingKey) return 'no key of the JWKS matches the token';
  if (error instanceof errors.JOSEAlgNotAllowed) return "the token's algorithm is not accepted";
  return `the token is not a valid JWT (${clip(error.message, 120)})`;
}

/** A key resolver whose failures to obtain keys throw `KeysUnavailable`, while its refusals of the token pass through. */
function guarded(resolve: JWTVerifyGetKey): JWTVerifyGetKey {
  return async (header, token) => {
    try {
      return await resolve(header, token);
    } catch (error) {
      if (TOKEN_FAULTS.some((fault) => error instanceof fault)) throw error;
      throw new KeysUnavailable(errorReason(error), { cause: error });
    }
  };
}

function raceAbort<T>(promise: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Build a JWT verifier from what a provider's user configured, checking the configuration now (`CONFIG_INVALID`)
 * rather than on the first delivery. A remote JWKS is created here, once, and shared by every delivery.
 *
 * ```ts
 * const verify = jwtVerifier({ jwksUrl, audience: 'acme-webhooks' }, { configName: 'acme', tokenName: 'the bearer token', retryNote: 'Acme will retry' });
 * const claims = await verify(token, ctx.signal);
 * ```
 */
export function jwtVerifier(options: JwtOptions, settings: JwtVerifierSettings): JwtVerifier {
  const { configName, tokenName, retryNote } = settings;
  const configError = (message: string): CountersignError => new CountersignError('CONFIG_INVALID', `${configName}: ${message}`);
  const strings = (value: string | readonly string[] | undefined, name: string): string | string[] | undefined => {
    if (value === undefined) return undefined;
    if (typeof value === 'string' && value !== '') return value;
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v !== '')) return [...(value as string[])];
    throw configError(`\`${name}\` must be a non-empty string or a non-empty list of them.`);
  };

  if (typeof options !== 'object' || options === null) throw configError('must be an object with `jwksUrl` or `key`.');
  const { jwksUrl, key, clockTolerance, algorithms, requiredClaims } = options;
  if ((jwksUrl === undefined) === (key === undefined)) throw configError("give exactly one of `jwksUrl` (the JWKS URL of the token's issuer) or `key`.");
  if (key !== undefined && !isKey(key)) {
    throw configError('`key` must be a CryptoKey, a KeyObject, a non-empty Uint8Array secret, a JWK (an object with `kty`) or a key resolver function.');
  }
  if (
    clockTolerance !== undefined &&
    !(typeof clockTolerance === 'number' ? Number.isFinite(clockTolerance) && clockTolerance >= 0 : typeof clockTolerance === 'string' && clockTolerance !== '')
  ) {
    throw configError('`clockTolerance` must be a number of seconds, 0 or more, or a span such as "30s".');
  }
  if (algorithms !== undefined && (!Array.isArray(algorithms) || algorithms.length === 0 || algorithms.some((a) => typeof a !== 'string' || a === ''))) {
    throw configError('`algorithms` must be a non-empty list of JWS algorithm names, e.g. ["RS256"].');
  }
  if (algorithms?.some((a) => a.toLowerCase() === 'none')) throw configError('`algorithms` must not include "none".');

  const verifyOptions: JWTVerifyOptions = {};
  const issuer = strings(options.issuer, 'issuer');
  const audience = strings(options.audience, 'audience');
  if (issuer !== undefined) verifyOptions.issuer = issuer;
  if (audience !== undefined) verifyOptions.audience = audience;
  if (algorithms !== undefined) verifyOptions.algorithms = [...algorithms];
  if (clockTolerance !== undefined) verifyOptions.clockTolerance = clockTolerance;
  if (requiredClaims !== undefined) verifyOptions.requiredClaims = [...requiredClaims];

  let resolver: JWTVerifyGetKey | undefined = typeof key === 'function' ? key : undefined;
  if (jwksUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(jwksUrl);
    } catch {
      throw configError('`jwksUrl` must be an absolute URL.');
    }
    const plainHttpAccepted = url.protocol === 'http:' && (settings.allowPlainHttp === true || isLoopback(url.hostname));
    if (url.protocol !== 'https:' && !plainHttpAccepted) {
      throw configError(
        settings.allowPlainHttp === true
          ? '`jwksUrl` must be an http(s) URL.'
          : '`jwksUrl` must use https (plain http is accepted on localhost only): a JWKS fetched in clear could be swapped.',
      );
    }
    resolver = createRemoteJWKSet(url, settings.jwksTimeoutMs === undefined ? {} : { timeoutDuration: settings.jwksTimeoutMs });
  }
  const verificationKey = resolver === undefined ? (key as KeyInput) : guarded(resolver);

  const unavailable = (message: string, cause: unknown): CountersignError =>
    new CountersignError('VERIFICATION_UNAVAILABLE', `${message}; ${retryNote}.`, { headers: { 'retry-after': '5' }, cause });

  return async (token, signal) => {
    try {
      const verifying = jwtVerify(token, verificationKey, verifyOptions);
      return (await (signal === undefined ? verifying : raceAbort(verifying, signal))).payload;
    } catch (error) {
      if (error instanceof errors.JOSEError) {
        const reason = refusalReason(error);
        throw new CountersignError('AUTH_INVALID', `${capitalize(tokenName)} was refused: ${reason}.`, {
          headers: settings.refusalHeaders?.(reason),
          cause: error,
        });
      }
      // With one configured key (checked at start-up), jose throws a TypeError when the token's algorithm does
      // not fit that key: the token's fault, so a refusal, not a 5xx the platform would retry forever.
      if (resolver === undefined && error instanceof TypeError) {
        const reason = `it is signed with an algorithm the configured key cannot verify (${error.message})`;
        throw new CountersignError('AUTH_INVALID', `${capitalize(tokenName)} was refused: ${reason}.`, {
          headers: settings.refusalHeaders?.(reason),
          cause: error,
        });
      }
      if (signal?.aborted === true) throw unavailable(`The delivery's time budget ran out while ${tokenName} was being verified`, error);
      if (error instanceof KeysUnavailable) {
        const what = jwksUrl === undefined ? `The keys to verify ${tokenName} could not be obtained` : `The JWKS could not be fetched to verify ${tokenName}`;
        // The reason (an address, a DNS name, a status) goes to the logs with the cause, never to the sender.
        throw unavailable(what, error);
      }
      throw error;
    }
  };
}
