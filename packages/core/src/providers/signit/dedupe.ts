import { sha256Hex } from '../../crypto.js';

function field(record: unknown, name: string): string {
  if (typeof record !== 'object' || record === null) return '';
  const value = (record as Record<string, unknown>)[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : '';
}

/**
 * The dedupe key of a SignIt event: SignIt sends no event id, so it is built from the event name, `invokeNo`,
 * the envelope and receiving participant (wsid + status) and the verification status. Every copy and retry of
 * one event gives the same key; the next step of the same envelope (another status, another participant) a new one.
 * When `rawData` carries none of these, the key falls back to a hash of `rawData`.
 */
export async function signitDedupeKey(name: string, data: Record<string, unknown>, rawData: string): Promise<string> {
  const parts = [
    field(data, 'invokeNo'),
    field(data['basicEnvelope'], 'wsid'),
    field(data['basicEnvelope'], 'status'),
    field(data['receiverParticipant'], 'wsid'),
    field(data['receiverParticipant'], 'status'),
    field(data, 'status'),
  ];
  if (parts.every((part) => part === '')) return `${name}:sha256:${await sha256Hex(rawData)}`;
  return [name, ...parts].join(':');
}
