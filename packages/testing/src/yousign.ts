import { hmac, toHex } from '@countersign/core';

/** A delivery as Yousign sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface YousignDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface YousignDeliveryOptions {
  /** The webhook subscription's secret. */
  secret: string;
  /** `event_name`, e.g. `signature_request.done`. */
  eventName: string;
  /** `data`, e.g. `{ signature_request: { id, status }, signer: { id, info } }`. Default: a signature request. */
  data?: Record<string, unknown>;
  /** `event_id`. Default: a random UUID (a new event each call). */
  eventId?: string;
  /** `event_time`: Unix seconds as a string. Default: now. */
  eventTime?: string;
  subscriptionId?: string;
  sandbox?: boolean;
  /** `X-Yousign-Retry`: 0 on the first attempt (default). */
  retry?: number;
  /** `X-Yousign-Issued-At`. Default: now, in Unix seconds (its real format is UNCONFIRMED). */
  issuedAt?: string;
  /** Replaces the whole body (`eventName`, `data`... are then ignored); signed as is. */
  body?: string;
}

/** The `X-Yousign-Signature-256` value for a body: `sha256=` + hex HMAC-SHA256 of the raw body with the secret. */
export async function yousignSignature(secret: string, body: string | Uint8Array): Promise<string> {
  return `sha256=${toHex(await hmac('SHA-256', secret, body))}`;
}

/** Build a Yousign v3 webhook delivery signed like Yousign. */
export async function yousignDelivery(options: YousignDeliveryOptions): Promise<YousignDelivery> {
  const now = String(Math.floor(Date.now() / 1000));
  const body =
    options.body ??
    JSON.stringify({
      event_id: options.eventId ?? crypto.randomUUID(),
      event_name: options.eventName,
      event_time: options.eventTime ?? now,
      subscription_id: options.subscriptionId ?? '1d67831d-8347-4db0-ac89-976d50c23856',
      subscription_description: 'countersign test subscription',
      sandbox: options.sandbox ?? true,
      data: options.data ?? { signature_request: { id: crypto.randomUUID(), status: 'ongoing', name: 'Test request', signers: [], documents: [] } },
    });
  return {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      'user-agent': 'Yousign Webhook Bot',
      'x-yousign-retry': String(options.retry ?? 0),
      'x-yousign-issued-at': options.issuedAt ?? now,
      'x-yousign-signature-256': await yousignSignature(options.secret, body),
    },
    body,
  };
}
