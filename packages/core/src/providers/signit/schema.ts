import { z } from 'zod';
import { boundedArray } from '../../validation.js';
import type { SignitEventName, SignitSignatureEventName, SignitTopic, SignitVerificationEventName } from './events.js';

/*
 * SignIt payloads. Every object is loose (SignIt adds fields; unknown ones pass through) and most fields are
 * optional or nullable, as SignIt sends `null` freely. `rawData` arrives as a JSON document encoded as a string;
 * the payload handlers see carries it decoded.
 */

const text = z.string().nullish();
const epoch = z.number().nullish();

/** Fields every `rawData` carries. */
const baseData = {
  /** SignIt result code, e.g. `"100600000"`. */
  code: z.union([z.string(), z.number()]).nullish(),
  message: text,
  /** The tag the caller attached when it started the flow. */
  customTag: text,
  /** Identifies the API invocation the event belongs to. */
  invokeNo: text,
  links: z.array(z.unknown()).nullish(),
};

const contactMetadata = z.looseObject({
  contacts: boundedArray(z.looseObject({ email: text, sms: text, wechat: text })).nullish(),
});

const participant = z.looseObject({
  wsid: text,
  envelopeWsid: text,
  name: text,
  /** `SENDER`, `SIGNER`, ... */
  type: text,
  /** `PERSON`, `ENTERPRISE_MEMBER`, ... */
  roleType: text,
  /** `ING_WAIT`, `ED_FAIL_REJECT`, `ED_FAIL_EXPIRED`, ... */
  status: text,
  assignedSequence: z.number().nullish(),
  handleDatetime: epoch,
  handleReason: text,
  contactMetadata: contactMetadata.nullish(),
});

const basicEnvelope = z.looseObject({
  wsid: z.string(),
  /** `ING_SENT_DILIVER`, `ED_FAIL_REJECT`, ... */
  status: text,
  statusReason: text,
  title: text,
  subject: text,
  createdDatetime: epoch,
  statusDatetime: epoch,
  expireDatetime: epoch,
  finishedDatetime: epoch,
  currentSequence: z.number().nullish(),
});

/** `rawData` of envelope and participant events. */
const signitEnvelopeDataSchema = z.looseObject({
  ...baseData,
  actionUrl: text,
  actions: boundedArray(z.string()).nullish(),
  account: text,
  basicEnvelope: basicEnvelope.nullish(),
  senderParticipant: participant.nullish(),
  receiverParticipant: participant.nullish(),
  signData: z.looseObject({ url: text }).nullish(),
  returnUrl: text,
});

/** `rawData` of person and enterprise verification events. */
const signitVerificationDataSchema = z.looseObject({
  ...baseData,
  /** `INCOMPLETE`, `WAITING_SUM_CHECK`, `DENY`, ... */
  status: text,
  description: text,
  actionUrl: text,
  /** Epoch seconds. */
  submitDatetime: epoch,
  /** Epoch seconds. */
  handleDatetime: epoch,
});

/** `rawData` of signatures outside the envelope flow (quick sign, countersignature, data signature). */
const signitSignatureDataSchema = signitEnvelopeDataSchema.extend({
  /** Where to download the signed file. */
  url: text,
});

/** `rawData` of events this provider does not know. */
const signitBaseDataSchema = z.looseObject(baseData);

/** The delivery body as sent: `rawData` still a string. */
export const signitBodySchema = z.looseObject({
  event: z.string().min(1),
  target: z.looseObject({ webhookWsid: text, destination: text }).nullish(),
  rawData: z.union([z.string(), z.record(z.string(), z.unknown())]),
  needCallBack: z.boolean().nullish(),
});

/**
 * What `parse` reads before the acknowledgement: the event name and `rawData` (the dedupe key is derived from its
 * decoded content). Not loose: only these two fields are copied out. The rest is validated before the handlers.
 */
export const signitHeadSchema = z.object({ event: z.string().min(1), rawData: z.union([z.string(), z.record(z.string(), z.unknown())]) });

function payloadSchema<D extends z.ZodType>(data: D) {
  return signitBodySchema.extend({
    /** SignIt's `rawData`, decoded (it arrives as a JSON string) and validated. */
    rawData: data,
  });
}

export const signitEnvelopePayloadSchema = payloadSchema(signitEnvelopeDataSchema);
export const signitVerificationPayloadSchema = payloadSchema(signitVerificationDataSchema);
export const signitSignaturePayloadSchema = payloadSchema(signitSignatureDataSchema);
export const signitBasePayloadSchema = payloadSchema(signitBaseDataSchema);

/** The payload schema of each topic; unknown events use `signitBasePayloadSchema`. */
export const signitPayloadSchemas = {
  envelope: signitEnvelopePayloadSchema,
  participant: signitEnvelopePayloadSchema,
  verification: signitVerificationPayloadSchema,
  signature: signitSignaturePayloadSchema,
} as const satisfies Record<SignitTopic, z.ZodType>;

export type SignitEnvelopePayload = z.output<typeof signitEnvelopePayloadSchema>;
export type SignitVerificationPayload = z.output<typeof signitVerificationPayloadSchema>;
export type SignitSignaturePayload = z.output<typeof signitSignaturePayloadSchema>;
/** The payload of an event this provider does not know (yet). */
export type SignitBasePayload = z.output<typeof signitBasePayloadSchema>;

/** Event name -> payload type, for every known event. */
export type SignitEvents = {
  [N in SignitEventName]: N extends SignitVerificationEventName
    ? SignitVerificationPayload
    : N extends SignitSignatureEventName
      ? SignitSignaturePayload
      : SignitEnvelopePayload;
};
