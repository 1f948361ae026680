import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';

/**
 * The agreement events that have a place in the signing lifecycle (docs/providers/adobe-sign.md, "Lifecycle"). The
 * others (CREATED, MODIFIED, SHARED, reminders, DELETED, web forms, send in bulk, templates...) have none.
 * - `AGREEMENT_ACTION_REQUESTED` is `sent`: the agreement reached a participant (one per participant, in order).
 *   `AGREEMENT_CREATED` is not: it comes just before the first ACTION_REQUESTED, and an agreement may be created
 *   without being sent (authoring).
 * - `AGREEMENT_ACTION_COMPLETED` is `signed` (a participant signed, approved, accepted...), not
 *   `AGREEMENT_PARTICIPANT_COMPLETED`, which Acrobat Sign sends for the same moment to user-scoped webhooks.
 * - `AGREEMENT_RECALLED_MAX_SIGNING_EMAIL_OTP_ATTEMPTS` is `failed`: recalled by Acrobat Sign because a signer failed
 *   the e-mail one-time password too often, not by the sender.
 */
export const ADOBE_SIGN_LIFECYCLE = {
  AGREEMENT_ACTION_REQUESTED: 'sent',
  AGREEMENT_EMAIL_VIEWED: 'viewed',
  AGREEMENT_DOCUMENTS_VIEWED: 'viewed',
  AGREEMENT_DOCUMENTS_VIEWED_PASSWORD_PROTECTED: 'viewed',
  AGREEMENT_ACTION_COMPLETED: 'signed',
  AGREEMENT_WORKFLOW_COMPLETED: 'completed',
  AGREEMENT_REJECTED: 'declined',
  AGREEMENT_EXPIRED: 'expired',
  AGREEMENT_RECALLED: 'cancelled',
  AGREEMENT_EMAIL_BOUNCED: 'failed',
  AGREEMENT_AUTO_CANCELLED_CONVERSION_PROBLEM: 'failed',
  AGREEMENT_RECALLED_MAX_SIGNING_EMAIL_OTP_ATTEMPTS: 'failed',
} as const satisfies Record<string, LifecycleStage>;

/** The stages whose event is about one participant: the record names them. */
const ABOUT_A_SIGNER: ReadonlySet<LifecycleStage> = new Set(['sent', 'viewed', 'signed', 'declined', 'failed']);

type Loose = Record<string, unknown> | null | undefined;

function record(value: unknown): Loose {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The name of the participant with this e-mail, from the agreement's participant sets when Adobe sent them. */
function memberName(agreement: Loose, email: string): string | undefined {
  const sets = record(agreement?.['participantSetsInfo'])?.['participantSets'];
  if (!Array.isArray(sets)) return undefined;
  const wanted = email.toLowerCase();
  for (const set of sets.slice(0, 100)) {
    const members = record(set)?.['memberInfos'];
    if (!Array.isArray(members)) continue;
    for (const member of members.slice(0, 100)) {
      const m = record(member);
      if (text(m?.['email'])?.toLowerCase() === wanted) return text(m?.['name']);
    }
  }
  return undefined;
}

/**
 * The lifecycle stage of an Acrobat Sign notification, from its event name: the agreement's id, the participant
 * (`participantUserEmail`, else `actingUserEmail`, with the name from the participant sets when sent) and `eventDate`.
 */
export function adobeSignLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const stage = Object.hasOwn(ADOBE_SIGN_LIFECYCLE, name) ? ADOBE_SIGN_LIFECYCLE[name as keyof typeof ADOBE_SIGN_LIFECYCLE] : undefined;
  if (stage === undefined) return undefined;
  const notification = record(payload);
  const agreement = record(notification?.['agreement']);
  const facts: LifecycleFacts = { stage, documentId: text(agreement?.['id']), occurredAt: text(notification?.['eventDate']) };
  if (ABOUT_A_SIGNER.has(stage)) {
    const email = text(notification?.['participantUserEmail']) ?? text(notification?.['actingUserEmail']);
    if (email !== undefined) facts.signer = { email, name: memberName(agreement, email) };
  }
  return facts;
}
