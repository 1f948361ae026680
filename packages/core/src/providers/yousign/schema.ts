import { z } from 'zod';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { YousignEventName, YousignSignerEventName } from './events.js';

/*
 * Yousign API v3 webhook payloads. Every object is loose (Yousign adds fields; unknown ones pass through); most
 * fields of the signature request and signer resources are optional or nullable (their detail is UNCONFIRMED).
 * Times are kept as sent: `event_time` Unix seconds as a string, the resources' dates ISO 8601 strings.
 */

const text = z.string().nullish();

/**
 * What `parse` reads before the acknowledgement: the event id (the dedupe key) and the event name. A body without
 * them is not a Yousign webhook (400); everything else is checked by the full schema before the handlers.
 */
export const yousignEnvelopeSchema = z.looseObject({
  event_id: z.string().min(1, 'must not be empty').max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`),
  event_name: z.string().min(1, 'must not be empty').max(MAX_EVENT_NAME_LENGTH, `must be at most ${MAX_EVENT_NAME_LENGTH} characters`),
});

export const yousignSignatureRequestSchema = z.looseObject({
  id: z.string(),
  /** `draft`, `ongoing`, `done`, `expired`, `declined`, `canceled`, `deleted`, ... */
  status: text,
  name: text,
  delivery_mode: text,
  created_at: text,
  ordered_signers: z.boolean().nullish(),
  expiration_date: text,
  source: text,
  external_id: text,
  signers: boundedArray(z.looseObject({ id: z.string(), status: text })).nullish(),
  approvers: boundedArray(z.looseObject({ id: z.string(), status: text })).nullish(),
  documents: boundedArray(z.looseObject({ id: z.string(), nature: text })).nullish(),
  labels: boundedArray(z.unknown()).nullish(),
  decline_information: z.looseObject({ reason: text, declined_at: text, signer_id: text }).nullish(),
});

export const yousignSignerSchema = z.looseObject({
  id: z.string(),
  info: z
    .looseObject({
      first_name: text,
      last_name: text,
      email: text,
      phone_number: text,
      locale: text,
    })
    .nullish(),
  /** `initiated`, `notified`, `signed`, `declined`, ... */
  status: text,
  signature_level: text,
  signature_authentication_mode: text,
  delivery_mode: text,
});

const common = {
  event_id: z.string(),
  event_name: z.string(),
  /** When the event happened: Unix seconds, as a string; the same on every retry. */
  event_time: z.union([z.string(), z.number()]),
  subscription_id: text,
  subscription_description: text,
  sandbox: z.boolean().nullish(),
};

/** The payload of a known `signature_request.*` event. */
export const yousignSignatureRequestPayloadSchema = z.looseObject({
  ...common,
  data: z.looseObject({ signature_request: yousignSignatureRequestSchema, signer: yousignSignerSchema.nullish() }),
});

/** The payload of a known `signer.*` event: the signature request and the signer. */
export const yousignSignerPayloadSchema = z.looseObject({
  ...common,
  data: z.looseObject({ signature_request: yousignSignatureRequestSchema, signer: yousignSignerSchema }),
});

/** The payload of an event this provider does not know: only the id and the name are required. */
export const yousignBasePayloadSchema = z.looseObject({
  ...common,
  event_time: z.union([z.string(), z.number()]).nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

export type YousignSignatureRequest = z.output<typeof yousignSignatureRequestSchema>;
export type YousignSigner = z.output<typeof yousignSignerSchema>;
export type YousignSignatureRequestPayload = z.output<typeof yousignSignatureRequestPayloadSchema>;
export type YousignSignerPayload = z.output<typeof yousignSignerPayloadSchema>;
/** The payload of an event this provider does not know (yet). */
export type YousignBasePayload = z.output<typeof yousignBasePayloadSchema>;

/** Event name -> payload type, for every known event. */
export type YousignEvents = {
  [N in YousignEventName]: (N extends YousignSignerEventName ? YousignSignerPayload : YousignSignatureRequestPayload) & { event_name: N };
};
