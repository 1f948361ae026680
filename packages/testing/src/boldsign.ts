import { hmac, toHex } from '@countersign/core';

/** A delivery as BoldSign sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface BoldSignDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface BoldSignDeliveryOptions {
  /** The webhook's current secret: signs `s0`. */
  secret: string;
  /** The previous secret while a roll keeps it valid: signs `s1` too. */
  previousSecret?: string;
  /** The event type, e.g. `Completed` or `Verification`. */
  eventType: string;
  /** `event.id`. Default: a random UUID. */
  id?: string;
  /** `event.created`, Unix seconds. Default: `timestamp`. */
  created?: number;
  /** `event.clientId` (app-level webhooks). Left out by default. */
  clientId?: string;
  /** `event.environment`. Default `Test`. */
  environment?: string;
  /** `context`. Left out by default. */
  context?: Record<string, unknown>;
  /** `data` (left out for `Verification`, as BoldSign does). */
  data?: Record<string, unknown>;
  /** Replaces the whole body (the fields above are then ignored); signed as is. */
  body?: string;
  /** The signed `t`, Unix seconds. Default: now. */
  timestamp?: number;
  contentType?: string;
  method?: string;
}

/** One BoldSign signature: hex HMAC-SHA256 of `"<t>.<body>"` with a webhook secret. */
export async function boldsignSignature(secret: string, timestamp: number, body: string): Promise<string> {
  return toHex(await hmac('SHA-256', secret, `${timestamp}.${body}`));
}

/** The `X-BoldSign-Signature` value: `t=<t>, s0=<current secret's>[, s1=<previous secret's>]`. */
export async function boldsignSignatureHeader(body: string, options: { secret: string; previousSecret?: string; timestamp: number }): Promise<string> {
  const parts = [`t=${options.timestamp}`, `s0=${await boldsignSignature(options.secret, options.timestamp, body)}`];
  if (options.previousSecret !== undefined) parts.push(`s1=${await boldsignSignature(options.previousSecret, options.timestamp, body)}`);
  return parts.join(', ');
}

/** Build a BoldSign delivery signed as BoldSign signs it. */
export async function boldsignDelivery(options: BoldSignDeliveryOptions): Promise<BoldSignDelivery> {
  const timestamp = options.timestamp ?? Math.floor(Date.now() / 1000);
  const event: Record<string, unknown> = { id: options.id ?? crypto.randomUUID(), created: options.created ?? timestamp, eventType: options.eventType };
  if (options.clientId !== undefined) event['clientId'] = options.clientId;
  event['environment'] = options.environment ?? 'Test';
  const document: Record<string, unknown> = { event };
  if (options.context !== undefined) document['context'] = options.context;
  if (options.data !== undefined) document['data'] = options.data;
  const body = options.body ?? JSON.stringify(document);
  return {
    method: options.method ?? 'POST',
    headers: {
      'content-type': options.contentType ?? 'application/json',
      'x-boldsign-event': options.eventType,
      'x-boldsign-signature': await boldsignSignatureHeader(body, { secret: options.secret, previousSecret: options.previousSecret, timestamp }),
    },
    body,
  };
}
