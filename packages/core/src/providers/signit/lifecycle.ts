import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';
import type { SignitEventName } from './events.js';

/**
 * The events that have a place in the signing lifecycle, by name (docs/providers/signit.md, "Lifecycle"). Identity
 * verification events and `envelopeNotify` have none. `envelopeCompleted` (both API generations) is not listed: it
 * says the envelope finished, and how it finished is in the body (`signitStageOfStatus`).
 */
export const SIGNIT_LIFECYCLE = {
  envelopeStarted: 'sent',
  envelopeStartedSucceed: 'sent',
  envelopeStart: 'sent',
  participantHandling: 'sent',
  participantConfirmed: 'signed',
  recipientConfirm: 'signed',
  quickSignCompleted: 'completed',
  countersignatureSignCompleted: 'completed',
  dataSignatureCompleted: 'completed',
  envelopeCompletedSucceed: 'completed',
  participantRejected: 'declined',
  recipientReject: 'declined',
  envelopeReject: 'declined',
  envelopeCompletedRejected: 'declined',
  participantExpired: 'expired',
  envelopeCompletedExpired: 'expired',
  envelopeExpired: 'expired',
  envelopeTimeout: 'expired',
  participantRevoked: 'cancelled',
  participantInvalidated: 'cancelled',
  envelopeRevoke: 'cancelled',
  envelopeCompletedRevoked: 'cancelled',
  envelopeCompletedInvalidated: 'cancelled',
  envelopeStartedFailed: 'failed',
  participantNotPassChecked: 'failed',
  envelopeCompletedNotPassChecked: 'failed',
} as const satisfies Partial<Record<SignitEventName, LifecycleStage>>;

/**
 * The stage an envelope's `status` says it ended in: `ED_FAIL_REJECT` declined, `ED_FAIL_EXPIRED` expired,
 * `ED_FAIL_REVOKE`/`ED_FAIL_INVALID...` cancelled, any other `ED_FAIL_...` failed, any other `ED_...` (finished)
 * completed. `undefined` for a status still in progress (`ING_...`) or missing. SignIt documents the statuses it
 * uses in its fixtures only: the REVOKE/INVALID readings are by their names (UNCONFIRMED).
 */
export function signitStageOfStatus(status: unknown): LifecycleStage | undefined {
  if (typeof status !== 'string') return undefined;
  const upper = status.toUpperCase();
  if (!upper.startsWith('ED_')) return undefined;
  if (!upper.startsWith('ED_FAIL')) return 'completed';
  if (upper.includes('REJECT')) return 'declined';
  if (upper.includes('EXPIRE')) return 'expired';
  if (upper.includes('REVOKE') || upper.includes('INVALID')) return 'cancelled';
  return 'failed';
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The lifecycle stage of a SignIt event: by its name, and for `envelopeCompleted` by the envelope's status in the
 * body. The document is the envelope (`basicEnvelope.wsid`); participant events name the receiving participant
 * (its name and first contact e-mail) and happen at its `handleDatetime`, envelope events at the envelope's
 * `statusDatetime` (`finishedDatetime` when finished).
 */
export function signitLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const data = record(record(payload)?.['rawData']);
  const envelope = record(data?.['basicEnvelope']);
  const stage: LifecycleStage | undefined = Object.hasOwn(SIGNIT_LIFECYCLE, name)
    ? SIGNIT_LIFECYCLE[name as keyof typeof SIGNIT_LIFECYCLE]
    : name === 'envelopeCompleted'
      ? signitStageOfStatus(envelope?.['status'])
      : undefined;
  if (stage === undefined) return undefined;
  const facts: LifecycleFacts = { stage, documentId: text(envelope?.['wsid']) };
  const participant = record(data?.['receiverParticipant']);
  const aboutParticipant = /^(participant|recipient)/.test(name);
  if (aboutParticipant && participant !== undefined) {
    const contacts = record(participant['contactMetadata'])?.['contacts'];
    const email = Array.isArray(contacts) ? text(record(contacts[0])?.['email']) : undefined;
    facts.signer = { email, name: text(participant['name']) };
    facts.occurredAt = numberOrText(participant['handleDatetime']);
  }
  facts.occurredAt ??= numberOrText(envelope?.['finishedDatetime']) ?? numberOrText(envelope?.['statusDatetime']);
  return facts;
}

function numberOrText(value: unknown): number | string | undefined {
  return typeof value === 'number' || (typeof value === 'string' && value !== '') ? value : undefined;
}
