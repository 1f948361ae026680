import { sha256Hex } from '../../crypto.js';

/**
 * The dedupe key of an Acrobat Sign notification: `webhookNotificationId`, which Adobe documents as the way to
 * recognise a notification it sends again (retries, parallel deliveries). It is the same on every copy.
 *
 * When nothing authenticates the body (no `oauth`: the client id is public), the key is also bound to the body:
 * `<webhookNotificationId>#<first 32 hex digits of the body's SHA-256>`. Otherwise anyone could post junk under a
 * genuine notification's id first and have the genuine delivery dropped as its duplicate. Adobe's retries carry the
 * same bytes, so they still match; a copy with other bytes is handled as another event (handlers are
 * at-least-once anyway).
 */
export async function adobeSignDedupeKey(payload: { webhookNotificationId: string }, body?: Uint8Array): Promise<string> {
  if (body === undefined) return payload.webhookNotificationId;
  return `${payload.webhookNotificationId}#${(await sha256Hex(body)).slice(0, 32)}`;
}
