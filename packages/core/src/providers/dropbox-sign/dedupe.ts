import { sha256Hex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import type { DropboxSignEnvelope } from './schema.js';

/** Deepest nesting the canonical form walks; Dropbox Sign's callbacks are a few levels deep. */
const MAX_DEPTH = 64;

/**
 * `value` as JSON with the keys of every object sorted: the same text for the same content whatever the key order
 * or whitespace of the delivery. Deeper than `MAX_DEPTH`: 400.
 */
export function canonicalJson(value: unknown, depth = 0): string {
  if (depth > MAX_DEPTH) throw new CountersignError('PAYLOAD_INVALID', `The callback is nested more than ${MAX_DEPTH} levels deep.`);
  if (Array.isArray(value)) return `[${value.map((item) => canonicalJson(item, depth + 1)).join(',')}]`;
  if (typeof value === 'object' && value !== null) {
    const entries = Object.keys(value)
      .sort()
      .map((key) => `${JSON.stringify(key)}:${canonicalJson((value as Record<string, unknown>)[key], depth + 1)}`);
    return `{${entries.join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/**
 * The dedupe key of a Dropbox Sign callback. Dropbox Sign sends no event id, and `event_hash` covers only the
 * event's time and type, so the key is
 * `<event_type>:<event_time>:<subject>[:<related_signature_id>]#<first 32 hex digits of the SHA-256 of the canonical document>`,
 * where the subject is the signature request, template or account id the callback is about (the first present of
 * `signature_request.signature_request_id`, `template.template_id`, `account.account_id`, `account_guid`,
 * `event_metadata.reported_for_account_id`).
 *
 * The hash binds the key to the delivered content: a retry (same content) has the same key, while a body forged
 * under a genuine `event_hash` (anyone who saw one callback can reuse its `event` object) gets another key, so it
 * cannot get the genuine event dropped as its duplicate. Two events of one type in the same second about the same
 * signature request and signer are still told apart when their content differs.
 */
export async function dropboxSignDedupeKey(envelope: DropboxSignEnvelope, document: Record<string, unknown>): Promise<string> {
  const { event } = envelope;
  const metadata = event.event_metadata;
  const subject =
    envelope.signature_request?.signature_request_id ??
    envelope.template?.template_id ??
    envelope.account?.account_id ??
    envelope.account_guid ??
    metadata?.reported_for_account_id ??
    undefined;
  const parts = [event.event_type, event.event_time, subject, metadata?.related_signature_id].filter((part): part is string => typeof part === 'string' && part !== '');
  return `${parts.join(':')}#${(await sha256Hex(canonicalJson(document))).slice(0, 32)}`;
}
