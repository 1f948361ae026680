import { z } from 'zod';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray } from '../../validation.js';
import type { DocusignEventName } from './events.js';

/*
 * DocuSign Connect JSON SIM messages. Every object is loose (DocuSign adds fields; unknown ones pass through).
 * `envelopeSummary` is only there when the Connect configuration includes it; its dates are ISO 8601 strings and
 * its booleans and counts the strings `"true"`, `"false"`, `"2"`, kept as sent.
 */

const text = z.string().nullish();
/** A value DocuSign writes as a string but that is a number in places (ids, counts). */
const textOrNumber = z.union([z.string(), z.number()]).nullish();
const id = z.string().min(1, 'must not be empty').max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`);

/**
 * What `parse` reads before the acknowledgement: the event name and what the dedupe key is made of. A body without
 * them is not a Connect message (400); everything else is checked by the full schema before the handlers.
 */
export const docusignEnvelopeSchema = z.looseObject({
  event: z.string().min(1, 'must not be empty').max(MAX_EVENT_NAME_LENGTH, `must be at most ${MAX_EVENT_NAME_LENGTH} characters`),
  retryCount: textOrNumber,
  generatedDateTime: z.string().max(64, 'must be at most 64 characters').nullish(),
  data: z.looseObject({
    envelopeId: id.nullish(),
    recipientId: z.union([id, z.number()]).nullish(),
  }),
});

/** One recipient in `envelopeSummary.recipients` (signer, carbon copy, agent...). */
export const docusignRecipientSchema = z.looseObject({
  recipientId: textOrNumber,
  recipientIdGuid: text,
  name: text,
  email: text,
  userId: text,
  /** `signer`, `carboncopy`, ... */
  recipientType: text,
  routingOrder: textOrNumber,
  /** `created`, `sent`, `delivered`, `completed`, `declined`, `autoresponded`, ... */
  status: text,
  declinedReason: text,
  sentDateTime: text,
  deliveredDateTime: text,
  signedDateTime: text,
  declinedDateTime: text,
});

const recipientList = boundedArray(docusignRecipientSchema).nullish();

export const docusignEnvelopeSummarySchema = z.looseObject({
  /** `sent`, `delivered`, `completed`, `declined`, `voided`, ... */
  status: text,
  envelopeId: text,
  emailSubject: text,
  sender: z.looseObject({ userName: text, userId: text, accountId: text, email: text }).nullish(),
  recipients: z
    .looseObject({
      signers: recipientList,
      agents: recipientList,
      editors: recipientList,
      intermediaries: recipientList,
      carbonCopies: recipientList,
      certifiedDeliveries: recipientList,
      inPersonSigners: recipientList,
      seals: recipientList,
      witnesses: recipientList,
      notaries: recipientList,
      recipientCount: textOrNumber,
      currentRoutingOrder: textOrNumber,
    })
    .nullish(),
  createdDateTime: text,
  sentDateTime: text,
  deliveredDateTime: text,
  completedDateTime: text,
  declinedDateTime: text,
  voidedDateTime: text,
  voidedReason: text,
  statusChangedDateTime: text,
  expireDateTime: text,
});

/** The payload of a known envelope or recipient event. */
export const docusignPayloadSchema = z.looseObject({
  event: z.string(),
  /** `v2.1`. */
  apiVersion: text,
  /** `/restapi/v2.1/accounts/{accountId}/envelopes/{envelopeId}`. */
  uri: text,
  /** How many times Connect retried this message (0 on the first attempt; it changes the signed body). */
  retryCount: textOrNumber,
  configurationId: textOrNumber,
  /** When Connect generated the message (ISO 8601, up to 7 fractional digits). */
  generatedDateTime: z.string(),
  data: z.looseObject({
    accountId: z.string(),
    userId: text,
    envelopeId: id,
    /** The recipient of recipient events (`"1"`). */
    recipientId: textOrNumber,
    /** Only when the Connect configuration includes it. */
    envelopeSummary: docusignEnvelopeSummarySchema.nullish(),
  }),
});

/** The payload of an event this provider does not know: only `event` is required. */
export const docusignBasePayloadSchema = z.looseObject({
  event: z.string(),
  apiVersion: text,
  uri: text,
  retryCount: textOrNumber,
  configurationId: textOrNumber,
  generatedDateTime: text,
  data: z.looseObject({ accountId: text, userId: text, envelopeId: text, recipientId: textOrNumber }).nullish(),
});

export type DocusignPayload = z.output<typeof docusignPayloadSchema>;
export type DocusignEnvelopeSummary = z.output<typeof docusignEnvelopeSummarySchema>;
export type DocusignRecipient = z.output<typeof docusignRecipientSchema>;
/** The payload of an event this provider does not know (yet). */
export type DocusignBasePayload = z.output<typeof docusignBasePayloadSchema>;

/** Event name -> payload type, for every known event. */
export type DocusignEvents = { [N in DocusignEventName]: DocusignPayload & { event: N } };
