/**
 * BoldSign webhook event types (docs/providers/boldsign.md; boldsign-java-sdk `WebhookEventMetadata.EventTypeEnum`),
 * grouped by topic. `Verification`, the dashboard's URL check, is answered and never dispatched, so it is not here.
 */
export const BOLDSIGN_TOPICS = {
  /** A document sent for signature and its signers. */
  document: [
    'Sent',
    'Viewed',
    'Signed',
    'Completed',
    'Declined',
    'Revoked',
    'Reassigned',
    'Expired',
    'AuthenticationFailed',
    'DeliveryFailed',
    'SendFailed',
    'DraftCreated',
    'Reminder',
    'Edited',
    'EditFailed',
    'SignerSaved',
  ],
  /** Templates. */
  template: ['TemplateCreated', 'TemplateCreateFailed', 'TemplateDraftCreated', 'TemplateSendFailed', 'TemplateEdited'],
  /** Sender identities (sending on behalf of someone). */
  senderIdentity: [
    'SenderIdentityCreated',
    'SenderIdentityUpdated',
    'SenderIdentityDeleted',
    'SenderIdentityRevoked',
    'SenderIdentityVerified',
    'SenderIdentityDenied',
  ],
  /** Signer identity verification and knowledge-based authentication. */
  identityVerification: ['IdentityVerificationInitiated', 'IdentityVerificationSucceeded', 'IdentityVerificationFailed', 'KBAInitiated', 'KBASucceeded', 'KBAFailed'],
} as const;

export type BoldSignTopic = keyof typeof BOLDSIGN_TOPICS;
export type BoldSignEventName = (typeof BOLDSIGN_TOPICS)[BoldSignTopic][number];
/** Topic -> the event names it groups. */
export type BoldSignTopicEvents = { [T in BoldSignTopic]: (typeof BOLDSIGN_TOPICS)[T][number] };
export type BoldSignDocumentEventName = (typeof BOLDSIGN_TOPICS)['document'][number];

/** Every known (dispatched) event type. */
export const BOLDSIGN_EVENTS: readonly BoldSignEventName[] = Object.values(BOLDSIGN_TOPICS).flat();

/** The event type of the dashboard's URL check: answered 200, nothing queued. */
export const BOLDSIGN_VERIFICATION_EVENT = 'Verification';

const byName = new Map<string, BoldSignTopic>();
for (const [topic, names] of Object.entries(BOLDSIGN_TOPICS) as Array<[BoldSignTopic, readonly string[]]>) {
  for (const name of names) byName.set(name, topic);
}

export type BoldSignEventMatch = { known: true; name: BoldSignEventName; topic: BoldSignTopic } | { known: false; name: string; topic: BoldSignTopic | undefined };

/** Match a wire event type exactly; an unknown one gets a topic by prefix (`Template…`, `SenderIdentity…`, `IdentityVerification…`, `KBA…`), or none. */
export function matchBoldSignEvent(name: string): BoldSignEventMatch {
  const topic = byName.get(name);
  if (topic !== undefined) return { known: true, name: name as BoldSignEventName, topic };
  const guessed: BoldSignTopic | undefined = name.startsWith('Template')
    ? 'template'
    : name.startsWith('SenderIdentity')
      ? 'senderIdentity'
      : name.startsWith('IdentityVerification') || name.startsWith('KBA')
        ? 'identityVerification'
        : undefined;
  return { known: false, name, topic: guessed };
}
