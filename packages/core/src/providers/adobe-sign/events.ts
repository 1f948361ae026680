/**
 * Acrobat Sign webhook events (REST v6), by family. Each name is an event (`adobe:AGREEMENT_CREATED`) and each
 * family a topic (`adobe:AGREEMENT`). Events not listed here still pass through, as unknown events.
 */

/** Agreement events (resource object `agreement`). `AGREEMENT_UPLOADED_BY_SENDER` is legacy. */
export const ADOBE_SIGN_AGREEMENT_EVENTS = [
  'AGREEMENT_CREATED',
  'AGREEMENT_ACTION_REQUESTED',
  'AGREEMENT_ACTION_COMPLETED',
  'AGREEMENT_ACTION_DELEGATED',
  'AGREEMENT_WORKFLOW_COMPLETED',
  'AGREEMENT_RECALLED',
  'AGREEMENT_REJECTED',
  'AGREEMENT_EXPIRED',
  'AGREEMENT_AUTO_CANCELLED_CONVERSION_PROBLEM',
  'AGREEMENT_EMAIL_VIEWED',
  'AGREEMENT_EMAIL_BOUNCED',
  'AGREEMENT_MODIFIED',
  'AGREEMENT_SHARED',
  'AGREEMENT_UNSHARED',
  'AGREEMENT_UNSHARED_AUTO',
  'AGREEMENT_RESTARTED',
  'AGREEMENT_PARTICIPANT_COMPLETED',
  'AGREEMENT_PARTICIPANT_REPLACED',
  'AGREEMENT_ACTION_REPLACED_SIGNER',
  'AGREEMENT_DOCUMENTS_DELETED',
  'AGREEMENT_DOCUMENTS_VIEWED',
  'AGREEMENT_DOCUMENTS_VIEWED_PASSWORD_PROTECTED',
  'AGREEMENT_EMAIL_OTP_AUTHENTICATED',
  'AGREEMENT_RECALLED_MAX_SIGNING_EMAIL_OTP_ATTEMPTS',
  'AGREEMENT_REMINDER_INITIATED',
  'AGREEMENT_REMINDER_SENT',
  'AGREEMENT_OFFLINE_SYNC',
  'AGREEMENT_WEB_IDENTITY_AUTHENTICATED',
  'AGREEMENT_KBA_AUTHENTICATED',
  'AGREEMENT_READY_TO_NOTARIZE',
  'AGREEMENT_READY_TO_VAULT',
  'AGREEMENT_VAULTED',
  'AGREEMENT_USER_ACK_AGREEMENT_MODIFIED',
  'AGREEMENT_SIGNER_NAME_CHANGED_BY_SIGNER',
  'AGREEMENT_EXPIRATION_UPDATED',
  'AGREEMENT_DELETED',
  'AGREEMENT_UPLOADED_BY_SENDER',
] as const;

/** Web form events (resource object `widget`). */
export const ADOBE_SIGN_WIDGET_EVENTS = [
  'WIDGET_CREATED',
  'WIDGET_AUTO_CANCELLED_CONVERSION_PROBLEM',
  'WIDGET_DISABLED',
  'WIDGET_ENABLED',
  'WIDGET_MODIFIED',
  'WIDGET_SHARED',
] as const;

/** Send-in-bulk events (resource object `megaSign`). */
export const ADOBE_SIGN_MEGASIGN_EVENTS = [
  'MEGASIGN_CREATED',
  'MEGASIGN_RECALLED',
  'MEGASIGN_SHARED',
  'MEGASIGN_REMINDER_INITIATED',
  'MEGASIGN_REMINDER_SENT',
] as const;

/** Library template events (resource object `libraryDocument`). */
export const ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS = [
  'LIBRARY_DOCUMENT_CREATED',
  'LIBRARY_DOCUMENT_AUTO_CANCELLED_CONVERSION_PROBLEM',
  'LIBRARY_DOCUMENT_MODIFIED',
] as const;

/** Every event countersign knows, all families together. */
export const ADOBE_SIGN_EVENTS = [
  ...ADOBE_SIGN_AGREEMENT_EVENTS,
  ...ADOBE_SIGN_WIDGET_EVENTS,
  ...ADOBE_SIGN_MEGASIGN_EVENTS,
  ...ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS,
] as const;

/** The families, as topics: `adobe:AGREEMENT` runs for every agreement event, known or not. */
export const ADOBE_SIGN_TOPICS = ['AGREEMENT', 'WIDGET', 'MEGASIGN', 'LIBRARY_DOCUMENT'] as const;

export type AdobeSignAgreementEventName = (typeof ADOBE_SIGN_AGREEMENT_EVENTS)[number];
export type AdobeSignWidgetEventName = (typeof ADOBE_SIGN_WIDGET_EVENTS)[number];
export type AdobeSignMegaSignEventName = (typeof ADOBE_SIGN_MEGASIGN_EVENTS)[number];
export type AdobeSignLibraryDocumentEventName = (typeof ADOBE_SIGN_LIBRARY_DOCUMENT_EVENTS)[number];
export type AdobeSignEventName = (typeof ADOBE_SIGN_EVENTS)[number];
export type AdobeSignTopic = (typeof ADOBE_SIGN_TOPICS)[number];

/** Topic -> the event names it groups. */
export type AdobeSignTopicEvents = {
  AGREEMENT: AdobeSignAgreementEventName;
  WIDGET: AdobeSignWidgetEventName;
  MEGASIGN: AdobeSignMegaSignEventName;
  LIBRARY_DOCUMENT: AdobeSignLibraryDocumentEventName;
};

/** Longest prefix first: none is a prefix of another today, but the order keeps it right if one ever is. */
const PREFIXES: ReadonlyArray<readonly [string, AdobeSignTopic]> = [
  ['LIBRARY_DOCUMENT_', 'LIBRARY_DOCUMENT'],
  ['AGREEMENT_', 'AGREEMENT'],
  ['MEGASIGN_', 'MEGASIGN'],
  ['WIDGET_', 'WIDGET'],
];

/** The topic of an event name by its family prefix (also for events not known yet), or `undefined`. */
export function adobeSignTopicOf(event: string): AdobeSignTopic | undefined {
  for (const [prefix, topic] of PREFIXES) if (event.startsWith(prefix)) return topic;
  return undefined;
}
