/**
 * Errors of the platform management APIs, each with a stable `code`. Codes never change meaning; messages say
 * what went wrong and what to do, and never contain a token, key, secret or password.
 */
export const SubscriptionErrorCodes = {
  /** The options given to a client or to `subscriptionFor` are wrong (thrown before any request). */
  CONFIG_INVALID: 'the options are wrong',
  /** The platform refused the credentials (HTTP 401, or SignIt's signature check). */
  API_UNAUTHORIZED: 'the platform refused the credentials',
  /** The credentials are valid but not allowed to do this (HTTP 403). */
  API_FORBIDDEN: 'the credentials may not do this',
  /** The subscription (or event, envelope) does not exist (HTTP 404). */
  API_NOT_FOUND: 'not found on the platform',
  /** The platform already has an equal subscription (Acrobat Sign's DUPLICATE_WEBHOOK_CONFIGURATION, HTTP 409). */
  API_CONFLICT: 'the platform already has this subscription',
  /** The platform refused the request as invalid (HTTP 400/422, or an error result in a 2xx answer). */
  API_REJECTED: 'the platform refused the request',
  /** Still throttled (HTTP 429) after the bounded retries, or asked to wait longer than allowed. */
  API_RATE_LIMITED: 'the platform throttles the calls',
  /** The platform failed (HTTP 5xx) or answered an unexpected status. */
  API_UNAVAILABLE: 'the platform failed',
  /** The API could not be reached (DNS, connection, TLS) or did not answer in time. */
  API_UNREACHABLE: 'the platform could not be reached',
  /** The answer is not what the platform documents (not JSON, wrong shape, too large). */
  API_BAD_ANSWER: 'the platform answered something unexpected',
} as const;

export type SubscriptionErrorCode = keyof typeof SubscriptionErrorCodes;

/** The platforms with a subscription API. */
export type SubscriptionPlatform = 'docstudio' | 'signit' | 'adobe-sign' | 'ignisign';

export interface SubscriptionErrorOptions {
  platform?: SubscriptionPlatform | undefined;
  /** HTTP status the platform answered. */
  status?: number | undefined;
  /** The platform's own error code (`DUPLICATE_WEBHOOK_CONFIGURATION`, `resultStatusCode`, ...). */
  platformCode?: string | undefined;
  /** How long the platform asked to wait (429). */
  retryAfterMs?: number | undefined;
  cause?: unknown;
}

export class SubscriptionError extends Error {
  override readonly name = 'SubscriptionError';
  readonly code: SubscriptionErrorCode;
  readonly platform: SubscriptionPlatform | undefined;
  readonly status: number | undefined;
  readonly platformCode: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(code: SubscriptionErrorCode, message: string, options: SubscriptionErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.platform = options.platform;
    this.status = options.status;
    this.platformCode = options.platformCode;
    this.retryAfterMs = options.retryAfterMs;
  }

  toJSON(): { code: SubscriptionErrorCode; message: string; platform?: string; status?: number; platformCode?: string } {
    const out: { code: SubscriptionErrorCode; message: string; platform?: string; status?: number; platformCode?: string } = {
      code: this.code,
      message: this.message,
    };
    if (this.platform !== undefined) out.platform = this.platform;
    if (this.status !== undefined) out.status = this.status;
    if (this.platformCode !== undefined) out.platformCode = this.platformCode;
    return out;
  }
}

export function isSubscriptionError(value: unknown): value is SubscriptionError {
  return value instanceof SubscriptionError;
}

export function configError(message: string, platform?: SubscriptionPlatform): SubscriptionError {
  return new SubscriptionError('CONFIG_INVALID', message, { platform });
}
