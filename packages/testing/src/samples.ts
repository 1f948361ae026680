import {
  type IgnisignAppEnv,
} from '@countersign/core';
import { ADOBE_SIGN_EVENTS } from '@countersign/core/adobe-sign';
import { BOLDSIGN_EVENTS } from '@countersign/core/boldsign';
import { DOCSTUDIO_STATUSES } from '@countersign/core/docstudio';
import { DOCUSIGN_EVENTS } from '@countersign/core/docusign';
import { DROPBOX_SIGN_EVENTS, DROPBOX_SIGN_REQUEST_EVENTS } from '@countersign/core/dropbox-sign';
import { IGNISIGN_TOPICS } from '@countersign/core/ignisign';
import { PANDADOC_EVENTS } from '@countersign/core/pandadoc';
import { SIGNIT_EVENTS, SIGNIT_TOPICS } from '@countersign/core/signit';
import { YOUSIGN_EVENTS } from '@countersign/core/yousign';
import { adobeSignDelivery } from './adobe-sign.js';
import { boldsignDelivery } from './boldsign.js';
import { docstudioDelivery } from './docstudio.js';
import { docusignDateTime, docusignDelivery } from './docusign.js';
import { dropboxSignDelivery } from './dropbox-sign.js';
import { ignisignDelivery } from './ignisign.js';
import { pandadocDelivery } from './pandadoc.js';
import { signitDelivery } from './signit.js';
import { yousignDelivery } from './yousign.js';
import type { SimulatedDelivery } from './simulator.js';

/** The platforms countersign supports, by the endpoint names the examples use. */
export const SAMPLE_PLATFORMS = ['adobe-sign', 'ignisign', 'signit', 'docstudio', 'docusign', 'dropbox-sign', 'yousign', 'pandadoc', 'boldsign'] as const;
export type SamplePlatform = (typeof SAMPLE_PLATFORMS)[number];

/** Fields deep-merged over the sample body (objects merge, anything else replaces). */
export type SampleFields = Record<string, unknown>;

/** What to build: a platform, one of its events, the credentials it signs with, fields to merge. */
export type SampleDeliveryOptions =
  | { platform: 'adobe-sign'; event: string; clientId: string; accessToken?: string; fields?: SampleFields }
  /** `token`: the verification token. Default: a fresh random one (the receiver's verification API must accept it). */
  | { platform: 'ignisign'; event: string; appId: string; appEnv: IgnisignAppEnv; token?: string; fields?: SampleFields }
  /** `fields.rawData` merges into the decoded `rawData`; the body is signed after merging. */
  | { platform: 'signit'; event: string; appId: string; appSecret: string; fields?: SampleFields }
  | { platform: 'docstudio'; event: string; login?: string; password?: string; fields?: SampleFields }
  /** `hmacKey`: the Connect HMAC key the body is signed with. */
  | { platform: 'docusign'; event: string; hmacKey: string; fields?: SampleFields }
  /** `apiKey`: the API key `event_hash` is made with; `fields` merge into the callback document (what the `json` field holds). */
  | { platform: 'dropbox-sign'; event: string; apiKey: string; fields?: SampleFields }
  | { platform: 'yousign'; event: string; secret: string; fields?: SampleFields }
  /** `fields` merge into the one notification (`{ event, data }`) of the array; the signature travels in `query`. */
  | { platform: 'pandadoc'; event: string; sharedKey: string; fields?: SampleFields }
  | { platform: 'boldsign'; event: string; secret: string; fields?: SampleFields };

export interface SampleDelivery extends SimulatedDelivery {
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Ignisign only: the delivery's verification token. */
  token?: string;
  /** PandaDoc only: the query string carrying the signature (`signature=<hex>`), without its `?`. */
  query?: string;
}

/** The event names countersign knows for a platform (Ignisign's as `TOPIC.ACTION`, DocStudio's are statuses). */
export function sampleEvents(platform: SamplePlatform): readonly string[] {
  switch (platform) {
    case 'adobe-sign':
      return ADOBE_SIGN_EVENTS;
    case 'ignisign':
      return Object.entries(IGNISIGN_TOPICS).flatMap(([topic, actions]) => actions.map((action) => `${topic}.${action}`));
    case 'signit':
      return SIGNIT_EVENTS;
    case 'docstudio':
      return DOCSTUDIO_STATUSES;
    case 'docusign':
      return DOCUSIGN_EVENTS;
    case 'dropbox-sign':
      return DROPBOX_SIGN_EVENTS;
    case 'yousign':
      return YOUSIGN_EVENTS;
    case 'pandadoc':
      return PANDADOC_EVENTS;
    case 'boldsign':
      return BOLDSIGN_EVENTS;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** `base` with `fields` merged in: objects recursively, anything else (arrays included) replaced. */
export function mergeFields(base: Record<string, unknown>, fields: SampleFields | undefined): Record<string, unknown> {
  if (fields === undefined) return base;
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(fields)) {
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeFields(current, value) : value;
  }
  return out;
}

const hex = (bytes: number): string => Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');

/** Content shaped like what Ignisign sends under `topic`, with fresh ids (so each sample is a distinct event). */
function ignisignContent(topic: string, action: string, appId: string, appEnv: IgnisignAppEnv): Record<string, unknown> {
  const signatureRequestId = hex(12);
  const signerId = hex(12);
  const documentId = hex(12);
  switch (topic) {
    case 'APP':
      return { userId: hex(12) };
    case 'SIGNATURE':
      return { appId, appEnv, documentNature: 'PDF', signatureRequestId, signerId, documentId, ...(action === 'FINALIZED' ? { signatureId: hex(12) } : {}) };
    case 'SIGNATURE_REQUEST':
      return {
        signatureRequestId,
        signatureRequestExternalId: `contract-${hex(3)}`,
        status: action === 'COMPLETED' ? 'COMPLETED' : 'IN_PROGRESS',
        signers: { signersBySide: [{ signerId, signerExternalId: 'customer-17' }], signersEmbedded: [] },
      };
    case 'SIGNER':
      return { appId, appEnv, signerId, signerExternalId: 'customer-17', ...(action === 'INPUTS_ADDED' ? { inputsAdded: ['FIRST_NAME', 'LAST_NAME'] } : {}) };
    case 'SIGNATURE_PROFILE':
      return { signatureProfileId: hex(12) };
    case 'SIGNATURE_SESSION':
      return { signatureRequestId, signerId };
    case 'SIGNATURE_PROOF':
      return action === 'GENERATED'
        ? { appId, appEnv, signatureRequestId, documents: [{ documentId, token: hex(16), url: `https://example.com/proofs/${documentId}` }] }
        : { appId, appEnv, signatureRequestId, documentId };
    case 'SIGNATURE_SIGNER_IMAGE':
      return { appId, appEnv, signatureRequestId, signerId, documentId };
    default:
      return { id: hex(12) };
  }
}

/** `rawData` shaped like what SignIt sends for `event`, with a fresh `invokeNo` (so each sample is a distinct event). */
function signitRawData(event: string): Record<string, unknown> {
  const topic = (Object.entries(SIGNIT_TOPICS) as Array<[string, readonly string[]]>).find(([, names]) => names.includes(event))?.[0];
  const base = { code: '100600000', message: 'success', invokeNo: `${Date.now()}${hex(6)}`, customTag: `contract-${hex(3)}` };
  switch (topic) {
    case 'verification':
      return { ...base, status: 'COMPLETED', submitDatetime: Math.floor(Date.now() / 1000) - 60, handleDatetime: Math.floor(Date.now() / 1000) };
    case 'signature':
      return { ...base, url: `https://example.com/signed/${hex(8)}.pdf` };
    default:
      return {
        ...base,
        basicEnvelope: { wsid: `WSID_ENVE_${hex(16)}`, status: /Completed/.test(event) ? 'ED_COMPLETED' : 'ING_SENT_DILIVER', title: 'Contract' },
        ...(topic === 'participant' ? { receiverParticipant: { wsid: `WSID_PART_${hex(16)}`, name: 'Test Signer', type: 'SIGNER', status: 'ED_COMPLETED' } } : {}),
      };
  }
}

const uuid = (): string => crypto.randomUUID();
const SIGNER = { email: 'test.signer@example.com', firstName: 'Test', lastName: 'Signer' };

/** `data` of a DocuSign Connect JSON SIM message for `event`: recipient events name their recipient. */
function docusignData(event: string): Record<string, unknown> {
  const envelopeId = uuid();
  const recipient = { recipientId: '1', email: SIGNER.email, name: `${SIGNER.firstName} ${SIGNER.lastName}`, status: event.replace(/^[a-z]+-/, ''), recipientIdGuid: uuid() };
  return {
    accountId: 'dc04a7e3-b7a3-49d5-b7b4-e070617350ab',
    userId: 'd0224e9b-2b26-4785-bf86-b503c471cda4',
    envelopeId,
    ...(event.startsWith('recipient-') ? { recipientId: '1' } : {}),
    envelopeSummary: { envelopeId, status: event.replace(/^[a-z]+-/, ''), emailSubject: 'Contract', recipients: { signers: [recipient] } },
  };
}

/** The callback document Dropbox Sign sends for `event` (signature request events carry their request). */
function dropboxSignDocument(event: string): { metadata: Record<string, unknown>; signatureRequest?: Record<string, unknown>; extra?: Record<string, unknown> } {
  const accountId = hex(20);
  const signatureId = hex(16);
  const metadata = { related_signature_id: signatureId, reported_for_account_id: accountId };
  if ((DROPBOX_SIGN_REQUEST_EVENTS as readonly string[]).includes(event)) {
    const done = event === 'signature_request_all_signed' || event === 'signature_request_downloadable';
    return {
      metadata,
      signatureRequest: {
        signature_request_id: hex(20),
        title: 'Contract',
        is_complete: done,
        is_declined: event === 'signature_request_declined',
        signatures: [{ signature_id: signatureId, signer_email_address: SIGNER.email, signer_name: `${SIGNER.firstName} ${SIGNER.lastName}`, status_code: done || event === 'signature_request_signed' ? 'signed' : 'awaiting_signature' }],
      },
    };
  }
  if (event.startsWith('template_')) return { metadata, extra: { template: { template_id: hex(20), title: 'Contract template' } } };
  return { metadata };
}

/** `data` of a Yousign webhook for `event`: the signature request, and the signer for signer events. */
function yousignData(event: string): Record<string, unknown> {
  const status = { 'signature_request.done': 'done', 'signature_request.expired': 'expired', 'signature_request.declined': 'declined', 'signature_request.canceled': 'canceled' }[event] ?? 'ongoing';
  const signatureRequest = { id: uuid(), status, name: 'Contract', signers: [], documents: [] };
  if (!event.startsWith('signer.')) return { signature_request: signatureRequest };
  return {
    signature_request: signatureRequest,
    signer: { id: uuid(), status: event === 'signer.done' ? 'signed' : event === 'signer.declined' ? 'declined' : 'notified', info: { email: SIGNER.email, first_name: SIGNER.firstName, last_name: SIGNER.lastName } },
  };
}

/** One PandaDoc notification for `event`: a document (its status following the event) or a template. */
function pandadocNotification(event: string): Record<string, unknown> {
  const now = new Date().toISOString();
  if (event.startsWith('template_')) return { event, data: { id: hex(11), name: 'Contract template', date_created: now, date_modified: now } };
  const status = event === 'document_completed_pdf_ready' || event === 'recipient_completed' ? 'document.completed' : 'document.sent';
  const data: Record<string, unknown> = { id: hex(11), name: 'Contract', status, date_created: now, date_modified: now };
  if (event === 'recipient_completed') data.action_by = { id: hex(11), email: SIGNER.email, first_name: SIGNER.firstName, last_name: SIGNER.lastName };
  if (event === 'recipient_completed') data.action_date = now;
  return { event, data };
}

/** `data` of a BoldSign webhook for `event`: a document with one signer, or the object the event is about. */
function boldsignData(event: string): Record<string, unknown> {
  if (event.startsWith('Template')) return { object: 'template', templateId: uuid(), templateName: 'Contract template' };
  if (event.startsWith('SenderIdentity')) return { object: 'senderIdentity', id: uuid(), email: SIGNER.email, name: `${SIGNER.firstName} ${SIGNER.lastName}` };
  const completed = event === 'Completed' || event === 'Signed';
  return {
    object: 'document',
    documentId: uuid(),
    messageTitle: 'Contract',
    status: event === 'Completed' ? 'Completed' : event === 'Declined' ? 'Declined' : event === 'Revoked' ? 'Revoked' : event === 'Expired' ? 'Expired' : 'InProgress',
    signerDetails: [{ signerName: `${SIGNER.firstName} ${SIGNER.lastName}`, signerEmail: SIGNER.email, status: completed ? 'Completed' : event === 'Declined' ? 'Declined' : 'NotCompleted', isViewed: event !== 'Sent' }],
  };
}

/**
 * A delivery of `event` built and signed exactly as the platform would send it, with sample content (fresh ids,
 * so every call is a distinct event) and `fields` merged over the body: what `countersign send` posts.
 */
export async function sampleDelivery(options: SampleDeliveryOptions): Promise<SampleDelivery> {
  switch (options.platform) {
    case 'adobe-sign': {
      const built = adobeSignDelivery({ event: options.event, clientId: options.clientId, ...(options.accessToken === undefined ? {} : { accessToken: options.accessToken }) });
      return { ...built, body: JSON.stringify(mergeFields(JSON.parse(built.body) as Record<string, unknown>, options.fields)) };
    }
    case 'ignisign': {
      const dot = options.event.indexOf('.');
      const [topic, action] = dot === -1 ? [options.event, ''] : [options.event.slice(0, dot), options.event.slice(dot + 1)];
      const built = ignisignDelivery({ appId: options.appId, appEnv: options.appEnv, topic, action, content: ignisignContent(topic, action, options.appId, options.appEnv), token: options.token });
      const body = mergeFields(JSON.parse(built.body) as Record<string, unknown>, options.fields);
      return { method: built.method, headers: built.headers, body: JSON.stringify(body), token: typeof body.verificationToken === 'string' ? body.verificationToken : built.token };
    }
    case 'signit': {
      const { rawData, ...rest } = options.fields ?? {};
      const data = mergeFields(signitRawData(options.event), isObject(rawData) ? rawData : undefined);
      const body = mergeFields(
        { event: options.event, target: { webhookWsid: `WSID_HOOK_${hex(8)}`, destination: 'https://localhost/webhooks/signit' }, rawData: JSON.stringify(data), needCallBack: false },
        rest,
      );
      const built = await signitDelivery({ appId: options.appId, appSecret: options.appSecret, event: options.event, rawData: data, body: JSON.stringify(body) });
      return { ...built };
    }
    case 'docstudio': {
      const built = docstudioDelivery({
        status: options.event,
        ...(options.login === undefined ? {} : { login: options.login }),
        ...(options.password === undefined ? {} : { password: options.password }),
      });
      return { ...built, body: JSON.stringify(mergeFields(JSON.parse(built.body) as Record<string, unknown>, options.fields)) };
    }
    case 'docusign': {
      const draft = await docusignDelivery({ hmacKeys: options.hmacKey, event: options.event, data: docusignData(options.event), generatedDateTime: docusignDateTime() });
      const body = JSON.stringify(mergeFields(JSON.parse(draft.body) as Record<string, unknown>, options.fields));
      return docusignDelivery({ hmacKeys: options.hmacKey, event: options.event, body });
    }
    case 'dropbox-sign': {
      const draft = await dropboxSignDelivery({ apiKey: options.apiKey, eventType: options.event, ...dropboxSignDocument(options.event) });
      const built = await dropboxSignDelivery({ apiKey: options.apiKey, eventType: options.event, json: JSON.stringify(mergeFields(draft.document, options.fields)) });
      return { method: built.method, headers: built.headers, body: built.body };
    }
    case 'yousign': {
      const draft = await yousignDelivery({ secret: options.secret, eventName: options.event, data: yousignData(options.event) });
      return yousignDelivery({ secret: options.secret, eventName: options.event, body: JSON.stringify(mergeFields(JSON.parse(draft.body) as Record<string, unknown>, options.fields)) });
    }
    case 'pandadoc':
      return pandadocDelivery({ sharedKey: options.sharedKey, body: JSON.stringify([mergeFields(pandadocNotification(options.event), options.fields)]) });
    case 'boldsign': {
      const draft = await boldsignDelivery({ secret: options.secret, eventType: options.event, data: boldsignData(options.event) });
      return boldsignDelivery({ secret: options.secret, eventType: options.event, body: JSON.stringify(mergeFields(JSON.parse(draft.body) as Record<string, unknown>, options.fields)) });
    }
  }
}
