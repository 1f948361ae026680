import {
  type IgnisignAppEnv,
} from '@countersign/core';
import { ADOBE_SIGN_EVENTS } from '@countersign/core/adobe-sign';
import { DOCSTUDIO_STATUSES } from '@countersign/core/docstudio';
import { IGNISIGN_TOPICS } from '@countersign/core/ignisign';
import { SIGNIT_EVENTS, SIGNIT_TOPICS } from '@countersign/core/signit';
import { adobeSignDelivery } from './adobe-sign.js';
import { docstudioDelivery } from './docstudio.js';
import { ignisignDelivery } from './ignisign.js';
import { signitDelivery } from './signit.js';
import type { SimulatedDelivery } from './simulator.js';

/** The platforms countersign supports, by the endpoint names the examples use. */
export const SAMPLE_PLATFORMS = ['adobe-sign', 'ignisign', 'signit', 'docstudio'] as const;
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
  | { platform: 'docstudio'; event: string; login?: string; password?: string; fields?: SampleFields };

export interface SampleDelivery extends SimulatedDelivery {
  method: string;
  headers: Record<string, string>;
  body: string;
  /** Ignisign only: the delivery's verification token. */
  token?: string;
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
  }
}
