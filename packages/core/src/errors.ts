/**
 * Every error countersign raises or answers with carries a stable `code`.
 * Codes never change meaning; messages say what is wrong and how to fix it.
 */
export const ErrorCodes = {
  /** No endpoint is configured under the requested name. */
  ENDPOINT_NOT_FOUND: 404,
  /** The HTTP method is not accepted by this endpoint (GET only where a handshake exists, else POST). */
  METHOD_NOT_ALLOWED: 405,
  /** The body is larger than the endpoint's `maxBodyBytes`. */
  BODY_TOO_LARGE: 413,
  /** The client stopped sending the body, or the body stream failed. */
  BODY_READ_FAILED: 400,
  /** A framework parsed the body before countersign could read the exact bytes. */
  BODY_ALREADY_PARSED: 500,
  /** The body is empty where a JSON document was expected. */
  BODY_EMPTY: 400,
  /** The body is not valid JSON. */
  BODY_MALFORMED_JSON: 400,
  /** The body is valid JSON but not an object. */
  BODY_NOT_OBJECT: 400,
  /** The body is not the form (multipart or URL-encoded) its provider expects. */
  BODY_MALFORMED_FORM: 400,
  /** The payload does not have the provider's shape. */
  PAYLOAD_INVALID: 400,
  /** Credentials (header, signature, token) are missing. */
  AUTH_MISSING: 401,
  /** Credentials are present but wrong. */
  AUTH_INVALID: 401,
  /** Credentials are valid but not allowed here (e.g. an unknown Adobe client id). */
  AUTH_FORBIDDEN: 403,
  /** A remote verification service could not be reached in time; the platform should retry. */
  VERIFICATION_UNAVAILABLE: 503,
  /** A copy of this event is being enqueued right now; retry shortly. */
  DUPLICATE_IN_FLIGHT: 503,
  /** The endpoint's time budget ran out before the event was safely queued. */
  TIMEOUT: 503,
  /** The dedupe store failed. */
  DEDUPE_UNAVAILABLE: 503,
  /** The queue failed to persist the event. */
  QUEUE_UNAVAILABLE: 503,
  /** The queue holds as many events (or bytes) as it is allowed to; retry later. */
  QUEUE_FULL: 503,
  /** Too many failed authentications from this sender's address; retry later. */
  RATE_LIMITED: 429,
  /** The receiver is closing and accepts no more deliveries. */
  SHUTTING_DOWN: 503,
  /** An unexpected internal error. */
  INTERNAL: 500,
  /** The receiver, an endpoint or a store was configured wrongly (thrown at start-up, never answered). */
  CONFIG_INVALID: 500,
  /** A handler threw while processing an event (reported to `onError`, never answered). */
  HANDLER_FAILED: 500,
  /** A dead letter or job could not be found. */
  NOT_FOUND: 404,
} as const;

export type ErrorCode = keyof typeof ErrorCodes;

export interface CountersignErrorOptions {
  /** HTTP status to answer with; defaults to the code's status. */
  status?: number;
  /** Extra response headers (e.g. `WWW-Authenticate`, `Retry-After`). */
  headers?: Record<string, string>;
  /** Structured details safe to show the sender (e.g. validation issues). */
  details?: unknown;
  cause?: unknown;
  /**
   * For errors thrown while handling a queued event: trying again cannot help (the payload does not match its
   * schema), so the queue makes it a dead letter at once instead of retrying.
   */
  unrecoverable?: boolean;
}

export class CountersignError extends Error {
  override readonly name = 'CountersignError';
  readonly code: ErrorCode;
  readonly status: number;
  readonly headers: Record<string, string>;
  readonly details: unknown;
  /** Set when retrying the event this error came from cannot succeed: the queue dead-letters it at once. */
  readonly unrecoverable: boolean;

  constructor(code: ErrorCode, message: string, options: CountersignErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.status = options.status ?? ErrorCodes[code];
    this.headers = options.headers ?? {};
    this.details = options.details;
    this.unrecoverable = options.unrecoverable ?? false;
  }

  toJSON(): { code: ErrorCode; message: string; details?: unknown } {
    return this.details === undefined
      ? { code: this.code, message: this.message }
      : { code: this.code, message: this.message, details: this.details };
  }
}

export function isCountersignError(value: unknown): value is CountersignError {
  return value instanceof CountersignError;
}

/** Whether a handler-side failure cannot succeed on a retry (`CountersignError` with `unrecoverable`). */
export function isUnrecoverable(error: unknown): boolean {
  return error instanceof CountersignError && error.unrecoverable;
}

/** The message of anything thrown. */
export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** The message of anything thrown, followed by its cause's in parentheses (`fetch failed (connect ECONNREFUSED …)`). */
export function errorReason(error: unknown): string {
  const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
  return `${errorMessage(error)}${cause}`;
}
