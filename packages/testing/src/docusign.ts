import { hmac, toBase64 } from '@countersign/core';

/** A delivery as DocuSign Connect sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface DocusignDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface DocusignDeliveryOptions {
  /**
   * The active Connect HMAC key(s), as text: each signs the body into its own `X-DocuSign-Signature-N` header, in
   * this order (as Connect does while several keys are active).
   */
  hmacKeys: string | readonly string[];
  /** The JSON SIM event, e.g. `envelope-completed`. */
  event: string;
  /** `data`: merged over a default `{ accountId, userId, envelopeId }`. */
  data?: Record<string, unknown>;
  /** 0 on the first attempt (default). */
  retryCount?: number;
  /** Default: now, with 7 fractional digits as Connect writes it. */
  generatedDateTime?: string;
  configurationId?: number;
  /** Replaces the whole body (`event`, `data`... are then ignored); signed as is. */
  body?: string;
  contentType?: string;
}

/** `date` as Connect writes `generatedDateTime`: ISO 8601 with 7 fractional digits. */
export function docusignDateTime(date: Date = new Date()): string {
  return date.toISOString().replace(/Z$/, '0000Z');
}

/** The `X-DocuSign-Signature-N` value for a body: base64 of HMAC-SHA256 over the raw body, the key taken as UTF-8 text. */
export async function docusignSignature(hmacKey: string, body: string | Uint8Array): Promise<string> {
  return toBase64(await hmac('SHA-256', hmacKey, body));
}

/** Build a Connect JSON SIM delivery signed like DocuSign: one signature header per key. */
export async function docusignDelivery(options: DocusignDeliveryOptions): Promise<DocusignDelivery> {
  const accountId = 'dc04a7e3-b7a3-49d5-b7b4-e070617350ab';
  const data = { accountId, userId: 'd0224e9b-2b26-4785-bf86-b503c471cda4', envelopeId: crypto.randomUUID(), ...options.data };
  const body =
    options.body ??
    JSON.stringify({
      event: options.event,
      apiVersion: 'v2.1',
      uri: `/restapi/v2.1/accounts/${String(data.accountId)}/envelopes/${String(data.envelopeId)}`,
      retryCount: options.retryCount ?? 0,
      configurationId: options.configurationId ?? 14029861,
      generatedDateTime: options.generatedDateTime ?? docusignDateTime(),
      data,
    });
  const headers: Record<string, string> = { 'content-type': options.contentType ?? 'application/json', 'x-authorization-digest': 'HMACSHA256' };
  const keys = typeof options.hmacKeys === 'string' ? [options.hmacKeys] : options.hmacKeys;
  for (const [i, key] of keys.entries()) headers[`x-docusign-signature-${i + 1}`] = await docusignSignature(key, body);
  return { method: 'POST', headers, body };
}
