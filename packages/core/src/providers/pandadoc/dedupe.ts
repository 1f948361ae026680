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
export async function pandadocDedupeKey(event: string, notification: unknown): Promise<string> {
  const data = typeof notification === 'object' && notification !== null ? (notification as { data?: unknown }).data : undefined;
  const when = field(data, 'action_date') || field(data, 'action_on') || field(data, 'date_updated') || field(data, 'date_modified');
  const actor = typeof data === 'object' && data !== null ? field((data as Record<string, unknown>)['action_by'], 'id') || field((data as Record<string, unknown>)['action_by'], 'email') : '';
  const parts = [field(data, 'id'), field(data, 'status'), when === '' ? `sha256:${await sha256Hex(JSON.stringify(notification))}` : when];
  if (actor !== '') parts.push(actor);
  return [event, ...parts].join(':');
}
