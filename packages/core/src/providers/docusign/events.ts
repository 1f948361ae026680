import { eventCatalog, type EventMatch } from '../catalog.js';

/**
 * DocuSign Connect event names as JSON SIM messages write them in `event` (docs/providers/docusign.md), grouped by
 * topic. `envelope-sent` is documented by DocuSign; the other envelope names follow its pattern and the five envelope
 * events connector vendors list (sent, delivered, completed, declined, voided). Recipient names are the slugs used
 * by integrations; the spellings marked UNCONFIRMED in the page come from no DocuSign source. Unknown names pass
 * through (`known: false`).
 */
export const DOCUSIGN_TOPICS = {
  /** The envelope as a whole. */
  envelope: [
    'envelope-created',
    'envelope-sent',
    'envelope-resent',
    'envelope-delivered',
    'envelope-completed',
    'envelope-declined',
    'envelope-voided',
    'envelope-corrected',
    'envelope-purge',
    'envelope-deleted',
    'envelope-discard',
  ],
  /** One recipient of an envelope (`data.recipientId`). */
  recipient: [
    'recipient-sent',
    'recipient-autoresponded',
    'recipient-delivered',
    'recipient-completed',
    'recipient-declined',
    'recipient-authenticationfailed',
    'recipient-resent',
    'recipient-delegate',
    'recipient-reassign',
    'recipient-finish-later',
  ],
} as const;

export type DocusignTopic = keyof typeof DOCUSIGN_TOPICS;
export type DocusignEventName = (typeof DOCUSIGN_TOPICS)[DocusignTopic][number];
/** Topic -> the event names it groups. */
export type DocusignTopicEvents = { [T in DocusignTopic]: (typeof DOCUSIGN_TOPICS)[T][number] };

const catalog = eventCatalog(DOCUSIGN_TOPICS, [['envelope-', 'envelope'], ['recipient-', 'recipient']]);

/** Every known event name. */
export const DOCUSIGN_EVENTS: readonly DocusignEventName[] = catalog.events;

export type DocusignEventMatch = EventMatch<DocusignEventName, DocusignTopic>;

/** Match a wire event name exactly (Connect writes them in lower case); unknown ones get a topic by their prefix. */
export const matchDocusignEvent: (name: string) => DocusignEventMatch = catalog.match;
