import { z } from 'zod';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { DropboxSignEventName, DropboxSignRequestEventName } from './events.js';

/*
 * Dropbox Sign callback payloads (openapi.yaml `EventCallbackRequest`, `SignatureRequestResponse`,
 * `TemplateResponse`, `AccountResponse`). Every object is loose: Dropbox Sign adds fields, unknown ones pass
 * through. Most fields are nullable, as the platform writes `null` freely. Times are Unix seconds, kept as numbers
 * (`event.event_time` is a string of digits, as sent and as hashed).
 */

const text = z.string().nullish();
const flag = z.boolean().nullish();
const seconds = z.number().nullish();
const id = z.string().min(1).max(MAX_ID_LENGTH);

/** `event.event_metadata`. */
export const dropboxSignEventMetadataSchema = z.looseObject({
  /** The signature (one signer's part) the event is about: `signature_request_signed`, `_viewed`... */
  related_signature_id: id.nullish(),
  reported_for_account_id: id.nullish(),
  /** Set on app callbacks (the API app's client id). */
  reported_for_app_id: id.nullish(),
  /** The decline reason or the error text. */
  event_message: text,
});

/** `event`: the only part `event_hash` covers (its time and type). */
export const dropboxSignEventSchema = z.looseObject({
  /** Unix seconds, as a string of digits. */
  event_time: z.string().regex(/^\d{1,20}$/, 'must be Unix seconds, as digits'),
  event_type: z.string().min(1).max(MAX_EVENT_NAME_LENGTH),
  /** Hex HMAC-SHA256 of `event_time + event_type` with the API key. */
  event_hash: z.string(),
  event_metadata: dropboxSignEventMetadataSchema.nullish(),
});

/** One signer's part of a signature request. */
export const dropboxSignSignatureSchema = z.looseObject({
  signature_id: id,
  signer_email_address: text,
  signer_name: text,
  signer_role: text,
  order: z.number().nullish(),
  /** `awaiting_signature`, `signed`, `declined`, `on_hold`, `error`... */
  status_code: text,
  decline_reason: text,
  signed_at: seconds,
  last_viewed_at: seconds,
  last_reminded_at: seconds,
  has_pin: flag,
  has_sms_auth: flag,
  has_sms_delivery: flag,
  sms_phone_number: text,
  reassigned_by: text,
  reassignment_reason: text,
  error: text,
});

/** A signature request, as in callbacks and in `GET /v3/signature_request/{id}`. */
export const dropboxSignSignatureRequestSchema = z.looseObject({
  signature_request_id: id,
  test_mode: flag,
  title: text,
  original_title: text,
  subject: text,
  message: text,
  metadata: z.record(z.string(), z.unknown()).nullish(),
  created_at: seconds,
  expires_at: seconds,
  is_complete: flag,
  is_declined: flag,
  has_error: flag,
  files_url: text,
  signing_url: text,
  details_url: text,
  final_copy_uri: text,
  signing_redirect_url: text,
  requester_email_address: text,
  cc_email_addresses: boundedArray(z.string()).nullish(),
  signatures: boundedArray(dropboxSignSignatureSchema).nullish(),
  response_data: boundedArray(z.looseObject({})).nullish(),
  custom_fields: boundedArray(z.looseObject({})).nullish(),
  template_ids: boundedArray(z.string()).nullish(),
  client_id: text,
  bulk_send_job_id: text,
});

export const dropboxSignTemplateSchema = z.looseObject({
  template_id: id,
  title: text,
  message: text,
  is_creator: flag,
  can_edit: flag,
  is_locked: flag,
  metadata: z.record(z.string(), z.unknown()).nullish(),
});

export const dropboxSignAccountSchema = z.looseObject({
  account_id: id,
  email_address: text,
  is_locked: flag,
  is_paid_hs: flag,
  is_paid_hf: flag,
  callback_url: text,
  role_code: text,
});

/** Fields every callback may carry; the objects it is about are optional. */
const baseShape = {
  event: dropboxSignEventSchema,
  /** The account the callback was sent for. */
  account_guid: id.nullish(),
  /** The API app's client id, on app callbacks. */
  client_id: id.nullish(),
  signature_request: dropboxSignSignatureRequestSchema.nullish(),
  template: dropboxSignTemplateSchema.nullish(),
  account: dropboxSignAccountSchema.nullish(),
};

/** The payload of any callback, and of events this provider does not know. */
export const dropboxSignBasePayloadSchema = z.looseObject(baseShape);

/** The payload of events about one signature request: `signature_request` is required. */
export const dropboxSignSignatureRequestPayloadSchema = z.looseObject({ ...baseShape, signature_request: dropboxSignSignatureRequestSchema });

/**
 * What `parse` reads before the acknowledgement: the event's time, type and hash and the ids the dedupe key is made
 * of. Nothing else is checked there (the full schemas run before the handlers).
 */
export const dropboxSignEnvelopeSchema = z.looseObject({
  event: dropboxSignEventSchema,
  account_guid: id.nullish(),
  signature_request: z.looseObject({ signature_request_id: id.nullish() }).nullish(),
  template: z.looseObject({ template_id: id.nullish() }).nullish(),
  account: z.looseObject({ account_id: id.nullish() }).nullish(),
});

export type DropboxSignEnvelope = z.output<typeof dropboxSignEnvelopeSchema>;
export type DropboxSignSignature = z.output<typeof dropboxSignSignatureSchema>;
export type DropboxSignSignatureRequest = z.output<typeof dropboxSignSignatureRequestSchema>;
export type DropboxSignTemplate = z.output<typeof dropboxSignTemplateSchema>;
export type DropboxSignAccount = z.output<typeof dropboxSignAccountSchema>;
/** The payload of any callback (and of events this provider does not know). */
export type DropboxSignBasePayload = z.output<typeof dropboxSignBasePayloadSchema>;
/** The payload of an event about one signature request. */
export type DropboxSignSignatureRequestPayload = z.output<typeof dropboxSignSignatureRequestPayloadSchema>;

/** Event name -> payload type, for every known event. */
export type DropboxSignEvents = {
  [N in DropboxSignEventName]: N extends DropboxSignRequestEventName ? DropboxSignSignatureRequestPayload : DropboxSignBasePayload;
};
