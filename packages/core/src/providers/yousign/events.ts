import { eventCatalog, type EventMatch } from '../catalog.js';

/**
 * Yousign API v3 webhook event names (`event_name`, docs/providers/yousign.md), grouped by topic: the part before
 * the dot. Confirmed by Yousign's documentation: `signature_request.activated`, `.done`, `.expired`, `.declined`,
 * `.reminder_executed`, `.approved`, `.deleted`, `.canceled`, `.reactivated`, `signer.done`, `signer.notified`.
 * The others come from third-party client enums (UNCONFIRMED spellings). Unknown names pass through (`known: false`).
 */
export const YOUSIGN_TOPICS = {
  /** The signature request as a whole (`data.signature_request`). */
  signature_request: [
    'signature_request.activated',
    'signature_request.done',
    'signature_request.expired',
    'signature_request.declined',
    'signature_request.canceled',
    'signature_request.deleted',
    'signature_request.reactivated',
    'signature_request.reminder_executed',
    'signature_request.approved',
    // UNCONFIRMED
    'signature_request.permanently_deleted',
    'signature_request.rejected',
  ],
  /** One signer of a signature request (`data.signer` besides `data.signature_request`). */
  signer: [
    'signer.notified',
    'signer.done',
    // UNCONFIRMED
    'signer.declined',
    'signer.link_opened',
    'signer.error',
    'signer.notification_delivery_failed',
    'signer.identification_blocked',
    'signer.identification_failed',
  ],
} as const;

export type YousignTopic = keyof typeof YOUSIGN_TOPICS;
export type YousignEventName = (typeof YOUSIGN_TOPICS)[YousignTopic][number];
export type YousignSignatureRequestEventName = (typeof YOUSIGN_TOPICS)['signature_request'][number];
export type YousignSignerEventName = (typeof YOUSIGN_TOPICS)['signer'][number];
/** Topic -> the event names it groups. */
export type YousignTopicEvents = { [T in YousignTopic]: (typeof YOUSIGN_TOPICS)[T][number] };

const catalog = eventCatalog(YOUSIGN_TOPICS, [['signature_request.', 'signature_request'], ['signer.', 'signer']]);

/** Every known event name. */
export const YOUSIGN_EVENTS: readonly YousignEventName[] = catalog.events;

export type YousignEventMatch = EventMatch<YousignEventName, YousignTopic>;

/** Match a wire event name exactly; unknown ones get a topic by the part before the dot, when it is one of ours. */
export const matchYousignEvent: (name: string) => YousignEventMatch = catalog.match;
