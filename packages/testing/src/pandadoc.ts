import { hmac, toHex } from '@countersign/core';

/**
 * A delivery as PandaDoc sends it: ready for `receiver.handle({ endpoint, ...delivery })` (the signature travels in
 * `query`), or for an HTTP client at `<url>?${delivery.query}`.
 */
export interface PandaDocDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
  /** The query string PandaDoc appends: `signature=<hex HMAC-SHA256 of the body>`. */
  query: string;
}

/** One notification of the array: `{ event, data }`. */
export interface PandaDocNotification {
  event: string;
  data: Record<string, unknown>;
}

export interface PandaDocDeliveryOptions {
  /** The subscription's shared key the body is signed with. */
  sharedKey: string;
  /** The notifications of the array (one or several). */
  notifications?: readonly PandaDocNotification[];
  /** Replaces the whole body (`notifications` is then ignored); signed as is. */
  body?: string;
  /** `X-PandaDoc-Webhook-Event-Id` (not signed). Default: a random UUID. */
  eventId?: string;
  contentType?: string;
  method?: string;
}

/** PandaDoc's signature of a body: hex HMAC-SHA256 of the raw body, keyed with the shared key (UTF-8). */
export async function pandadocSignature(sharedKey: string, body: string | Uint8Array): Promise<string> {
  return toHex(await hmac('SHA-256', sharedKey, body));
}

/** Build a PandaDoc delivery (a JSON array of notifications) signed as PandaDoc signs it. */
export async function pandadocDelivery(options: PandaDocDeliveryOptions): Promise<PandaDocDelivery> {
  const body = options.body ?? JSON.stringify(options.notifications ?? []);
  return {
    method: options.method ?? 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-pandadoc-webhook-event-id': options.eventId ?? crypto.randomUUID(),
    },
    body,
    query: `signature=${await pandadocSignature(options.sharedKey, body)}`,
  };
}
