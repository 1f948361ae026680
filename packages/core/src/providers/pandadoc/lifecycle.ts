import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';

/**
 * The stage of each document status, for `document_state_changed` (PandaDoc carries the state in `data.status`).
 * Statuses of drafts, approvals and payments have none. `document.voided` and `document.expired` are not in
 * PandaDoc's webhook reference (UNCONFIRMED); they are mapped in case they are sent.
 */
export const PANDADOC_STATUS_STAGES: Readonly<Record<string, LifecycleStage>> = {
  'document.sent': 'sent',
  'document.viewed': 'viewed',
  'document.completed': 'completed',
  'document.declined': 'declined',
  'document.cancelled': 'cancelled',
  'document.voided': 'cancelled',
  'document.expired': 'expired',
};

/** Statuses after which a deleted document is not a withdrawn one (it was signed; deleting it is housekeeping). */
const FINAL = new Set(['document.completed', 'document.paid']);

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/**
 * The lifecycle stage of a PandaDoc notification:
 * - `document_state_changed`: by `data.status` (`PANDADOC_STATUS_STAGES`);
 * - `recipient_completed`: `signed`, the signer from `action_by`, the time from `action_date` (or `action_on`);
 * - `document_deleted`: `cancelled`, unless the document was completed (or paid) already;
 * - `document_creation_failed`: `failed`;
 * - anything else (`document_completed_pdf_ready` included: the completion itself is the `document.completed`
 *   state change): none.
 */
export function pandadocLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const data = record(record(payload)['data']);
  const status = text(data['status']);
  const documentId = text(data['id']);
  const updated = data['date_updated'] ?? data['date_modified'];
  const occurredAt = (updated ?? undefined) as LifecycleFacts['occurredAt'];
  switch (name) {
    case 'document_state_changed': {
      const stage = status !== undefined && Object.hasOwn(PANDADOC_STATUS_STAGES, status) ? PANDADOC_STATUS_STAGES[status] : undefined;
      return stage === undefined ? undefined : { stage, documentId, occurredAt };
    }
    case 'recipient_completed': {
      const by = record(data['action_by']);
      const fullName = [text(by['first_name']), text(by['last_name'])].filter((part) => part !== undefined).join(' ');
      const at = (data['action_date'] ?? data['action_on'] ?? updated ?? undefined) as LifecycleFacts['occurredAt'];
      return { stage: 'signed', documentId, signer: { email: text(by['email']), name: fullName || undefined }, occurredAt: at };
    }
    case 'document_deleted':
      return status !== undefined && FINAL.has(status) ? undefined : { stage: 'cancelled', documentId, occurredAt };
    case 'document_creation_failed':
      return { stage: 'failed', documentId, occurredAt };
    default:
      return undefined;
  }
}
