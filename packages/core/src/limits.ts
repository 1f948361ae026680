import { sha256Hex } from './crypto.js';

/**
 * Bounds on what a sender controls. Every id, key, name and log field countersign keeps or writes is bounded here,
 * so no delivery can make a map, a Redis key or a log line grow with its size.
 */

/** Longest event name (`AGREEMENT_WORKFLOW_COMPLETED`, `SIGNATURE_REQUEST.LAUNCHED`) accepted from a sender. */
export const MAX_EVENT_NAME_LENGTH = 128;

/** Longest platform id (Adobe's `webhookNotificationId`, ...) accepted from a sender. Longer: 400. */
export const MAX_ID_LENGTH = 256;

/** Most events one delivery may carry (a batch): each is claimed and queued on its own. More: 400. */
export const MAX_EVENTS_PER_DELIVERY = 1000;

/** Longest dedupe key kept as is; a longer one keeps its head and replaces the rest by its SHA-256. */
export const MAX_KEY_LENGTH = 200;
const KEPT_HEAD = MAX_KEY_LENGTH - 65; // room for `#` and 64 hex digits

/** Longest string written whole into a log field. */
export const MAX_LOG_STRING = 256;

/**
 * A dedupe key of at most `MAX_KEY_LENGTH` characters: short keys unchanged (synchronously: the common case costs no
 * promise), long ones `<head>#<sha256 of the rest>`.
 */
export function boundKey(key: string): string | Promise<string> {
  if (key.length <= MAX_KEY_LENGTH) return key;
  return sha256Hex(key.slice(KEPT_HEAD)).then((hash) => `${key.slice(0, KEPT_HEAD)}#${hash}`);
}

/** `text` cut to `max` characters, saying how much was left out. */
export function clip(text: string, max = MAX_LOG_STRING): string {
  return text.length <= max ? text : `${text.slice(0, max)}…(${text.length - max} more)`;
}

/** Control characters (CR, LF, NUL...) and anything outside Latin-1 cannot be written in an HTTP header value. */
const UNSAFE_HEADER_CHAR = /[^\t\x20-\x7e\x80-\xff]/;
const UNSAFE_HEADER_CHARS = new RegExp(UNSAFE_HEADER_CHAR.source, 'g');

/** `value` made writable as an HTTP header value: every character a header cannot carry becomes `?`. */
export function safeHeaderValue(value: string): string {
  return UNSAFE_HEADER_CHAR.test(value) ? value.replace(UNSAFE_HEADER_CHARS, '?') : value;
}
