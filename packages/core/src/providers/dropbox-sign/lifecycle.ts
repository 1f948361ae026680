import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';
import type { DropboxSignBasePayload, DropboxSignSignature } from './schema.js';

/** The stage of each event that has one; every other event has none. */
export const DROPBOX_SIGN_LIFECYCLE: Readonly<Record<string, LifecycleStage>> = {
  signature_request_sent: 'sent',
  signature_request_viewed: 'viewed',
  signature_request_signed: 'signed',
  signature_request_all_signed: 'completed',
  signature_request_declined: 'declined',
  signature_request_expired: 'expired',
  signature_request_canceled: 'cancelled',
  signature_request_email_bounce: 'failed',
  signature_request_invalid: 'failed',
  unknown_error: 'failed',
  file_error: 'failed',
};

/** The signature the event is about: `event_metadata.related_signature_id`, or for a decline the declined one. */
function signatureOf(name: string, payload: DropboxSignBasePayload): DropboxSignSignature | undefined {
  const signatures = payload.signature_request?.signatures ?? [];
  const related = payload.event.event_metadata?.related_signature_id;
  if (typeof related === 'string') return signatures.find((s) => s.signature_id === related);
  if (name === 'signature_request_declined') {
    const declined = signatures.filter((s) => s.status_code === 'declined');
    return declined.length === 1 ? declined[0] : undefined;
  }
  return undefined;
}

/**
 * The lifecycle record of a Dropbox Sign event: the stage from its name, the signature request id as the document,
 * the signer of the related signature where the event names one, and `event_time` as when it happened.
 */
export function dropboxSignLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const stage = Object.hasOwn(DROPBOX_SIGN_LIFECYCLE, name) ? DROPBOX_SIGN_LIFECYCLE[name] : undefined;
  if (stage === undefined) return undefined;
  const p = payload as DropboxSignBasePayload;
  const signature = signatureOf(name, p);
  return {
    stage,
    documentId: p.signature_request?.signature_request_id,
    signer: signature === undefined ? undefined : { email: signature.signer_email_address ?? undefined, name: signature.signer_name ?? undefined },
    occurredAt: p.event.event_time,
  };
}
