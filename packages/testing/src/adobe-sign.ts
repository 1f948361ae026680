import { toBase64 } from '@countersign/core';
import { adobeSignTopicOf, type AdobeSignEventName } from '@countersign/core/adobe-sign';

/** A request as Acrobat Sign sends it: ready for `receiver.handle({ endpoint, ...delivery })` or an HTTP client. */
export interface AdobeSignDelivery {
  method: string;
  /** Header names as given (lower case by default). */
  headers: Record<string, string>;
  body: string;
}

/** The resource object a notification carries. */
export type AdobeSignResourceKey = 'agreement' | 'widget' | 'megaSign' | 'libraryDocument';

export interface AdobeSignDeliveryOptions {
  /** Any event name, known (`AGREEMENT_CREATED`) or not (`AGREEMENT_TELEPORTED`). */
  event: AdobeSignEventName | (string & {});
  /** `X-AdobeSign-ClientId`; `null` leaves the header out. */
  clientId: string | null;
  /** How the client-id header name is spelt (Acrobat Sign writes it several ways). Default `x-adobesign-clientid`. */
  clientIdHeader?: string;
  /** `webhookNotificationId`, the dedupe key. Default: a random uuid. */
  notificationId?: string;
  /** `webhookId`. Default: a fixed test webhook. */
  webhookId?: string;
  /** The id of the agreement / web form / bulk send / library template. Default: a random Adobe-style id. */
  resourceId?: string;
  /** Its name. Default `Test agreement` (or form, bulk send, template). */
  resourceName?: string;
  /** Which resource object the body carries. Default: the event's family (agreement for unknown families); `null` for none. */
  resource?: AdobeSignResourceKey | null;
  /** `subEvent` (Acrobat Sign sets it on ACTION_DELEGATED, RECALLED and EXPIRED). */
  subEvent?: string;
  /** `eventDate`. Default: now. */
  eventDate?: Date | string;
  /** The signer in `participant*` and the participant set. Default `signer@example.com`. */
  participantEmail?: string;
  /** The signed PDF, put base64-encoded in `agreement.signedDocumentInfo.document` (WORKFLOW_COMPLETED). */
  signedDocument?: Uint8Array | string;
  /** Sent as `Authorization: Bearer <token>` (OAuth webhook endpoints). */
  accessToken?: string;
  /** Top-level fields merged over the built body; a field set to `undefined` is left out. */
  extra?: Record<string, unknown>;
  /** Extra request headers. */
  headers?: Record<string, string>;
}

const WEBHOOK_ID = '0f4c4a06-7d1b-4b1a-9a77-7f6a1c7e2b10';
const SENDER = 'sender@example.com';
const ID_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** A random id shaped like Acrobat Sign's (`CBJCHBCAABAA` + 32 URL-safe characters). */
export function adobeSignId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  let out = 'CBJCHBCAABAA';
  for (const b of bytes) out += ID_ALPHABET[b % 64];
  return out;
}

function familyResource(event: string): AdobeSignResourceKey {
  switch (adobeSignTopicOf(event)) {
    case 'WIDGET':
      return 'widget';
    case 'MEGASIGN':
      return 'megaSign';
    case 'LIBRARY_DOCUMENT':
      return 'libraryDocument';
    default:
      return 'agreement';
  }
}

function agreementStatus(event: string): string {
  if (event === 'AGREEMENT_WORKFLOW_COMPLETED') return 'SIGNED';
  if (event.startsWith('AGREEMENT_RECALLED') || event === 'AGREEMENT_REJECTED' || event.endsWith('AUTO_CANCELLED_CONVERSION_PROBLEM')) return 'CANCELLED';
  if (event === 'AGREEMENT_EXPIRED') return 'EXPIRED';
  return 'OUT_FOR_SIGNATURE';
}

function buildResource(kind: AdobeSignResourceKey, o: AdobeSignDeliveryOptions, created: string, signer: string): Record<string, unknown> {
  const id = o.resourceId ?? adobeSignId();
  const document = { id: `3AAABLblqZh${adobeSignId()}`, numPages: 1, mimeType: 'application/pdf', name: 'contract.pdf' };
  switch (kind) {
    case 'agreement': {
      const status = agreementStatus(o.event);
      const agreement: Record<string, unknown> = {
        id,
        name: o.resourceName ?? 'Test agreement',
        signatureType: 'ESIGN',
        status,
        documentVisibilityEnabled: false,
        createdDate: created,
        locale: 'en_US',
        message: 'Please review and complete Test agreement.',
        senderEmail: SENDER,
        participantSetsInfo: {
          participantSets: [
            {
              memberInfos: [{ id: adobeSignId(), email: signer, company: 'Example', name: 'Test Signer', status: 'ACTIVE' }],
              order: 1,
              role: 'SIGNER',
              status: status === 'OUT_FOR_SIGNATURE' ? 'WAITING_FOR_MY_SIGNATURE' : status,
              id: adobeSignId(),
            },
          ],
        },
        documentsInfo: { documents: [document] },
      };
      if (o.signedDocument !== undefined) {
        const bytes = typeof o.signedDocument === 'string' ? new TextEncoder().encode(o.signedDocument) : o.signedDocument;
        agreement['signedDocumentInfo'] = { document: toBase64(bytes) };
      }
      return agreement;
    }
    case 'widget':
      return {
        id,
        name: o.resourceName ?? 'Test web form',
        status: o.event === 'WIDGET_DISABLED' ? 'INACTIVE' : 'ACTIVE',
        locale: 'en_US',
        createdDate: created,
        creatorEmail: SENDER,
        participantSetsInfo: { widgetParticipantSet: { memberInfos: [{ email: signer }], order: 1, role: 'SIGNER' } },
        documentsInfo: { documents: [document] },
        vaultingInfo: { enabled: false },
      };
    case 'megaSign':
      return {
        id,
        name: o.resourceName ?? 'Test bulk send',
        status: o.event === 'MEGASIGN_RECALLED' ? 'CANCELLED' : 'IN_PROCESS',
        createdDate: created,
        locale: 'en_US',
        message: 'Please review and complete Test bulk send.',
        senderEmail: SENDER,
        signatureType: 'ESIGN',
      };
    case 'libraryDocument':
      return {
        id,
        name: o.resourceName ?? 'Test template',
        creatorEmail: SENDER,
        createdDate: created,
        status: 'ACTIVE',
        sharingMode: 'USER',
        templateTypes: ['DOCUMENT'],
        documentsInfo: { documents: [document] },
      };
  }
}

const RESOURCE_TYPE: Record<AdobeSignResourceKey, string> = {
  agreement: 'agreement',
  widget: 'widget',
  megaSign: 'megaSign',
  libraryDocument: 'libraryDocument',
};

/** The fields only some events carry (cancellation reason, reminder, acting participant). */
function eventFields(event: string, signer: string): Record<string, unknown> {
  if (event === 'AGREEMENT_RECALLED' || event === 'AGREEMENT_REJECTED') {
    return { agreementCancellationInfo: { comment: 'Cancelled for a test.', notifyOthers: event === 'AGREEMENT_RECALLED' } };
  }
  if (event === 'AGREEMENT_EXPIRED') return { agreementExpirationInfo: { comment: 'The agreement expired.' } };
  if (event.endsWith('_REMINDER_INITIATED') || event.endsWith('_REMINDER_SENT')) {
    return { reminderInfo: { id: adobeSignId(), note: 'Please sign.', participantList: [{ id: adobeSignId(), email: signer }] } };
  }
  if (event.startsWith('AGREEMENT_ACTION_')) return { participantRole: 'SIGNER', actionType: 'ESIGN' };
  return {};
}

/**
 * Build an Acrobat Sign notification (POST): the envelope, the resource object of the event's family and the
 * fields its event carries, with `X-AdobeSign-ClientId` (and a bearer token when `accessToken` is given).
 */
export function adobeSignDelivery(options: AdobeSignDeliveryOptions): AdobeSignDelivery {
  const signer = options.participantEmail ?? 'signer@example.com';
  const eventDate = options.eventDate ?? new Date();
  const created = new Date(Date.now() - 60_000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const kind = options.resource === undefined ? familyResource(options.event) : options.resource;
  const body: Record<string, unknown> = {
    webhookId: options.webhookId ?? WEBHOOK_ID,
    webhookName: 'countersign test webhook',
    webhookNotificationId: options.notificationId ?? crypto.randomUUID(),
    webhookUrlInfo: { url: 'https://example.com/webhooks/adobe' },
    webhookScope: 'ACCOUNT',
    event: options.event,
    subEvent: options.subEvent,
    eventDate: typeof eventDate === 'string' ? eventDate : eventDate.toISOString().replace(/\.\d{3}Z$/, 'Z'),
    eventResourceType: kind === null ? undefined : RESOURCE_TYPE[kind],
    participantUserId: adobeSignId(),
    participantUserEmail: signer,
    actingUserId: adobeSignId(),
    actingUserEmail: signer,
    initiatingUserId: adobeSignId(),
    initiatingUserEmail: SENDER,
    ...eventFields(options.event, signer),
  };
  if (kind !== null) body[kind] = buildResource(kind, options, created, signer);
  Object.assign(body, options.extra);

  const headers: Record<string, string> = { 'content-type': 'application/json', ...options.headers };
  if (options.clientId !== null) headers[options.clientIdHeader ?? 'x-adobesign-clientid'] = options.clientId;
  if (options.accessToken !== undefined) headers['authorization'] = `Bearer ${options.accessToken}`;
  return { method: 'POST', headers, body: JSON.stringify(body) };
}

/** The verification-of-intent GET Acrobat Sign sends when a webhook is created or reactivated. */
export function adobeSignHandshake(clientId: string | null, options: { clientIdHeader?: string } = {}): AdobeSignDelivery {
  const headers: Record<string, string> = {};
  if (clientId !== null) headers[options.clientIdHeader ?? 'x-adobesign-clientid'] = clientId;
  return { method: 'GET', headers, body: '' };
}
