import { eventCatalog, type EventMatch } from '../catalog.js';

/**
 * PandaDoc webhook event names (docs/providers/pandadoc.md), grouped by topic. Names are matched exactly, as
 * PandaDoc writes them (`document_state_changed`); an unknown name passes through with `known: false`.
 */
export const PANDADOC_TOPICS = {
  /** A document, its recipients and its sections. */
  document: [
    'document_state_changed',
    'document_completed_pdf_ready',
    'document_updated',
    'recipient_completed',
    'document_deleted',
    'document_creation_failed',
    'document_section_added',
  ],
  /** Quotes inside a document. */
  quote: ['quote_updated'],
  /** Templates. */
  template: ['template_created', 'template_updated', 'template_deleted'],
} as const;

export type PandaDocTopic = keyof typeof PANDADOC_TOPICS;
export type PandaDocEventName = (typeof PANDADOC_TOPICS)[PandaDocTopic][number];
/** Topic -> the event names it groups. */
export type PandaDocTopicEvents = { [T in PandaDocTopic]: (typeof PANDADOC_TOPICS)[T][number] };
export type PandaDocDocumentEventName = (typeof PANDADOC_TOPICS)['document'][number];


/**
 * The document statuses PandaDoc writes in `data.status` (developers.pandadoc.com handleDocumentStateChanged).
 * `document_state_changed` carries the new one: the lifecycle stage is read from it.
 */
export const PANDADOC_DOCUMENT_STATUSES = [
  'document.draft',
  'document.sent',
  'document.viewed',
  'document.waiting_approval',
  'document.approved',
  'document.rejected',
  'document.waiting_pay',
  'document.paid',
  'document.completed',
  'document.cancelled',
  'document.declined',
] as const;

export type PandaDocDocumentStatus = (typeof PANDADOC_DOCUMENT_STATUSES)[number];

const catalog = eventCatalog(PANDADOC_TOPICS, [['document_', 'document'], ['recipient_', 'document'], ['template_', 'template'], ['quote_', 'quote']]);

/** Every known event name. */
export const PANDADOC_EVENTS: readonly PandaDocEventName[] = catalog.events;

export type PandaDocEventMatch = EventMatch<PandaDocEventName, PandaDocTopic>;

/** Match a wire event name; an unknown one gets a topic by its prefix (`document_…`, `template_…`, `quote_…`), or none. */
export const matchPandaDocEvent: (name: string) => PandaDocEventMatch = catalog.match;
