import { sha256Hex } from '../../crypto.js';

function field(record: unknown, name: string): string {
  if (typeof record !== 'object' || record === null) return '';
  const value = (record as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * The dedupe key of one PandaDoc notification, from its signed content only: the event, the document (or
 * template) id, its status, the time the notification is about (`action_date`/`action_on` of a recipient's action,
 * else `date_updated`/`date_modified`) and who acted (`action_by`). Every copy and retry of one notification gives
 * the same key; the next change of the same document a new one. A notification without any of these times gets a
 * SHA-256 of its JSON in their place.
 *
 * The `X-PandaDoc-Webhook-Event-Id` header is left out on purpose: it is not signed, so a replay of a signed body
 * under a fresh header would otherwise pass the dedupe (handlers see it in `event.delivery.headers`).
 */
export function pandadocDedupeKey(event: string, notification: unknown): string | Promise<string> {
  const data = typeof notification === 'object' && notification !== null ? (notification as { data?: unknown }).data : undefined;
  const by = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['action_by'] : undefined;
  const when = field(data, 'action_date') || field(data, 'action_on') || field(data, 'date_updated') || field(data, 'date_modified');
  const actor = field(by, 'id') || field(by, 'email');
  const key = (time: string): string => [event, field(data, 'id'), field(data, 'status'), time, ...(actor === '' ? [] : [actor])].join(':');
  // The common case (a notification with a time) costs no promise.
  return when !== '' ? key(when) : sha256Hex(JSON.stringify(notification)).then((hash) => key(`sha256:${hash}`));
}
