import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';

/**
 * The events that have a place in the signing lifecycle (docs/providers/ignisign.md, "Lifecycle"); the others (app,
 * signer and profile management, proofs, images, the request's INITIALIZED/UPDATED/READY steps) have none.
 * - `SIGNATURE_SESSION.INITIALIZED` is `viewed`: a signer opened the signing session.
 * - `SIGNATURE.FINALIZED` is `signed` (one signer's signature), `SIGNATURE_REQUEST.COMPLETED` `completed` (everyone).
 * - Ignisign has no "declined" event that countersign knows of.
 * A delivery of one of these events with `msgNature: "ERROR"` is `failed`: the step did not happen.
 */
export const IGNISIGN_LIFECYCLE = {
  'SIGNATURE_REQUEST.LAUNCHED': 'sent',
  'SIGNATURE_SESSION.INITIALIZED': 'viewed',
  'SIGNATURE.FINALIZED': 'signed',
  'SIGNATURE_REQUEST.COMPLETED': 'completed',
  'SIGNATURE_REQUEST.EXPIRED': 'expired',
  'SIGNATURE_REQUEST.CANCELLED': 'cancelled',
  'SIGNATURE_REQUEST.FAILED': 'failed',
  'SIGNATURE.FAILED': 'failed',
} as const satisfies Record<string, LifecycleStage>;

/**
 * The lifecycle stage of an Ignisign event, from its name (and `msgNature`): the document is the signature request
 * (`content.signatureRequestId`). Ignisign names signers by id only and sends no time, so neither is in the record.
 */
export function ignisignLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const mapped = Object.hasOwn(IGNISIGN_LIFECYCLE, name) ? IGNISIGN_LIFECYCLE[name as keyof typeof IGNISIGN_LIFECYCLE] : undefined;
  if (mapped === undefined) return undefined;
  const delivery = typeof payload === 'object' && payload !== null ? (payload as Record<string, unknown>) : {};
  const content = typeof delivery['content'] === 'object' && delivery['content'] !== null ? (delivery['content'] as Record<string, unknown>) : {};
  const requestId = content['signatureRequestId'];
  return {
    stage: delivery['msgNature'] === 'ERROR' ? 'failed' : mapped,
    documentId: typeof requestId === 'string' ? requestId : undefined,
  };
}
