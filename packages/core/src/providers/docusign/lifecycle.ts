import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';
import type { DocusignEventName } from './events.js';
import type { DocusignPayload, DocusignRecipient } from './schema.js';

/**
 * The lifecycle stage of each DocuSign event that has one. Envelope and recipient events both count, so an
 * endpoint subscribed to both hears `declined` twice (once from the recipient, once from the envelope) and `viewed`
 * per recipient and once more for the envelope: lifecycle handlers should be idempotent per document and stage.
 */
export const DOCUSIGN_LIFECYCLE: Readonly<Partial<Record<DocusignEventName, LifecycleStage>>> = {
  'envelope-sent': 'sent',
  'envelope-delivered': 'viewed',
  'envelope-completed': 'completed',
  'envelope-declined': 'declined',
  'envelope-voided': 'cancelled',
  'recipient-delivered': 'viewed',
  'recipient-completed': 'signed',
  'recipient-declined': 'declined',
  'recipient-autoresponded': 'failed',
  'recipient-authenticationfailed': 'failed',
};

const RECIPIENT_LISTS = [
  'signers',
  'inPersonSigners',
  'agents',
  'editors',
  'intermediaries',
  'carbonCopies',
  'certifiedDeliveries',
  'seals',
  'witnesses',
  'notaries',
] as const;

/** Every recipient of the envelope summary, when the configuration includes it. */
function recipientsOf(payload: DocusignPayload): DocusignRecipient[] {
  const recipients = payload.data.envelopeSummary?.recipients;
  if (recipients === null || recipients === undefined) return [];
  return RECIPIENT_LISTS.flatMap((list) => recipients[list] ?? []);
}

/** The signer an event is about: the recipient of a recipient event, the declining one of `envelope-declined`. */
function signerOf(name: string, payload: DocusignPayload): DocusignRecipient | undefined {
  const all = recipientsOf(payload);
  const recipientId = payload.data.recipientId;
  if (recipientId !== undefined && recipientId !== null && recipientId !== '') return all.find((r) => String(r.recipientId) === String(recipientId));
  if (name === 'envelope-declined') return all.find((r) => r.status === 'declined');
  return undefined;
}

/** The lifecycle record of a known DocuSign event with a stage (document id = envelope id), else `undefined`. */
export function docusignLifecycle({ name, known, payload }: { name: string; known: boolean; payload: unknown }): LifecycleFacts | undefined {
  if (!known) return undefined;
  const stage = DOCUSIGN_LIFECYCLE[name as DocusignEventName];
  if (stage === undefined) return undefined;
  const p = payload as DocusignPayload;
  const signer = signerOf(name, p);
  return {
    stage,
    documentId: p.data.envelopeId,
    signer: signer === undefined ? undefined : { email: signer.email ?? undefined, name: signer.name ?? undefined },
    occurredAt: p.generatedDateTime,
  };
}
