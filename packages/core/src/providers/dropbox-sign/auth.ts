import { hmac, timingSafeEqual, toHex } from '../../crypto.js';
import { CountersignError, errorMessage } from '../../errors.js';
import { clip, MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { secretSource, type SecretSource } from '../../secrets.js';
import type { DeliveryContext } from '../../types.js';

/** What an authenticated Dropbox Sign delivery established. */
export interface DropboxSignFacts {
  /**
   * With a lookup per account (`apiKey: (account) => ...`): the account (or, on app callbacks, the app's client id)
   * whose API key verified `event_hash`, as `event.delivery.account`. Unset with fixed keys: the body names an
   * account, but nothing authenticates that name then.
   */
  account?: string | undefined;
}

/** What authentication read and proved, kept for `parse` (never handed out: it holds the API key). */
export interface DropboxSignVerified {
  /** The callback document: the `json` form field (or the JSON body), parsed. */
  document: Record<string, unknown>;
  /** The API key that produced `event_hash`. */
  apiKey: string;
}

const FORM_TYPES = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;
const HEX_HASH = /^[0-9a-fA-F]{64}$/;

function invalid(message: string): CountersignError {
  return new CountersignError('PAYLOAD_INVALID', message);
}

function parseDocument(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CountersignError('BODY_MALFORMED_JSON', `The \`json\` field is not valid JSON: ${clip(errorMessage(error), 200)}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CountersignError('BODY_NOT_OBJECT', 'The `json` field must hold a JSON object.');
  return value as Record<string, unknown>;
}

/**
 * The callback document. Dropbox Sign posts `multipart/form-data` with one field named `json` holding the JSON
 * text; a JSON body (`application/json`) is read too (one Dropbox Sign page says callbacks are JSON: UNCONFIRMED).
 */
export async function readDropboxSignDocument(ctx: DeliveryContext): Promise<Record<string, unknown>> {
  if (!FORM_TYPES.test(ctx.headers.get('content-type') ?? '')) return ctx.json();
  const form = await ctx.form();
  const field = form.get('json');
  if (field === null) {
    throw invalid('The form has no `json` field: Dropbox Sign sends its callback as multipart/form-data with the event in a field named "json".');
  }
  return parseDocument(typeof field === 'string' ? field : await field.text());
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' && value.length <= MAX_ID_LENGTH ? value : undefined;
}

/**
 * The name the API key of a delivery is looked up by: on app callbacks (`event_metadata.reported_for_app_id` set)
 * the app's client id, else the account id (`event_metadata.reported_for_account_id`, else `account_guid`).
 */
export function dropboxSignAccountOf(document: Record<string, unknown>): string | undefined {
  const metadata = record(record(document.event)?.event_metadata);
  return idOf(metadata?.reported_for_app_id) ?? idOf(metadata?.reported_for_account_id) ?? idOf(document.account_guid);
}

/** `event_hash` as Dropbox Sign computes it: hex HMAC-SHA256 of `event_time + event_type`, keyed with the API key. */
export async function dropboxSignEventHash(apiKey: string, eventTime: string, eventType: string): Promise<string> {
  return toHex(await hmac('SHA-256', apiKey, `${eventTime}${eventType}`));
}

export interface DropboxSignAuthenticator {
  authenticate(ctx: DeliveryContext): Promise<{ facts: DropboxSignFacts; verified: DropboxSignVerified }>;
}

/**
 * Verify `event.event_hash` against the configured API key(s): every key is tried (rotation), each compared in
 * constant time. With a lookup, the key(s) of the account the body names.
 */
export function dropboxSignAuthenticator(apiKey: SecretSource, cacheMs: number | undefined): DropboxSignAuthenticator {
  const lookup = typeof apiKey === 'function';
  const keysOf = secretSource(apiKey, { name: 'dropboxSign: `apiKey`', cacheMs });
  return {
    async authenticate(ctx) {
      const document = await readDropboxSignDocument(ctx);
      const event = record(document.event);
      if (event === undefined) throw invalid('The callback has no `event` object: it is not a Dropbox Sign callback.');
      const hash = event.event_hash;
      if (hash === undefined || hash === null || hash === '') {
        throw new CountersignError('AUTH_MISSING', 'The callback has no `event.event_hash`; Dropbox Sign hashes every event with the API key.');
      }
      const { event_time: time, event_type: type } = event;
      if (typeof time !== 'string' || !/^\d{1,20}$/.test(time)) throw invalid('`event.event_time` must be Unix seconds as a string of digits.');
      if (typeof type !== 'string' || type === '' || type.length > MAX_EVENT_NAME_LENGTH) {
        throw invalid(`\`event.event_type\` must be a string of 1 to ${MAX_EVENT_NAME_LENGTH} characters.`);
      }
      if (typeof hash !== 'string' || !HEX_HASH.test(hash)) throw new CountersignError('AUTH_INVALID', '`event.event_hash` is not 64 hex digits (an HMAC-SHA256).');
      let account: string | undefined;
      if (lookup) {
        account = dropboxSignAccountOf(document);
        if (account === undefined) {
          throw new CountersignError('AUTH_MISSING', 'The callback names no account (event.event_metadata.reported_for_account_id, account_guid) to look its API key up by.');
        }
      }
      const keys = await keysOf(account ?? '', ctx.signal);
      const given = hash.toLowerCase();
      let matched: string | undefined;
      for (const key of keys) {
        // Every key is hashed and compared, whichever matches: the time taken does not tell which.
        const ok = timingSafeEqual(await dropboxSignEventHash(key, time, type), given);
        if (ok && matched === undefined) matched = key;
      }
      if (matched === undefined) {
        throw new CountersignError('AUTH_INVALID', "`event.event_hash` does not match: the event's time or type changed, or it was hashed with another API key.");
      }
      return { facts: lookup ? { account } : {}, verified: { document, apiKey: matched } };
    },
  };
}
