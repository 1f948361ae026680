import { eventCatalog, type EventMatch } from '../catalog.js';

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


/** The event type of the dashboard's URL check: answered 200, nothing queued. */
export const BOLDSIGN_VERIFICATION_EVENT = 'Verification';

const catalog = eventCatalog(BOLDSIGN_TOPICS, [['Template', 'template'], ['SenderIdentity', 'senderIdentity'], ['IdentityVerification', 'identityVerification'], ['KBA', 'identityVerification']]);

/** Every known event name. */
export const BOLDSIGN_EVENTS: readonly BoldSignEventName[] = catalog.events;

export type BoldSignEventMatch = EventMatch<BoldSignEventName, BoldSignTopic>;

/** Match a wire event type exactly; an unknown one gets a topic by prefix (`Template…`, `SenderIdentity…`, `IdentityVerification…`, `KBA…`), or none. */
export const matchBoldSignEvent: (name: string) => BoldSignEventMatch = catalog.match;
