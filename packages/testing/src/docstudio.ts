import { toBase64 } from '@countersign/core';

/** A delivery as DocStudio sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface DocStudioDelivery {
  method: string;
  /** Lower-case header names. */
  headers: Record<string, string>;
  body: string;
}

export interface DocStudioDeliveryOptions {
  /** With `password`: sent as HTTP Basic. Leave both out for an unauthenticated callback. */
  login?: string;
  password?: string;
  /** Envelope uuid. Default: a random uuid. */
  uuid?: string;
  /** Envelope status, e.g. `COMPLETED`; `null` leaves the field out. */
  status: string | null;
  /** The processing mailbox. Default: a fixed test mailbox; `null` leaves the field out (older senders). */
  mailbox?: string | null;
  label?: string[];
  subject?: string;
  receiveDate?: Date | number | string;
  expireDate?: Date | number | string;
  template?: string;
  sender?: string;
  /** How `Date` values are written: epoch ms (the documented examples, default) or ISO 8601 (the OpenAPI schema). */
  dates?: 'epoch' | 'iso';
  /** Extra fields, e.g. ones DocStudio may add later. */
  extra?: Record<string, unknown>;
}

const TEST_MAILBOX = '00000000-0000-4000-8000-00000000a11b';
const TEST_SENDER = '00000000-0000-4000-8000-0000000005e4';

/** Build a DocStudio envelope callback, with Basic credentials when `login` and `password` are given. */
export function docstudioDelivery(options: DocStudioDeliveryOptions): DocStudioDelivery {
  const writeDate = (value: Date | number | string | undefined): number | string | undefined =>
    value instanceof Date ? (options.dates === 'iso' ? value.toISOString() : value.getTime()) : value;
  const now = Date.now();
  const payload: Record<string, unknown> = {
    mailbox: options.mailbox === undefined ? TEST_MAILBOX : (options.mailbox ?? undefined),
    uuid: options.uuid ?? crypto.randomUUID(),
    label: options.label ?? [],
    status: options.status ?? undefined,
    subject: options.subject ?? 'Contract',
    receiveDate: writeDate(options.receiveDate ?? new Date(now)),
    expireDate: writeDate(options.expireDate ?? new Date(now + 30 * 24 * 3600 * 1000)),
    template: options.template,
    sender: options.sender ?? TEST_SENDER,
    ...options.extra,
  };
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (options.login !== undefined && options.password !== undefined) {
    headers['authorization'] = `Basic ${toBase64(new TextEncoder().encode(`${options.login}:${options.password}`))}`;
  }
  return { method: 'POST', headers, body: JSON.stringify(payload) };
}
