import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';
import type { DocStudioStatus } from './events.js';

/**
 * The envelope statuses that have a place in the signing lifecycle (docs/providers/docstudio.md, "Lifecycle").
 * `SENT` and `WAITING` (waiting for the other side's signature) are both `sent`; `DRAFT` and `ON_APPROVAL` (internal
 * approval before sending) have none. DocStudio documents the statuses, not their exact meaning: these readings are
 * by their names, and whether a recipient's refusal ends as `CANCELLED` is UNCONFIRMED.
 */
export const DOCSTUDIO_LIFECYCLE = {
  SENT: 'sent',
  WAITING: 'sent',
  COMPLETED: 'completed',
  CANCELLED: 'cancelled',
  EXPIRED: 'expired',
} as const satisfies Partial<Record<DocStudioStatus, LifecycleStage>>;

/**
 * The lifecycle stage of a DocStudio callback, from its status: the document is the envelope (`uuid`). DocStudio
 * names no signer and sends no time of the change (`receiveDate` is when the envelope arrived), so neither is in the
 * record.
 */
export function docstudioLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const stage = Object.hasOwn(DOCSTUDIO_LIFECYCLE, name) ? DOCSTUDIO_LIFECYCLE[name as keyof typeof DOCSTUDIO_LIFECYCLE] : undefined;
  if (stage === undefined) return undefined;
  const uuid = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>)['uuid'] : undefined;
  return { stage, documentId: typeof uuid === 'string' ? uuid : undefined };
}
