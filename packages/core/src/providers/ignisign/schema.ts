import { z } from 'zod';
import { boundedArray } from '../../validation.js';
import {
  IGNISIGN_APP_ENVS,
  IGNISIGN_MSG_NATURES,
  type IgnisignAction,
  type IgnisignEventName,
  type IgnisignTopic,
} from './events.js';

// Every object is loose: Ignisign adds fields over time, and unknown fields must reach handlers untouched.
// Ids that every delivery of an event carries are required; everything else is optional.

const appEnv = z.enum(IGNISIGN_APP_ENVS);
const optionalString = z.string().optional();

/** `error` of an `ERROR` delivery. */
export const ignisignErrorSchema = z.looseObject({
  errorCode: z.string(),
  message: optionalString,
  context: z.unknown().optional(),
});

/** What every Ignisign delivery looks like, whatever its topic: the type of events the provider does not know. */
export const ignisignEnvelopeSchema = z.looseObject({
  appId: z.string().min(1),
  appEnv,
  verificationToken: z.string().min(1),
  topic: z.string().min(1),
  action: z.string().min(1),
  msgNature: z.enum(IGNISIGN_MSG_NATURES),
  content: z.unknown(),
  error: ignisignErrorSchema.optional(),
});

/**
 * What `parse` reads before the acknowledgement: the event's name (`topic`, `action`) and nature, from which (with
 * `content` and `error` as sent) the dedupe key is derived. Everything else is validated before the handlers.
 */
export const ignisignHeadSchema = z.object({ topic: z.string().min(1), action: z.string().min(1), msgNature: z.string().min(1) });

/** `appId` / `appEnv` that most contents repeat. */
const appFields = { appId: optionalString, appEnv: appEnv.optional() };

const appContent = z.looseObject({ userId: optionalString });

const signatureFields = {
  ...appFields,
  documentNature: optionalString,
  signerExternalId: optionalString,
  documentExternalId: optionalString,
  signatureRequestExternalId: optionalString,
};
const signatureFinalizedContent = z.looseObject({
  ...signatureFields,
  signatureRequestId: z.string(),
  signerId: z.string(),
  documentId: z.string(),
  signatureId: z.string(),
});
/** A failed signature may stop before a signature (or a document) exists. */
const signatureFailedContent = z.looseObject({
  ...signatureFields,
  signatureRequestId: z.string(),
  signerId: optionalString,
  documentId: optionalString,
  signatureId: optionalString,
});

const requestSigner = z.looseObject({ signerId: z.string(), signerExternalId: optionalString, token: optionalString });
const signatureRequestFields = {
  signatureRequestId: z.string(),
  signatureRequestExternalId: optionalString,
  status: optionalString,
  initialSignatureRequestId: optionalString,
};
const signatureRequestContent = z.looseObject({
  ...signatureRequestFields,
  signers: z.looseObject({ signersBySide: boundedArray(requestSigner).optional(), signersEmbedded: boundedArray(requestSigner).optional() }).optional(),
});
/** LAUNCHED hands over the session token of every embedded signer (to open the signing iframe). */
const signatureRequestLaunchedContent = z.looseObject({
  ...signatureRequestFields,
  signers: z
    .looseObject({
      signersBySide: boundedArray(requestSigner).optional(),
      signersEmbedded: boundedArray(requestSigner.extend({ token: z.string() })).optional(),
    })
    .optional(),
});

const signerContent = z.looseObject({
  ...appFields,
  signerId: z.string(),
  signerExternalId: optionalString,
  authSecret: optionalString,
  inputsAdded: boundedArray(z.string()).optional(),
});

const signatureProfileContent = z.looseObject({ signatureProfileId: z.string() });

const signatureSessionContent = z.looseObject({
  signatureRequestId: z.string(),
  signerId: z.string(),
  signatureRequestExternalId: optionalString,
  signerExternalId: optionalString,
});

const proofFields = {
  ...appFields,
  signatureRequestId: z.string(),
  signatureRequestExternalId: optionalString,
  signatureProofToken: optionalString,
  signatureProofUrl: optionalString,
};
/** A generated proof: one download token and URL per document. */
const proofSuccessContent = z.looseObject({
  ...proofFields,
  documents: boundedArray(z.looseObject({ documentId: z.string(), documentExternalId: optionalString, token: z.string(), url: z.string() })),
});
/** A failed proof generation names the document it failed on, when there is one. */
const proofErrorContent = z.looseObject({ ...proofFields, documentId: optionalString, documentExternalId: optionalString });
const advancedProofContent = z.looseObject({ ...proofFields, documentId: z.string(), documentExternalId: optionalString });

const signerImageContent = z.looseObject({
  ...appFields,
  signatureRequestId: z.string(),
  signerId: z.string(),
  documentId: z.string(),
  signatureRequestExternalId: optionalString,
  signerExternalId: optionalString,
  documentExternalId: optionalString,
});

function event<T extends IgnisignTopic, A extends IgnisignAction<T>, C extends z.ZodType>(topic: T, action: A, content: C) {
  return ignisignEnvelopeSchema.extend({ topic: z.literal(topic), action: z.literal(action), content });
}

/** The schema of every known event, by event name (`TOPIC.ACTION`). */
export const ignisignEventSchemas = {
  'APP.SETTINGS_UPDATED': event('APP', 'SETTINGS_UPDATED', appContent),
  'APP.MEMBERSHIP_UPDATED': event('APP', 'MEMBERSHIP_UPDATED', appContent),
  'APP.ARCHIVED': event('APP', 'ARCHIVED', appContent),
  'SIGNATURE.FINALIZED': event('SIGNATURE', 'FINALIZED', signatureFinalizedContent),
  'SIGNATURE.FAILED': event('SIGNATURE', 'FAILED', signatureFailedContent),
  'SIGNATURE_REQUEST.INITIALIZED': event('SIGNATURE_REQUEST', 'INITIALIZED', signatureRequestContent),
  'SIGNATURE_REQUEST.UPDATED': event('SIGNATURE_REQUEST', 'UPDATED', signatureRequestContent),
  'SIGNATURE_REQUEST.READY': event('SIGNATURE_REQUEST', 'READY', signatureRequestContent),
  'SIGNATURE_REQUEST.LAUNCHED': event('SIGNATURE_REQUEST', 'LAUNCHED', signatureRequestLaunchedContent),
  'SIGNATURE_REQUEST.FAILED': event('SIGNATURE_REQUEST', 'FAILED', signatureRequestContent),
  'SIGNATURE_REQUEST.CANCELLED': event('SIGNATURE_REQUEST', 'CANCELLED', signatureRequestContent),
  'SIGNATURE_REQUEST.EXPIRED': event('SIGNATURE_REQUEST', 'EXPIRED', signatureRequestContent),
  'SIGNATURE_REQUEST.COMPLETED': event('SIGNATURE_REQUEST', 'COMPLETED', signatureRequestContent),
  'SIGNATURE_REQUEST.CHILDREN_GENERATED': event('SIGNATURE_REQUEST', 'CHILDREN_GENERATED', signatureRequestContent),
  'SIGNATURE_REQUEST.APPROVER_STEP': event('SIGNATURE_REQUEST', 'APPROVER_STEP', signatureRequestContent),
  'SIGNER.CREATED': event('SIGNER', 'CREATED', signerContent),
  'SIGNER.INPUTS_ADDED': event('SIGNER', 'INPUTS_ADDED', signerContent),
  'SIGNATURE_PROFILE.CREATED': event('SIGNATURE_PROFILE', 'CREATED', signatureProfileContent),
  'SIGNATURE_PROFILE.ARCHIVED': event('SIGNATURE_PROFILE', 'ARCHIVED', signatureProfileContent),
  'SIGNATURE_SESSION.INITIALIZED': event('SIGNATURE_SESSION', 'INITIALIZED', signatureSessionContent),
  // Success and error deliveries of a proof carry different contents: narrow on `msgNature`.
  'SIGNATURE_PROOF.GENERATED': z.discriminatedUnion('msgNature', [
    event('SIGNATURE_PROOF', 'GENERATED', proofSuccessContent).extend({ msgNature: z.enum(['INFO', 'SUCCESS', 'WARNING']) }),
    event('SIGNATURE_PROOF', 'GENERATED', proofErrorContent).extend({ msgNature: z.literal('ERROR') }),
  ]),
  'SIGNATURE_PROOF.ADV_GENERATED': event('SIGNATURE_PROOF', 'ADV_GENERATED', advancedProofContent),
  'SIGNATURE_SIGNER_IMAGE.GENERATED': event('SIGNATURE_SIGNER_IMAGE', 'GENERATED', signerImageContent),
} satisfies Record<IgnisignEventName, z.ZodType>;

/** A delivery as every Ignisign event has it (the payload type of events the provider does not know). */
export type IgnisignEnvelope = z.output<typeof ignisignEnvelopeSchema>;
/** The payload type of every known event, by name. */
export type IgnisignEvents = { [N in IgnisignEventName]: z.output<(typeof ignisignEventSchemas)[N]> };
/** The payload of one known event, e.g. `IgnisignPayload<'SIGNATURE_REQUEST.LAUNCHED'>`. */
export type IgnisignPayload<N extends IgnisignEventName> = IgnisignEvents[N];

