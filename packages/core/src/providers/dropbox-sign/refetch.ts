import { CountersignError } from '../../errors.js';
import { clip } from '../../limits.js';

export interface DropboxSignRefetchOptions {
  /**
   * The API key the signature request is read with (HTTP Basic `apiKey:`). Default: the key that verified the
   * delivery's `event_hash` (the account's own API key).
   */
  apiKey?: string;
  /** Default `https://api.hellosign.com`. */
  baseUrl?: string;
  /** Longest wait for the API (ms), within the delivery's own budget. Default 10 000. */
  timeoutMs?: number;
  /**
   * Most API reads in flight at once. Past it a delivery answers 503 at once without calling the API (replayed
   * `event` objects cannot make thousands of calls with your key). Default 8.
   */
  maxConcurrent?: number;
  /** A `fetch` implementation (proxies, tests). Default: the global `fetch`. It is called with `redirect: 'manual'`. */
  fetch?: typeof fetch;
}

export const DROPBOX_SIGN_API_BASE_URL = 'https://api.hellosign.com';

/** What the API says about a signature request id: its own copy, or that it does not exist (HTTP 404 or 410). */
export type DropboxSignApiAnswer = { found: true; signatureRequest: Record<string, unknown> } | { found: false; status: number };

export type DropboxSignSignatureRequestReader = (id: string, apiKey: string, signal: AbortSignal) => Promise<DropboxSignApiAnswer>;

const RETRY_NOTE = 'the callback was not accepted and Dropbox Sign will retry it';

/** 503: the API could not give its copy, so Dropbox Sign must deliver again. */
export function refetchUnavailable(message: string, cause?: unknown): CountersignError {
  return new CountersignError('VERIFICATION_UNAVAILABLE', `${message}; ${RETRY_NOTE}.`, { cause, headers: { 'retry-after': '30' } });
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `dropboxSign: \`refetch\`: ${message}`);
}

/** Basic credentials `apiKey:` (empty password), as the Dropbox Sign API takes them. */
function basic(apiKey: string): string {
  const bytes = new TextEncoder().encode(`${apiKey}:`);
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return `Basic ${btoa(binary)}`;
}

/**
 * Read signature requests from the Dropbox Sign API: `GET {baseUrl}/v3/signature_request/{id}`, no redirect
 * followed, bounded by the delivery's budget and `timeoutMs`. 404/410: `{ found: false }`. Anything else that
 * prevents an answer (network, timeout, 5xx, 429, a redirect, our key refused, an unreadable answer, too many
 * reads in flight) is a 503 `VERIFICATION_UNAVAILABLE`: Dropbox Sign retries the callback.
 */
export function dropboxSignReader(options: DropboxSignRefetchOptions): DropboxSignSignatureRequestReader {
  if (options.apiKey !== undefined && (typeof options.apiKey !== 'string' || options.apiKey === '')) throw configError('`apiKey` must be a non-empty string.');
  const timeoutMs = options.timeoutMs ?? 10_000;
  if (typeof timeoutMs !== 'number' || !(timeoutMs > 0) || !Number.isFinite(timeoutMs)) throw configError('`timeoutMs` must be a positive number of milliseconds.');
  const maxConcurrent = options.maxConcurrent ?? 8;
  if (!Number.isInteger(maxConcurrent) || maxConcurrent < 1) throw configError('`maxConcurrent` must be a positive integer.');
  let base: string;
  try {
    const url = new URL(options.baseUrl ?? DROPBOX_SIGN_API_BASE_URL);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error('not http');
    base = url.href.replace(/\/+$/, '');
  } catch {
    throw configError(`\`baseUrl\` must be an absolute http(s) URL such as ${DROPBOX_SIGN_API_BASE_URL}.`);
  }
  const send = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const fixedKey = options.apiKey;
  let inFlight = 0;

  async function read(id: string, apiKey: string, signal: AbortSignal): Promise<DropboxSignApiAnswer> {
    const timeout = AbortSignal.timeout(timeoutMs);
    const abortedWhy = (): string | undefined =>
      signal.aborted
        ? "The delivery's time budget ran out while the Dropbox Sign API was being asked for the signature request"
        : timeout.aborted
          ? `The Dropbox Sign API did not answer within ${timeoutMs} ms`
          : undefined;
    let response: Response;
    try {
      response = await send(`${base}/v3/signature_request/${encodeURIComponent(id)}`, {
        method: 'GET',
        headers: { authorization: basic(fixedKey ?? apiKey), accept: 'application/json' },
        signal: AbortSignal.any([signal, timeout]),
        redirect: 'manual',
      });
    } catch (error) {
      throw refetchUnavailable(abortedWhy() ?? 'The Dropbox Sign API could not be reached', error);
    }
    if (response.status === 404 || response.status === 410) {
      await response.body?.cancel().catch(() => undefined);
      return { found: false, status: response.status };
    }
    if (response.type === 'opaqueredirect' || (response.status >= 300 && response.status < 400)) {
      await response.body?.cancel().catch(() => undefined);
      throw refetchUnavailable(`The Dropbox Sign API answered with a redirect (HTTP ${response.status}), which is not followed`);
    }
    if (!response.ok) {
      await response.body?.cancel().catch(() => undefined);
      if (response.status === 401 || response.status === 403) {
        throw refetchUnavailable(`The Dropbox Sign API refused the API key (HTTP ${response.status}): check \`refetch.apiKey\` (or the key that verifies the callbacks)`);
      }
      throw refetchUnavailable(`The Dropbox Sign API answered HTTP ${response.status}`);
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch (error) {
      throw refetchUnavailable(abortedWhy() ?? 'The Dropbox Sign API answered with a body that is not JSON', error);
    }
    const copy = typeof answer === 'object' && answer !== null ? (answer as { signature_request?: unknown }).signature_request : undefined;
    if (typeof copy !== 'object' || copy === null || Array.isArray(copy)) throw refetchUnavailable('The Dropbox Sign API answered without a `signature_request` object');
    const copyId = (copy as { signature_request_id?: unknown }).signature_request_id;
    if (copyId !== id) {
      throw refetchUnavailable(`The Dropbox Sign API answered with another signature request (${clip(String(copyId), 64)}) than the one asked for`);
    }
    return { found: true, signatureRequest: copy as Record<string, unknown> };
  }

  return async (id, apiKey, signal) => {
    if (inFlight >= maxConcurrent) {
      throw refetchUnavailable('Too many signature requests are being read from the Dropbox Sign API at once (`refetch.maxConcurrent`); this one was not started');
    }
    inFlight++;
    try {
      return await read(id, apiKey, signal);
    } finally {
      inFlight--;
    }
  };
}
