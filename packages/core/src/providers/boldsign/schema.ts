import { z } from 'zod';
import { lifecycleTime } from '../../lifecycle.js';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { BoldSignDocumentEventName, BoldSignEventName } from './events.js';

/*
 * BoldSign payloads: `{ event: { id, created, eventType, clientId?, environment }, context?, data? }`
 * (developers.boldsign.com/webhooks/sample-event-data). Every object is loose (BoldSign adds fields; unknown ones
 * pass through) and most fields optional or nullable. Times arrive as Unix seconds; handlers get them as `Date`.
 */

const text = z.string().nullish();

/** Unix seconds as BoldSign writes them, as a `Date`; a `Date` (or an ISO string) is kept. */
const unixTime = z.union([z.number(), z.string(), z.date()]).transform((value, ctx) => {
  const date = lifecycleTime(value);
  if (date === undefined) {
    ctx.issues.push({ code: 'custom', input: value, message: 'expected Unix seconds' });
    return z.NEVER;
  }
  return date;
});

const required = (issue: { input: unknown }): string => (issue.input === undefined ? 'is missing' : 'must be a string');

/** The first check, before the acknowledgement: what names the event and derives its dedupe key. */
export const boldsignEnvelopeSchema = z.looseObject({
  event: z.looseObject(
    {
      id: z.string({ error: required }).min(1, 'must not be empty').max(MAX_ID_LENGTH, `must not be longer than ${MAX_ID_LENGTH} characters`),
      eventType: z
        .string({ error: required })
        .min(1, 'must not be empty')
        .max(MAX_EVENT_NAME_LENGTH, `must not be longer than ${MAX_EVENT_NAME_LENGTH} characters`),
    },
    { error: 'must be an object' },
  ),
});

/** `event`: the metadata every delivery carries. */
const boldsignEventMetadata = z.looseObject({
  id: z.string().min(1).max(MAX_ID_LENGTH),
  /** When the event happened. */
  created: unixTime.nullish(),
  eventType: z.string().min(1).max(MAX_EVENT_NAME_LENGTH),
  /** The OAuth app, for app-level webhooks. */
  clientId: text,
  /** `Test` or `Live`. */
  environment: text,
});

/** `context`: who caused the event. */
const boldsignContext = z.looseObject({
  eventType: text,
  actor: z.looseObject({ userType: text, id: text }).nullish(),
  previousState: z.unknown().optional(),
});

const boldsignSigner = z.looseObject({
  signerName: text,
  signerRole: text,
  signerEmail: text,
  id: text,
  /** `NotCompleted`, `Completed`, `Declined`, ... */
  status: text,
  enableAccessCode: z.boolean().nullish(),
  isAuthenticationFailed: z.boolean().nullish(),
  enableEmailOTP: z.boolean().nullish(),
  isDeliveryFailed: z.boolean().nullish(),
  isViewed: z.boolean().nullish(),
  order: z.number().nullish(),
  signerType: text,
  isReassigned: z.boolean().nullish(),
  reassignMessage: text,
  declineMessage: text,
  lastActivityDate: unixTime.nullish(),
  authenticationType: text,
  allowFieldConfiguration: z.boolean().nullish(),
});

/** `data` of document events. */
const boldsignDocumentData = z.looseObject({
  object: text,
  documentId: z.string().min(1).max(MAX_ID_LENGTH),
  messageTitle: text,
  documentDescription: text,
  /** `InProgress`, `Completed`, `Declined`, `Revoked`, `Expired`, ... */
  status: text,
  senderDetail: z.looseObject({ name: text, emailAddress: text, userId: text, teamId: text }).nullish(),
  signerDetails: boundedArray(boldsignSigner).nullish(),
  ccDetails: boundedArray(z.unknown()).nullish(),
  onBehalfOf: text,
  createdDate: unixTime.nullish(),
  expiryDate: unixTime.nullish(),
  enableSigningOrder: z.boolean().nullish(),
  disableEmails: z.boolean().nullish(),
  revokeMessage: text,
  errorMessage: text,
  labels: boundedArray(z.string()).nullish(),
  isCombinedAudit: z.boolean().nullish(),
  brandId: text,
  documentDownloadOption: text,
  metaData: z.record(z.string(), z.unknown()).nullish(),
});

export const boldsignDocumentPayloadSchema = z.looseObject({
  event: boldsignEventMetadata,
  context: boldsignContext.nullish(),
  data: boldsignDocumentData,
});

/** Events this provider types loosely (templates, sender identities, identity checks) and unknown ones. */
export const boldsignBasePayloadSchema = z.looseObject({
  event: boldsignEventMetadata,
  context: boldsignContext.nullish(),
  data: z.record(z.string(), z.unknown()).nullish(),
});

/** A document event as handlers see it: times as `Date`. */
export type BoldSignDocumentPayload = z.output<typeof boldsignDocumentPayloadSchema>;
/** Any other event (template, sender identity, identity verification) or one this provider does not know. */
export type BoldSignBasePayload = z.output<typeof boldsignBasePayloadSchema>;

/** Event type -> payload type, for every known event. */
export type BoldSignEvents = { [N in BoldSignEventName]: N extends BoldSignDocumentEventName ? BoldSignDocumentPayload : BoldSignBasePayload };
