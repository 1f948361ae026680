import { sha256Hex } from '../../crypto.js';

/** What the dedupe key is made of, as `parse` read it from the signed body. */
export interface DocusignKeyParts {
  event: string;
  envelopeId?: string | null | undefined;
  recipientId?: string | number | null | undefined;
  generatedDateTime?: string | null | undefined;
}

/**
 * The dedupe key of a Connect message: JSON SIM carries no event id, so it is
 * `<event>:<envelopeId>[:<recipientId>]:<generatedDateTime>`, all inside the signed body. `retryCount` is left out:
 * it grows with each retry (changing the body and its HMAC too, so a hash of the body would not do). When neither
 * the envelope nor the time is there (an event this provider does not know), the key is the event and a SHA-256 of
 * the body as parsed with `retryCount` removed.
 */
export async function docusignDedupeKey(parts: DocusignKeyParts, body: Record<string, unknown>): Promise<string> {
  const envelopeId = parts.envelopeId ?? '';
  const time = parts.generatedDateTime ?? '';
  if (envelopeId === '' && time === '') {
    const { retryCount: _retry, ...rest } = body;
    return `${parts.event}:sha256:${await sha256Hex(JSON.stringify(rest))}`;
  }
  const recipient = parts.recipientId === undefined || parts.recipientId === null || parts.recipientId === '' ? [] : [String(parts.recipientId)];
  return [parts.event, envelopeId, ...recipient, time].join(':');
}
