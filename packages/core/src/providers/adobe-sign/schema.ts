import { z } from 'zod';
import { MAX_EVENT_NAME_LENGTH, MAX_ID_LENGTH } from '../../limits.js';
import { boundedArray, type PayloadIssue } from '../../validation.js';
import {
  ADOBE_SIGN_AGREEMENT_EVENTS,
  ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
  ADOBE_SIGN_MEGASIGN_EVENTS,
  ADOBE_SIGN_WIDGET_EVENTS,
  type AdobeSignAgreementEventName,
  type AdobeSignEventName,
  type AdobeSignLibraryDocumentEventName,
  type AdobeSignMegaSignEventName,
  type AdobeSignWidgetEventName,
} from './events.js';

/*
 * Lenient by design: every object is loose (fields Adobe adds pass through untouched), every field but the ids
 * countersign relies on is optional and may be null, and scalars also accept their plain string form (Adobe's
 * templates write every value as a string, "" for empty). A delivery refused here is retried for 72 hours and then
 * disables the webhook, so only a body that is not a notification at all is refused.
 */

/**
 * A scalar read leniently by one function: `read` takes the plain type as is (nearly every value Adobe sends),
 * converts the accepted string forms, and returns `INVALID` for anything else, reported as `message`. One zod step
 * per field rather than a union of options tried in turn (a union allocates a result per option tried, and a
 * notification has a hundred such fields, present or not): the full validation of a 2 kB notification went from
 * 9.3 to 4.8 µs.
 */
const INVALID: unique symbol = Symbol('invalid');
function lenient<T>(read: (value: unknown) => T | typeof INVALID, message: string) {
  return z.transform((value: unknown, ctx): T => {
    const out = read(value);
    if (out !== INVALID) return out;
    ctx.issues.push({ code: 'custom', input: value, message });
    return z.NEVER;
  });
}

/** A string; numbers and booleans are accepted and written as strings. */
const text = lenient((value): string | null | undefined | typeof INVALID => {
  if (value === undefined || value === null || typeof value === 'string') return value;
  return typeof value === 'number' || typeof value === 'boolean' ? String(value) : INVALID;
}, 'must be a string').optional();

/** A string in a list: numbers are accepted and written as strings. */
const item = lenient((value): string | typeof INVALID => (typeof value === 'string' ? value : typeof value === 'number' ? String(value) : INVALID), 'must be a string');

/** A boolean; `"true"`/`"false"` are accepted, `""` (Adobe's template for "empty") reads as absent. */
const flag = lenient((value): boolean | null | undefined | typeof INVALID => {
  if (value === undefined || value === null || typeof value === 'boolean') return value;
  if (typeof value !== 'string') return INVALID;
  const word = value.trim().toLowerCase();
  return word === 'true' ? true : word === 'false' ? false : word === '' ? undefined : INVALID;
}, 'must be a boolean').optional();

/** A number; numeric strings are accepted, `""` reads as absent. */
const numeric = lenient((value): number | null | undefined | typeof INVALID => {
  if (value === undefined || value === null) return value;
  if (typeof value === 'number') return Number.isFinite(value) ? value : INVALID;
  if (typeof value !== 'string') return INVALID;
  if (value.trim() === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : INVALID;
}, 'must be a number').optional();

const objectError = { error: (issue: { input: unknown }) => (issue.input === undefined ? 'is missing' : 'must be an object') };

/** A loose object (unknown fields pass through) that may also be null or absent. */
function section<S extends z.core.$ZodLooseShape>(shape: S) {
  return z.looseObject(shape, objectError).nullish();
}

/** A list that may be null or absent; its items stop being checked once the parse has collected enough issues. */
function list<T extends z.ZodType>(item: T) {
  return boundedArray(item).nullish();
}

/** A string countersign relies on (ids, the event name): present, not empty, and not longer than `max`. */
function requiredString(max = MAX_ID_LENGTH) {
  return z
    .string({ error: (issue) => (issue.input === undefined ? 'is missing' : 'must be a string') })
    .min(1, 'must not be empty')
    .max(max, `must not be longer than ${max} characters`);
}

// ---------------------------------------------------------------------------------------------------------------
// Pieces shared by the resources

const member = z.looseObject({
  id: text,
  email: text,
  company: text,
  name: text,
  privateMessage: text,
  status: text,
  userId: text,
  securityOption: section({ authenticationMethod: text }),
});

const participantSet = z.looseObject({
  id: text,
  name: text,
  order: numeric,
  role: text,
  status: text,
  privateMessage: text,
  memberInfos: list(member),
});

const document = z.looseObject({ id: text, label: text, numPages: numeric, mimeType: text, name: text });

const supportingDocument = z.looseObject({ id: text, displayLabel: text, fieldName: text, mimeType: text, numPages: numeric });

const externalId = section({ id: text });
const postSignOption = section({ redirectDelay: numeric, redirectUrl: text });
const vaultingInfo = section({ enabled: flag });
const redirectInfo = section({ deframe: flag, delay: numeric, url: text });

// ---------------------------------------------------------------------------------------------------------------
// The four resources (`{id, name, status}` at least; the rest depends on the webhook's conditional parameters)

/** `agreement` of agreement events. `signedDocumentInfo.document` is the signed PDF (base64, WORKFLOW_COMPLETED). */
export const adobeSignAgreementSchema = z.looseObject(
  {
    id: requiredString(),
    name: text,
    signatureType: text,
    status: text,
    ccs: list(z.looseObject({ email: text, label: text, visiblePages: list(item) })),
    deviceInfo: section({
      applicationDescription: text,
      deviceDescription: text,
      location: section({ latitude: numeric, longitude: numeric }),
      deviceTime: text,
    }),
    documentVisibilityEnabled: flag,
    createdDate: text,
    expirationTime: text,
    externalId,
    postSignOption,
    firstReminderDelay: numeric,
    locale: text,
    message: text,
    reminderFrequency: text,
    senderEmail: text,
    vaultingInfo,
    workflowId: text,
    createdGroupId: text,
    emailOption: section({ sendTarget: section({ completionEmails: text, inFlightEmails: text, initEmails: text }) }),
    participantSetsInfo: section({ participantSets: list(participantSet), nextParticipantSets: list(participantSet) }),
    documentsInfo: section({ documents: list(document), supportingDocuments: list(supportingDocument) }),
    signedDocumentInfo: section({ document: text }),
  },
  objectError,
);

/** `widget` of web form events. */
export const adobeSignWidgetSchema = z.looseObject(
  {
    id: requiredString(),
    name: text,
    status: text,
    locale: text,
    createdDate: text,
    creatorEmail: text,
    ccs: list(z.looseObject({ email: text })),
    authFailureInfo: redirectInfo,
    completionInfo: redirectInfo,
    documentsInfo: section({ documents: list(document) }),
    participantSetsInfo: section({ additionalParticipantSets: list(participantSet), widgetParticipantSet: participantSet.nullish() }),
    vaultingInfo,
  },
  objectError,
);

/** `megaSign` of send-in-bulk events. */
export const adobeSignMegaSignSchema = z.looseObject(
  {
    id: requiredString(),
    name: text,
    status: text,
    ccs: list(z.looseObject({ email: text })),
    childAgreementsInfo: section({ fileInfo: section({ fileType: text, childAgreementsInfoFileId: text }) }),
    createdDate: text,
    expirationTime: text,
    externalId,
    firstReminderDelay: numeric,
    locale: text,
    message: text,
    postSignOption,
    reminderFrequency: text,
    senderEmail: text,
    signatureType: text,
    vaultingInfo,
  },
  objectError,
);

/** `libraryDocument` of library template events. */
export const adobeSignLibraryDocumentSchema = z.looseObject(
  {
    id: requiredString(),
    name: text,
    creatorEmail: text,
    createdDate: text,
    status: text,
    sharingMode: text,
    templateTypes: list(item),
    documentsInfo: section({ documents: list(document) }),
  },
  objectError,
);

// ---------------------------------------------------------------------------------------------------------------
// The notification

/**
 * What every notification has: the envelope. Only `webhookNotificationId` (the dedupe key) and `event` are
 * required; unknown events are validated against this alone, so their resource passes through as sent.
 */
export const adobeSignEnvelopeSchema = z.looseObject({
  webhookId: text,
  webhookName: text,
  webhookNotificationId: requiredString(),
  webhookUrlInfo: section({ url: text }),
  /** ACCOUNT, GROUP, USER, RESOURCE or CHANNEL. */
  webhookScope: text,
  /** Being removed by Adobe. */
  webhookNotificationApplicableUsers: list(z.looseObject({ id: text, email: text, role: text, payloadApplicable: flag })),
  event: requiredString(MAX_EVENT_NAME_LENGTH),
  /** On ACTION_DELEGATED, RECALLED and EXPIRED. */
  subEvent: text,
  eventDate: text,
  /** Lower case in practice (`agreement`), upper case in Adobe's docs: compare case-insensitively. */
  eventResourceType: text,
  eventResourceParentType: text,
  eventResourceParentId: text,
  participantRole: text,
  actionType: text,
  participantUserId: text,
  participantUserEmail: text,
  actingUserId: text,
  actingUserEmail: text,
  actingUserIpAddress: text,
  initiatingUserId: text,
  initiatingUserEmail: text,
  accountId: text,
  originatorAccountId: text,
  /** The sections Adobe left out because the payload would have exceeded 10 MB. */
  conditionalParametersTrimmed: list(item),
});

/**
 * What `parse` reads before the acknowledgement: the event name and the notification id (the dedupe key). The rest
 * of the notification is validated before the handlers (`adobeSignPlatform.validate`), so a field Adobe changes makes
 * a dead letter, not a refused delivery that Acrobat Sign retries for 72 hours and then disables the webhook over.
 * Not loose: only these two fields are copied out.
 */
export const adobeSignHeadSchema = z.object({ webhookNotificationId: requiredString(), event: requiredString(MAX_EVENT_NAME_LENGTH) });

const reminderInfo = section({
  id: text,
  note: text,
  allUnsigned: flag,
  participantList: list(z.looseObject({ participantUserId: text, id: text, email: text })),
});

/** Agreement events. */
export const adobeSignAgreementNotificationSchema = adobeSignEnvelopeSchema.extend({
  agreement: adobeSignAgreementSchema,
  /** RECALLED / REJECTED: why, and whether the others were told. */
  agreementCancellationInfo: section({ comment: text, notifyOthers: flag }),
  /** EXPIRED. */
  agreementExpirationInfo: section({ comment: text }),
  /** REMINDER_INITIATED / REMINDER_SENT. */
  reminderInfo,
});

/** Web form events (but WIDGET_SHARED, below). */
export const adobeSignWidgetNotificationSchema = adobeSignEnvelopeSchema.extend({ widget: adobeSignWidgetSchema });

/**
 * WIDGET_SHARED: Adobe's own template for it carries a `megaSign` object instead of `widget`, so either is
 * accepted (at least one of them must be there).
 */
export const adobeSignWidgetSharedNotificationSchema = adobeSignEnvelopeSchema
  .extend({ widget: adobeSignWidgetSchema.optional(), megaSign: adobeSignMegaSignSchema.optional() })
  .check((ctx) => {
    if (ctx.value.widget === undefined && ctx.value.megaSign === undefined) {
      ctx.issues.push({
        code: 'custom',
        input: ctx.value,
        path: ['widget'],
        message: 'is missing (WIDGET_SHARED carries the web form as `widget`, or as `megaSign` in Adobe’s template)',
      });
    }
  });

/** Send-in-bulk events. */
export const adobeSignMegaSignNotificationSchema = adobeSignEnvelopeSchema.extend({ megaSign: adobeSignMegaSignSchema, reminderInfo });

/** Library template events. */
export const adobeSignLibraryDocumentNotificationSchema = adobeSignEnvelopeSchema.extend({ libraryDocument: adobeSignLibraryDocumentSchema });

// ---------------------------------------------------------------------------------------------------------------
// Types, all inferred from the schemas

/** The payload of an event countersign does not know (yet): the envelope; everything else passes through. */
export type AdobeSignBasePayload = z.output<typeof adobeSignEnvelopeSchema>;
export type AdobeSignAgreement = z.output<typeof adobeSignAgreementSchema>;
export type AdobeSignWidget = z.output<typeof adobeSignWidgetSchema>;
export type AdobeSignMegaSign = z.output<typeof adobeSignMegaSignSchema>;
export type AdobeSignLibraryDocument = z.output<typeof adobeSignLibraryDocumentSchema>;
export type AdobeSignAgreementPayload = z.output<typeof adobeSignAgreementNotificationSchema>;
export type AdobeSignWidgetPayload = z.output<typeof adobeSignWidgetNotificationSchema>;
export type AdobeSignWidgetSharedPayload = z.output<typeof adobeSignWidgetSharedNotificationSchema>;
export type AdobeSignMegaSignPayload = z.output<typeof adobeSignMegaSignNotificationSchema>;
export type AdobeSignLibraryDocumentPayload = z.output<typeof adobeSignLibraryDocumentNotificationSchema>;

type PayloadOf<N extends AdobeSignEventName> = N extends AdobeSignAgreementEventName
  ? AdobeSignAgreementPayload
  : N extends 'WIDGET_SHARED'
    ? AdobeSignWidgetSharedPayload
    : N extends AdobeSignWidgetEventName
      ? AdobeSignWidgetPayload
      : N extends AdobeSignMegaSignEventName
        ? AdobeSignMegaSignPayload
        : N extends AdobeSignLibraryDocumentEventName
          ? AdobeSignLibraryDocumentPayload
          : never;

/** Event name -> payload, with `event` narrowed to the name. */
export type AdobeSignEvents = { [N in AdobeSignEventName]: PayloadOf<N> & { event: N } };

/** The payload of one known event, e.g. `AdobeSignNotification<'AGREEMENT_WORKFLOW_COMPLETED'>`. */
export type AdobeSignNotification<Name extends AdobeSignEventName = AdobeSignEventName> = AdobeSignEvents[Name];

// ---------------------------------------------------------------------------------------------------------------
// Schema by event name: one Map lookup, then one parse per delivery

const schemas = new Map<string, z.ZodType>();
for (const name of ADOBE_SIGN_AGREEMENT_EVENTS) schemas.set(name, adobeSignAgreementNotificationSchema);
for (const name of ADOBE_SIGN_WIDGET_EVENTS) schemas.set(name, adobeSignWidgetNotificationSchema);
schemas.set('WIDGET_SHARED', adobeSignWidgetSharedNotificationSchema);
for (const name of ADOBE_SIGN_MEGASIGN_EVENTS) schemas.set(name, adobeSignMegaSignNotificationSchema);
for (const name of ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS) schemas.set(name, adobeSignLibraryDocumentNotificationSchema);

/** The schema of a known event, or `undefined` for an event countersign does not know. */
export function adobeSignSchemaFor(event: string): z.ZodType | undefined {
  return schemas.get(event);
}

/** One validation problem, safe to show the sender. */
export type AdobeSignIssue = PayloadIssue;
