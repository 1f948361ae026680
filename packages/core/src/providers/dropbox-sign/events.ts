import { eventCatalog, type EventMatch } from '../catalog.js';

/**
 * Dropbox Sign (formerly HelloSign) callback event names (docs/providers/dropbox-sign.md), as sent in
 * `event.event_type` (openapi.yaml `EventCallbackRequestEvent.event_type`), grouped by topic.
 * `callback_test` is not listed: it is answered at once and never queued, so no handler can run for it.
 */
export const DROPBOX_SIGN_TOPICS = {
  /** A signature request and its signers. */
  signature_request: [
    'signature_request_sent',
    'signature_request_viewed',
    'signature_request_signed',
    'signature_request_all_signed',
    'signature_request_downloadable',
    'signature_request_declined',
    'signature_request_canceled',
    'signature_request_expired',
    'signature_request_email_bounce',
    'signature_request_invalid',
    'signature_request_remind',
    'signature_request_reassigned',
    'signature_request_prepared',
    'signature_request_destroyed',
    'signature_request_incomplete_qes',
    'signature_request_signer_removed',
  ],
  /** Templates. */
  template: ['template_created', 'template_error'],
  /** The account. */
  account: ['account_confirmed'],
  /** Errors not tied to one signature request. */
  error: ['unknown_error', 'file_error', 'sign_url_invalid'],
} as const;

export type DropboxSignTopic = keyof typeof DROPBOX_SIGN_TOPICS;
export type DropboxSignEventName = (typeof DROPBOX_SIGN_TOPICS)[DropboxSignTopic][number];
/** Topic -> the event names it groups. */
export type DropboxSignTopicEvents = { [T in DropboxSignTopic]: (typeof DROPBOX_SIGN_TOPICS)[T][number] };

/** The two events of the `signature_request` topic that may come without a `signature_request` in their payload. */
const WITHOUT_SIGNATURE_REQUEST = ['signature_request_invalid', 'signature_request_destroyed'] as const;

/** The events that always concern one signature request: their payload carries `signature_request`. */
export type DropboxSignRequestEventName = Exclude<DropboxSignTopicEvents['signature_request'], (typeof WITHOUT_SIGNATURE_REQUEST)[number]>;

/** The events that always concern one signature request: every `signature_request` event but the two above. */
export const DROPBOX_SIGN_REQUEST_EVENTS: readonly DropboxSignRequestEventName[] = DROPBOX_SIGN_TOPICS.signature_request.filter(
  (name): name is DropboxSignRequestEventName => !(WITHOUT_SIGNATURE_REQUEST as readonly string[]).includes(name),
);


/** The event Dropbox Sign sends when a callback URL is set or tested: answered, never queued. */
export const DROPBOX_SIGN_CALLBACK_TEST = 'callback_test';

const catalog = eventCatalog(DROPBOX_SIGN_TOPICS, [['signature_request_', 'signature_request'], ['template_', 'template'], ['account_', 'account']]);

/** Every known event name. */
export const DROPBOX_SIGN_EVENTS: readonly DropboxSignEventName[] = catalog.events;

export type DropboxSignEventMatch = EventMatch<DropboxSignEventName, DropboxSignTopic>;

/** Match a wire event name (exact spelling); unknown names get a topic by their prefix. */
export const matchDropboxSignEvent: (name: string) => DropboxSignEventMatch = catalog.match;

/** Whether the event concerns one signature request and always carries it. */
export function isDropboxSignRequestEvent(name: string): name is DropboxSignRequestEventName {
  return (DROPBOX_SIGN_REQUEST_EVENTS as readonly string[]).includes(name);
}
