import type { JWTVerifyGetKey, KeyInput } from 'jose';
import { CountersignError } from '../../errors.js';
import { jwtVerifier } from '../../jwt.js';
import { secretSource } from '../../secrets.js';
import type { IgnisignAppEnv } from './events.js';

/** What a token verifier is asked about one delivery. */
export interface IgnisignTokenCheck {
  /** The delivery's `verificationToken`. */
  token: string;
  /** The delivery's `appId` and `appEnv`, already checked against the endpoint's. */
  appId: string;
  appEnv: IgnisignAppEnv;
  /** The exact raw body. */
  body: Uint8Array;
  /** Aborted when the delivery's time budget runs out: pass it to any remote call. */
  signal: AbortSignal;
}

/**
 * Decides whether a delivery's `verificationToken` is genuine: `true` accepts, `false` refuses (401).
 * Throw a `CountersignError` to answer with its code; any other throw answers 503 `VERIFICATION_UNAVAILABLE`
 * (Ignisign retries). The endpoint calls it once per token while the token's delivery is not acknowledged, and
 * again for a copy arriving after the acknowledgement (see `ignisign()`'s `tokenMemo`).
 */
export type IgnisignTokenVerifier = (check: IgnisignTokenCheck) => boolean | Promise<boolean>;

/**
 * Looks up the API key of one Ignisign app (one app per customer): asked with the delivery's `appId` (already one of
 * the endpoint's). Return the key, or `undefined` for an app you do not know (401, the token is not checked); a throw
 * answers 503 `VERIFICATION_UNAVAILABLE` (Ignisign retries). Answers are cached (`apiKeyCacheMs`).
 */
export type IgnisignApiKeyLookup = (appId: string, context: { signal: AbortSignal }) => string | undefined | Promise<string | undefined>;

export interface IgnisignApiOptions {
  /**
   * The app's Ignisign API key (secret), sent as `Authorization: Bearer <apiKey>`; or a lookup of the key per app id,
   * for an endpoint that receives several apps (`ignisign({ appId: [...] })`).
   */
  apiKey: string | IgnisignApiKeyLookup;
  /** With an `apiKey` lookup: how long its answers (and unknown apps) are remembered (ms). Default 60 000; 0 asks every time. */
  apiKeyCacheMs?: number;
  /** Default `https://api.ignisign.io`. */
  baseUrl?: string;
  /** Longest wait for the API (ms), within the delivery's own budget. Default 3000. */
  timeoutMs?: number;
  /**
   * Most checks in flight at once. Past it a delivery answers 503 `VERIFICATION_UNAVAILABLE` with `Retry-After`
   * at once, without calling Ignisign (a flood of forged tokens cannot make thousands of calls with our key, nor
   * pile up waiting ones). Default 8.
   */
  maxConcurrent?: number;
  /** A `fetch` implementation (proxies, tests). Default: the global `fetch`. It is called with `redirect: 'manual'`. */
  fetch?: typeof fetch;
}

export const IGNISIGN_API_BASE_URL = 'https://api.ignisign.io';
const CHECK_PATH = '/v4/tokens/webhook-verification/checking-consumption';
const RETRY_NOTE = 'the delivery was not accepted and Ignisign will retry it';

/** 503 `VERIFICATION_UNAVAILABLE`: the token could not be checked, so Ignisign must deliver again. */
export function verificationUnavailable(message: string, cause?: unknown): CountersignError {
  return new CountersignError('VERIFICATION_UNAVAILABLE', `${message}; ${RETRY_NOTE}.`, { cause, headers: { 'retry-after': '5' } });
}

/**
 * Verify tokens the way Ignisign's SDK does: ask Ignisign's API, which checks **and consumes** the token
 * (`POST {baseUrl}/v4/tokens/webhook-verification/checking-consumption`). Genuine only on `isValid: true`.
 * Anything that prevents an answer (network, timeout, 5xx, a redirect, which is never followed, an unreadable
 * answer, our own API key refused, `maxConcurrent` checks already in flight) answers 503 so Ignisign delivers
 * again and no event is lost. The answered message never includes the underlying error's text (it may name
 * internal addresses): that error is the refusal's `cause`, which the receiver logs.
 */
export function ignisignApi(options: IgnisignApiOptions): IgnisignTokenVerifier {
  const { apiKey } = options;
  if (typeof apiKey !== 'function' && (typeof apiKey !== 'string' || apiKey === '')) {
    throw new CountersignError(
      'CONFIG_INVALID',
      'ignisignApi: `apiKey` is required (the Ignisign API key of the app, from the Ignisign console), or a lookup of the key per app id.',
    );
  }
  let keyOf: (appId: string, signal: AbortSignal) => Promise<string>;
  if (typeof apiKey === 'function') {
    const keys = secretSource((appId, context) => apiKey(appId, context), { name: 'ignisignApi: `apiKey`', cacheMs: options.apiKeyCacheMs });
    keyOf = async (appId, signal) => (await keys(appId, signal))[0] as string;
  } else {
    keyOf = () => Promise.resolve(apiKey);
  }
  const timeoutMs = options.timeoutMs ?? 3000;
  if (!(timeoutMs > 0)) throw new CountersignError('CONFIG_INVALID', 'ignisignApi: `timeoutMs` must be a positive number of milliseconds.');
  let url: string;
  try {
    url = new URL(`${(options.baseUrl ?? IGNISIGN_API_BASE_URL).replace(/\/+$/, '')}${CHECK_PATH}`).href;
  } catch {
    throw new CountersignError('CONFIG_INVALID', `ignisignApi: \`baseUrl\` must be an absolute URL such as ${IGNISIGN_API_BASE_URL}.`);
  }
  const maxConcurrent = options.maxConcurrent ?? 8;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) {
    throw new CountersignError('CONFIG_INVALID', 'ignisignApi: `maxConcurrent` must be a positive integer.');
  }
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  let inFlight = 0;

  return async (check) => {
    if (inFlight >= maxConcurrent) {
      throw verificationUnavailable("Too many token verifications are in flight at Ignisign's API (ignisignApi's `maxConcurrent`); this one was not started");
    }
    inFlight++;
    try {
      return await ask(check);
    } finally {
      inFlight--;
    }
  };

  async function ask({ token, appId, appEnv, signal }: IgnisignTokenCheck): Promise<boolean> {
    // An unknown app: 401 AUTH_INVALID; a failed lookup: 503 VERIFICATION_UNAVAILABLE (both CountersignErrors).
    const key = await keyOf(appId, signal);
    const timeout = AbortSignal.timeout(timeoutMs);
    const abortedWhy = (): string | undefined =>
      signal.aborted
        ? "The delivery's time budget ran out while Ignisign's verification API was being asked"
        : timeout.aborted
          ? `Ignisign's verification API did not answer within ${timeoutMs} ms`
          : undefined;

    let response: Response;
    try {
      response = await send(url, {
        method: 'POST',
        headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ token, appId, appEnv }),
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'manual',
      });
    } catch (error) {
      throw verificationUnavailable(abortedWhy() ?? "Ignisign's verification API could not be reached", error);
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw verificationUnavailable(`Ignisign's verification API answered with a redirect (HTTP ${response.status}), which is not followed`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        throw verificationUnavailable(
          `Ignisign's verification API refused our API key (HTTP ${response.status}): check the \`apiKey\` given to ignisignApi() ` +
            '(it must belong to the same app and environment as the webhook)',
        );
      }
      throw verificationUnavailable(`Ignisign's verification API answered HTTP ${response.status}`);
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch (error) {
      throw verificationUnavailable(abortedWhy() ?? "Ignisign's verification API answered with a body that is not JSON", error);
    }
    const isValid = typeof answer === 'object' && answer !== null ? (answer as { isValid?: unknown }).isValid : undefined;
    if (typeof isValid !== 'boolean') throw verificationUnavailable("Ignisign's verification API answered without a boolean `isValid`");
    return isValid;
  }
}

export interface IgnisignJwtOptions {
  /** URL of the platform's JSON Web Key Set (keys are fetched and cached by jose). */
  jwksUrl?: string | URL;
  /** A verification key or shared secret instead of `jwksUrl`: a `CryptoKey`, a JWK, secret bytes, or a key resolver. */
  key?: KeyInput | JWTVerifyGetKey;
  /** Expected `iss`. */
  issuer?: string | string[];
  /** Expected `aud`. */
  audience?: string | string[];
  /** Accepted `alg` values. Default: whatever the key allows. */
  algorithms?: string[];
  /** Tolerated clock skew (seconds, or a span such as `'30s'`). Default 0. */
  clockTolerance?: number | string;
}

/**
 * For Ignisign-style platforms whose `verificationToken` is a JWT: verify its signature, `exp`/`nbf`,
 * and `iss`/`aud` when configured; when the token carries `appId` / `appEnv` claims they must match the delivery's.
 * The token does not sign the body: the endpoint's token memo refuses the same token on another body (for 1 h).
 * A JWT stays valid until it expires, so a copy of a delivery is accepted again; the dedupe store acknowledges it as
 * a duplicate.
 */
export function ignisignJwt(options: IgnisignJwtOptions): IgnisignTokenVerifier {
  const verify = jwtVerifier(options, {
    configName: 'ignisignJwt',
    tokenName: 'the verificationToken',
    retryNote: RETRY_NOTE,
    allowPlainHttp: true,
  });

  return async ({ token, appId, appEnv, signal }) => {
    const claims = await verify(token, signal);
    for (const [claim, expected] of [
      ['appId', appId],
      ['appEnv', appEnv],
    ] as const) {
      if (claims[claim] !== undefined && claims[claim] !== expected) {
        throw new CountersignError('AUTH_INVALID', `The verificationToken was issued for another ${claim}.`);
      }
    }
    return true;
  };
}
