import { z } from 'zod';
import { lifecycleTime } from '../../lifecycle.js';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { PandaDocDocumentEventName, PandaDocEventName } from './events.js';

/*
 * PandaDoc payloads. The body is a JSON array of notifications `{ event, data }`; each notification is one event.
 * `data` mirrors the document-details answer of PandaDoc's API. Every object is loose (PandaDoc adds fields; unknown
 * ones pass through) and most fields are optional or nullable. Handlers get the times as `Date`.
 */

const text = z.string().nullish();

/** An ISO 8601 time as PandaDoc writes it (`2025-03-15T00:53:29.286758Z`), as a `Date`; a `Date` is kept. */
const time = z.union([z.string(), z.date()]).transform((value, ctx) => {
  const date = lifecycleTime(value);
  if (date === undefined) {
    ctx.issues.push({ code: 'custom', input: value, message: 'expected an ISO 8601 date-time' });
    return z.NEVER;
  }
  return date;
});

const id = z
  .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must not be longer than ${MAX_ID_LENGTH} characters`);

/** The first check, before the acknowledgement: what names the notification and derives its dedupe key. */
export const pandadocEnvelopeSchema = z.looseObject({
  event: z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(MAX_EVENT_NAME_LENGTH, `must not be longer than ${MAX_EVENT_NAME_LENGTH} characters`),
  data: z.looseObject({ id: id.optional() }, { error: 'must be an object' }),
});

/** A PandaDoc user (`created_by`, `sent_by`) or the recipient who acted (`action_by`). */
const pandadocPerson = z.looseObject({
  id: text,
  email: text,
  first_name: text,
  last_name: text,
  avatar: text,
  membership_id: text,
  contact_id: text,
});

const pandadocRecipient = z.looseObject({
  id: text,
  first_name: text,
  last_name: text,
  email: text,
  /** `signer`, `CC`, ... */
  recipient_type: text,
  has_completed: z.boolean().nullish(),
  role: text,
  roles: boundedArray(z.string()).nullish(),
  signing_order: z.number().nullish(),
  contact_id: text,
  /** The recipient's signing link; may be empty. */
  shared_link: text,
});

/** `data` of document and recipient events: the document's details. */
const pandadocDocumentData = z.looseObject({
  id,
  name: text,
  /** `document.draft`, `document.sent`, `document.completed`... (`PANDADOC_DOCUMENT_STATUSES`). */
  status: text,
  date_created: time.nullish(),
  date_modified: time.nullish(),
  date_updated: time.nullish(),
  expiration_date: time.nullish(),
  autonumbering_sequence_name: text,
  created_by: pandadocPerson.nullish(),
  sent_by: pandadocPerson.nullish(),
  metadata: z.record(z.string(), z.unknown()).nullish(),
  tokens: boundedArray(z.unknown()).nullish(),
  fields: boundedArray(z.unknown()).nullish(),
  products: boundedArray(z.unknown()).nullish(),
  pricing: z.unknown().optional(),
  tags: boundedArray(z.string()).nullish(),
  recipients: boundedArray(pandadocRecipient).nullish(),
  grand_total: z.looseObject({ amount: z.union([z.string(), z.number()]).nullish(), currency: text }).nullish(),
  template: z.looseObject({ id: text, name: text }).nullish(),
  version: z.union([z.string(), z.number()]).nullish(),
  linked_objects: boundedArray(z.unknown()).nullish(),
  /** `recipient_completed`: who completed. */
  action_by: pandadocPerson.nullish(),
  /** `recipient_completed`: when (the legacy reference calls it `action_on`). */
  action_date: time.nullish(),
  action_on: time.nullish(),
});

/** `data` of template events. */
const pandadocTemplateData = z.looseObject({
  id,
  name: text,
  date_created: time.nullish(),
  date_modified: time.nullish(),
  created_by: pandadocPerson.nullish(),
});

/** `data` of quote events and of events this provider does not know. */
const pandadocBaseData = z.looseObject({ id: id.optional() });

function notification<D extends z.ZodType>(data: D) {
  return pandadocEnvelopeSchema.extend({ data });
}

export const pandadocDocumentPayloadSchema = notification(pandadocDocumentData);
export const pandadocTemplatePayloadSchema = notification(pandadocTemplateData);
export const pandadocBasePayloadSchema = notification(pandadocBaseData);

/** One document notification (document and recipient events) as handlers see it: times as `Date`. */
export type PandaDocDocumentPayload = z.output<typeof pandadocDocumentPayloadSchema>;
/** One template notification. */
export type PandaDocTemplatePayload = z.output<typeof pandadocTemplatePayloadSchema>;
/** A quote notification, or one of an event this provider does not know (yet). */
export type PandaDocBasePayload = z.output<typeof pandadocBasePayloadSchema>;

/** Event name -> payload type, for every known event. */
export type PandaDocEvents = {
  [N in PandaDocEventName]: N extends PandaDocDocumentEventName
    ? PandaDocDocumentPayload
    : N extends `template_${string}`
      ? PandaDocTemplatePayload
      : PandaDocBasePayload;
};
