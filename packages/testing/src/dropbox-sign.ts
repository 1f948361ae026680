import { createServer, type ServerResponse } from 'node:http';
import { listenOnLoopback } from './loopback.js';
import { dropboxSignEventHash } from '@countersign/core/dropbox-sign';

/** A callback as Dropbox Sign sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface DropboxSignDelivery {
  method: 'POST';
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** The exact raw body. */
  body: string;
  /** The callback document (what the `json` field holds), as sent. */
  document: Record<string, unknown>;
}

export interface DropboxSignDeliveryOptions {
  /** The API key `event_hash` is made with. */
  apiKey: string;
  /** `event.event_type`, e.g. `signature_request_signed`. */
  eventType: string;
  /** `event.event_time`: Unix seconds (a `Date` or a number is written as such). Default: now. */
  eventTime?: string | number | Date;
  /** `event.event_metadata` fields (`related_signature_id`, `reported_for_account_id`, `reported_for_app_id`, `event_message`). */
  metadata?: Record<string, unknown>;
  /** `account_guid`. Default `metadata.reported_for_account_id`, when given. */
  accountGuid?: string;
  /** The `signature_request` object, for signature request events. */
  signatureRequest?: Record<string, unknown>;
  /** Other top-level fields (`template`, `account`, `client_id`...). */
  extra?: Record<string, unknown>;
  /** Replaces `event.event_hash` (a wrong one, for tests of refusals). */
  eventHash?: string;
  /**
   * How the document is sent: `multipart` (default, as Dropbox Sign does: one field named `json`), `json`
   * (an `application/json` body) or `urlencoded` (`json=<document>`).
   */
  format?: 'multipart' | 'json' | 'urlencoded';
  /** The multipart boundary. Default: a random one, as every sender picks its own. */
  boundary?: string;
  /** The JSON text of the document, used verbatim (the builder's document is then only returned). */
  json?: string;
}

function unixSeconds(value: string | number | Date | undefined): string {
  if (value === undefined) return String(Math.floor(Date.now() / 1000));
  if (value instanceof Date) return String(Math.floor(value.getTime() / 1000));
  return String(value);
}

/** `multipart/form-data` with one text field per entry, CRLF line ends, the given boundary. */
export function multipartBody(fields: Record<string, string>, boundary: string): string {
  const parts = Object.entries(fields).map(([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`);
  return `${parts.join('')}--${boundary}--\r\n`;
}

/** Build a Dropbox Sign callback whose `event_hash` is computed as the platform does it. */
export async function dropboxSignDelivery(options: DropboxSignDeliveryOptions): Promise<DropboxSignDelivery> {
  const eventTime = unixSeconds(options.eventTime);
  const metadata = { related_signature_id: null, reported_for_account_id: null, reported_for_app_id: null, event_message: null, ...options.metadata };
  const eventHash = options.eventHash ?? (await dropboxSignEventHash(options.apiKey, eventTime, options.eventType));
  const accountGuid = options.accountGuid ?? (typeof metadata.reported_for_account_id === 'string' ? metadata.reported_for_account_id : undefined);
  const document: Record<string, unknown> = {
    event: { event_time: eventTime, event_type: options.eventType, event_hash: eventHash, event_metadata: metadata },
    ...(accountGuid === undefined ? {} : { account_guid: accountGuid }),
    ...(options.signatureRequest === undefined ? {} : { signature_request: options.signatureRequest }),
    ...options.extra,
  };
  const json = options.json ?? JSON.stringify(document);
  const format = options.format ?? 'multipart';
  if (format === 'json') return { method: 'POST', headers: { 'content-type': 'application/json' }, body: json, document };
  if (format === 'urlencoded') {
    return { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ json }).toString(), document };
  }
  const boundary = options.boundary ?? `----DropboxSign${crypto.randomUUID().replace(/-/g, '')}`;
  return { method: 'POST', headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, body: multipartBody({ json }, boundary), document };
}

/**
 * - `ok`: known ids answered 200 with `{ signature_request }`, unknown ones 404;
 * - `error500`: every call answered HTTP 500;
 * - `hang`: no call is answered;
 * - `redirect`: every call answered 302 to another place.
 */
export type FakeDropboxSignApiMode = 'ok' | 'error500' | 'hang' | 'redirect';

export interface FakeDropboxSignApiOptions {
  /** The API key it expects as HTTP Basic `apiKey:`. Default `test-dropbox-sign-api-key`. */
  apiKey?: string;
  /** The signature requests it knows, each with its `signature_request_id`. */
  signatureRequests?: Iterable<Record<string, unknown> & { signature_request_id: string }>;
  mode?: FakeDropboxSignApiMode;
}

export interface FakeDropboxSignApiCall {
  method: string | undefined;
  /** The path asked for. */
  path: string;
  /** The `Authorization` header as received. */
  authorization: string | undefined;
  /** HTTP status answered (`undefined` while hanging). */
  status: number | undefined;
}

export interface FakeDropboxSignApi {
  /** Base URL to give `dropboxSign({ refetch: { baseUrl } })`. */
  url: string;
  apiKey: string;
  /** Every call received, in order. */
  calls: FakeDropboxSignApiCall[];
  /** Add or replace a signature request. */
  set(signatureRequest: Record<string, unknown> & { signature_request_id: string }): void;
  /** Forget a signature request (it is then answered 404). */
  delete(id: string): void;
  setMode(mode: FakeDropboxSignApiMode): void;
  /** Stop the server, cutting hanging calls. */
  close(): Promise<void>;
}

const PATH = /^\/v3\/signature_request\/([^/?]+)$/;

function answer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
}

/**
 * A local stand-in for the Dropbox Sign API (a real HTTP server on 127.0.0.1) serving
 * `GET /v3/signature_request/{id}` with HTTP Basic auth (`apiKey:`), as `dropboxSign({ refetch })` reads it.
 * Answers as the API does: `{ signature_request }`, 404 `{ error: { error_name: 'not_found' } }`, 401 for another key.
 */
export async function fakeDropboxSignApi(options: FakeDropboxSignApiOptions = {}): Promise<FakeDropboxSignApi> {
  const apiKey = options.apiKey ?? 'test-dropbox-sign-api-key';
  const expected = `Basic ${Buffer.from(`${apiKey}:`).toString('base64')}`;
  const known = new Map<string, Record<string, unknown>>();
  for (const request of options.signatureRequests ?? []) known.set(request.signature_request_id, request);
  const calls: FakeDropboxSignApiCall[] = [];
  let mode: FakeDropboxSignApiMode = options.mode ?? 'ok';

  const server = createServer((req, res) => {
    const path = req.url ?? '';
    const call: FakeDropboxSignApiCall = { method: req.method, path, authorization: req.headers.authorization, status: undefined };
    calls.push(call);
    const reply = (status: number, body: unknown, headers?: Record<string, string>): void => {
      call.status = status;
      answer(res, status, body, headers);
    };
    if (mode === 'hang') return;
    const match = PATH.exec(path);
    if (req.method !== 'GET' || match === null) return reply(404, { error: { error_msg: 'Not found', error_name: 'not_found' } });
    if (req.headers.authorization !== expected) return reply(401, { error: { error_msg: 'Unauthorized api key', error_name: 'unauthorized' } });
    if (mode === 'error500') return reply(500, { error: { error_msg: 'Internal error', error_name: 'unknown' } });
    if (mode === 'redirect') return reply(302, {}, { location: 'http://127.0.0.1:9/elsewhere' });
    const found = known.get(decodeURIComponent(match[1] as string));
    if (found === undefined) return reply(404, { error: { error_msg: 'Not found', error_name: 'not_found' } });
    reply(200, { signature_request: found, warnings: [] });
  });
  const loopback = await listenOnLoopback(server);
  return {
    url: loopback.url,
    apiKey,
    calls,
    set(request) {
      known.set(request.signature_request_id, request);
    },
    delete(id) {
      known.delete(id);
    },
    setMode(next) {
      mode = next;
    },
    close: loopback.close,
  };
}
