import { silentLogger, type Logger } from '@countersign/core';
import type { z } from 'zod';
import { SubscriptionError, configError, type SubscriptionErrorCode, type SubscriptionErrorOptions, type SubscriptionPlatform } from './errors.js';

/** How 429 answers are retried: at most `retries` more attempts, never waiting longer than `maxDelayMs` at once. */
export interface RetryOptions {
  /** Extra attempts after a 429. Default 3. 0 turns retries off. */
  retries?: number;
  /**
   * The longest wait accepted from `Retry-After` (ms). A longer one fails at once with `API_RATE_LIMITED`
   * (its `retryAfterMs` says how long the platform asked for). Default 60 000.
   */
  maxDelayMs?: number;
}

/** Options every platform client takes. */
export interface ApiClientOptions {
  /** The `fetch` to call. Default: the global one. */
  fetch?: typeof globalThis.fetch;
  /** Receives one debug record per call (method, path, status, attempt): never a header, a body or a secret. */
  logger?: Logger;
  /** Time allowed for one call, answer read included (ms). Default 30 000. */
  timeoutMs?: number;
  retry?: RetryOptions;
  /** Largest answer read (bytes); a larger one is an `API_BAD_ANSWER`. Default 4 MiB. */
  maxResponseBytes?: number;
}

export interface HttpRequest {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, starting with `/`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** Sent as JSON. */
  body?: unknown;
  /** What the call does, for error messages: `list the callbacks`. */
  what: string;
}

export interface HttpAnswer {
  status: number;
  headers: Headers;
  /** The parsed JSON answer; `undefined` for an empty body. */
  json: unknown;
}

/** What a platform's error body says, when it says something. */
export interface PlatformErrorInfo {
  code?: string | undefined;
  message?: string | undefined;
}

/** The headers a request needs to be authenticated; may depend on the exact bytes sent (SignIt signs them). */
export type Authenticate = (request: { method: string; url: URL; contentType: string; body: string }) => Promise<Record<string, string>> | Record<string, string>;

export interface HttpSettings {
  platform: SubscriptionPlatform;
  baseUrl: string;
  authenticate: Authenticate;
  /** Values that must never appear in an error message (tokens, keys, secrets). */
  secrets: ReadonlyArray<string | undefined>;
  /** Reads a platform error body. */
  errorInfo: (json: unknown) => PlatformErrorInfo;
  /** Platform error codes that mean "already exists". */
  conflictCodes?: ReadonlySet<string>;
  options: ApiClientOptions;
}

export interface Http {
  readonly baseUrl: URL;
  request(request: HttpRequest): Promise<HttpAnswer>;
  /** `request`, then validate the JSON answer with `schema`. */
  json<S extends z.ZodType>(request: HttpRequest, schema: S): Promise<z.output<S>>;
  /** Replace every secret in `text` and bound its length: safe for messages. */
  redact(text: string): string;
}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_RETRIES = 3;
const DEFAULT_MAX_DELAY_MS = 60_000;
const DEFAULT_MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
/** Longest platform message quoted in an error. */
const MAX_QUOTED = 300;
/** Hard ceiling on retries whatever the options say. */
const MAX_RETRIES = 10;

export const PLATFORM_NAMES: Readonly<Record<SubscriptionPlatform, string>> = {
  docstudio: 'DocStudio',
  signit: 'SignIt',
  'adobe-sign': 'Acrobat Sign',
  ignisign: 'Ignisign',
};

/** Parse a base URL given by the user: http(s), no query or fragment; the trailing slash removed. */
export function parseBaseUrl(value: unknown, platform: SubscriptionPlatform, name = 'baseUrl'): URL {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw configError(`${PLATFORM_NAMES[platform]}: \`${name}\` must be an absolute http(s) URL (got "${String(value).slice(0, 100)}").`, platform);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw configError(`${PLATFORM_NAMES[platform]}: \`${name}\` must be http(s).`, platform);
  url.search = '';
  url.hash = '';
  url.pathname = url.pathname.replace(/\/+$/, '');
  return url;
}

export function requireString(value: unknown, name: string, platform: SubscriptionPlatform): string {
  if (typeof value !== 'string' || value.trim() === '') throw configError(`${PLATFORM_NAMES[platform]}: \`${name}\` is required.`, platform);
  return value;
}

function boundedInteger(value: number | undefined, fallback: number, min: number, max: number, name: string, platform: SubscriptionPlatform): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw configError(`${PLATFORM_NAMES[platform]}: \`${name}\` must be an integer from ${min} to ${max} (got ${String(value)}).`, platform);
  }
  return value;
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; `undefined` when absent or unreadable. */
export function retryAfterMs(header: string | null, now: number = Date.now()): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  const date = Date.parse(text);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function codeForStatus(status: number): SubscriptionErrorCode {
  if (status === 401) return 'API_UNAUTHORIZED';
  if (status === 403) return 'API_FORBIDDEN';
  if (status === 404) return 'API_NOT_FOUND';
  if (status === 409) return 'API_CONFLICT';
  if (status === 429) return 'API_RATE_LIMITED';
  if (status >= 400 && status < 500) return 'API_REJECTED';
  return 'API_UNAVAILABLE';
}

const FIXES: Partial<Record<SubscriptionErrorCode, string>> = {
  API_UNAUTHORIZED: 'check the API credentials',
  API_FORBIDDEN: 'the credentials lack the permission (scope, role or mailbox) for this call',
  API_RATE_LIMITED: 'wait and run again',
  API_UNAVAILABLE: 'the platform failed; run again later',
};

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function readBounded(response: Response, max: number): Promise<string | undefined> {
  const declared = Number(response.headers.get('content-length') ?? '0');
  if (declared > max) {
    await response.body?.cancel().catch(() => undefined);
    return undefined;
  }
  if (response.body === null) return '';
  const reader = response.body.getReader();
  const chunks: Uint8Array[] = [];
  let total = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    total += value.byteLength;
    if (total > max) {
      await reader.cancel().catch(() => undefined);
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(total);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** The shared HTTP client of the platform clients: JSON in and out, bounded reads, 429 retries, coded errors. */
export function createHttp(settings: HttpSettings): Http {
  const { platform, options } = settings;
  const name = PLATFORM_NAMES[platform];
  const baseUrl = parseBaseUrl(settings.baseUrl, platform);
  const fetchImpl = options.fetch ?? globalThis.fetch;
  if (typeof fetchImpl !== 'function') throw configError(`${name}: no \`fetch\` is available; pass one in the options.`, platform);
  const logger = options.logger ?? silentLogger;
  const timeoutMs = boundedInteger(options.timeoutMs, DEFAULT_TIMEOUT_MS, 1, 600_000, 'timeoutMs', platform);
  const retries = boundedInteger(options.retry?.retries, DEFAULT_RETRIES, 0, MAX_RETRIES, 'retry.retries', platform);
  const maxDelayMs = boundedInteger(options.retry?.maxDelayMs, DEFAULT_MAX_DELAY_MS, 0, 3_600_000, 'retry.maxDelayMs', platform);
  const maxResponseBytes = boundedInteger(options.maxResponseBytes, DEFAULT_MAX_RESPONSE_BYTES, 1024, 256 * 1024 * 1024, 'maxResponseBytes', platform);
  // Longest first, so a secret that contains another is replaced whole.
  const secrets = settings.secrets.filter((s): s is string => typeof s === 'string' && s.length >= 4).sort((a, b) => b.length - a.length);

  const redact = (text: string): string => {
    let out = text;
    for (const secret of secrets) out = out.split(secret).join('[redacted]');
    return out.length > MAX_QUOTED ? `${out.slice(0, MAX_QUOTED)}…` : out;
  };

  const basePath = baseUrl.pathname.replace(/\/+$/, '');
  const urlOf = (request: HttpRequest): URL => {
    const url = new URL(baseUrl.href);
    url.pathname = `${basePath}${request.path}`;
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, String(value));
    return url;
  };

  const fail = (code: SubscriptionErrorCode, what: string, detail: string, extra: Omit<SubscriptionErrorOptions, 'platform'> = {}): SubscriptionError =>
    new SubscriptionError(code, `${name}: could not ${what}: ${detail}`, { platform, ...extra });

  async function request(request: HttpRequest): Promise<HttpAnswer> {
    const url = urlOf(request);
    const body = request.body === undefined ? '' : JSON.stringify(request.body);
    const contentType = request.body === undefined ? '' : 'application/json';
    for (let attempt = 1; ; attempt++) {
      const headers: Record<string, string> = { accept: 'application/json', ...(await settings.authenticate({ method: request.method, url, contentType, body })) };
      if (contentType !== '') headers['content-type'] = contentType;
      let response: Response;
      let text: string | undefined;
      try {
        const signal = AbortSignal.timeout(timeoutMs);
        response = await fetchImpl(url, { method: request.method, headers, body: body === '' ? undefined : body, signal, redirect: 'error' });
        text = await readBounded(response, maxResponseBytes);
      } catch (error) {
        const timedOut = error instanceof Error && (error.name === 'TimeoutError' || error.name === 'AbortError');
        const reason = timedOut ? `no answer within ${timeoutMs} ms` : error instanceof Error ? `${error.message}${error.cause instanceof Error ? ` (${error.cause.message})` : ''}` : String(error);
        logger.warn({ platform, method: request.method, path: url.pathname, attempt }, `${name} API call failed`);
        throw fail('API_UNREACHABLE', request.what, `${url.origin} ${redact(reason)}`, { cause: error });
      }
      logger.debug({ platform, method: request.method, path: url.pathname, status: response.status, attempt }, `${name} API call`);
      if (text === undefined) throw fail('API_BAD_ANSWER', request.what, `the answer is larger than ${maxResponseBytes} bytes`, { status: response.status });

      let json: unknown;
      if (text.trim() !== '') {
        try {
          json = JSON.parse(text);
        } catch {
          json = undefined;
          if (response.ok) throw fail('API_BAD_ANSWER', request.what, `the answer (HTTP ${response.status}) is not JSON`, { status: response.status });
        }
      }
      if (response.ok) return { status: response.status, headers: response.headers, json };

      if (response.status === 429) {
        const wait = retryAfterMs(response.headers.get('retry-after')) ?? Math.min(1000 * 2 ** (attempt - 1), maxDelayMs);
        if (attempt <= retries && wait <= maxDelayMs) {
          logger.warn({ platform, method: request.method, path: url.pathname, attempt, retryAfterMs: wait }, `${name} API throttled the call; retrying`);
          await sleep(wait);
          continue;
        }
        const why = wait > maxDelayMs ? `asked to wait ${Math.ceil(wait / 1000)} s, longer than allowed (retry.maxDelayMs)` : `still throttled after ${attempt} attempts`;
        throw fail('API_RATE_LIMITED', request.what, `${why}; ${FIXES.API_RATE_LIMITED}`, { status: 429, retryAfterMs: wait });
      }
      const info = json === undefined ? {} : settings.errorInfo(json);
      let code = codeForStatus(response.status);
      if (info.code !== undefined && settings.conflictCodes?.has(info.code)) code = 'API_CONFLICT';
      const said = info.message ?? info.code;
      const detail = [`HTTP ${response.status}`, info.code, said !== undefined && said !== info.code ? `"${redact(said)}"` : undefined].filter(Boolean).join(' ');
      const fix = FIXES[code];
      throw fail(code, request.what, fix === undefined ? detail : `${detail}; ${fix}`, { status: response.status, platformCode: info.code });
    }
  }

  return {
    baseUrl,
    request,
    async json(req, schema) {
      const answer = await request(req);
      const parsed = schema.safeParse(answer.json);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const where = issue === undefined ? '' : ` (${issue.path.join('.') || 'answer'}: ${issue.message})`;
        throw fail('API_BAD_ANSWER', req.what, `the answer does not have the documented shape${redact(where)}`, { status: answer.status });
      }
      return parsed.data;
    },
    redact,
  };
}

/** A string field of an error body, when it is one. */
export function stringField(json: unknown, ...names: string[]): string | undefined {
  if (typeof json !== 'object' || json === null) return undefined;
  for (const key of names) {
    const value = (json as Record<string, unknown>)[key];
    if (typeof value === 'string' && value !== '') return value;
    if (typeof value === 'number') return String(value);
  }
  return undefined;
}
