/**
 * SignIt event names (docs/providers/signit.md), grouped by topic. Both API generations are listed: the open platform
 * (`envelopeStarted`, `participantRejected`, ...) and the older REST one (`envelopeStart`, `recipientConfirm`, ...).
 * SignIt's own SDK matches names case-insensitively; so does this provider, dispatching under the spelling below.
 */
export const SIGNIT_TOPICS = {
  /** The envelope as a whole. */
  envelope: [
    'envelopeStarted',
    'envelopeStartedSucceed',
    'envelopeStartedFailed',
    'envelopeCompleted',
    'envelopeCompletedSucceed',
    'envelopeCompletedInvalidated',
    'envelopeCompletedRejected',
    'envelopeCompletedNotPassChecked',
    'envelopeCompletedRevoked',
    'envelopeCompletedExpired',
    // older REST generation (`envelopeCompleted` is shared with the open platform)
    'envelopeStart',
    'envelopeReject',
    'envelopeRevoke',
    'envelopeNotify',
    'envelopeTimeout',
    'envelopeExpired',
  ],
  /** One participant of an envelope. */
  participant: [
    'participantRejected',
    'participantRevoked',
    'participantConfirmed',
    'participantInvalidated',
    'participantNotPassChecked',
    'participantHandling',
    'participantExpired',
    // older REST generation
    'recipientConfirm',
    'recipientReject',
  ],
  /** Person and enterprise identity verification. */
  verification: [
    'personVerificationSubmitted',
    'personVerificationCompleted',
    'enterpriseVerificationSubmitted',
    'enterpriseVerificationPrimaryCompleted',
    'enterpriseVerificationPaid',
    'enterpriseVerificationCompleted',
  ],
  /** Signatures outside the envelope flow. */
  signature: ['quickSignCompleted', 'countersignatureSignCompleted', 'dataSignatureCompleted'],
} as const;

export type SignitTopic = keyof typeof SIGNIT_TOPICS;
export type SignitEventName = (typeof SIGNIT_TOPICS)[SignitTopic][number];
/** Topic -> the event names it groups. */
export type SignitTopicEvents = { [T in SignitTopic]: (typeof SIGNIT_TOPICS)[T][number] };
export type SignitEnvelopeEventName = (typeof SIGNIT_TOPICS)['envelope' | 'participant'][number];
export type SignitVerificationEventName = (typeof SIGNIT_TOPICS)['verification'][number];
export type SignitSignatureEventName = (typeof SIGNIT_TOPICS)['signature'][number];

/** Every known event name, in its canonical spelling. */
export const SIGNIT_EVENTS: readonly SignitEventName[] = Object.values(SIGNIT_TOPICS).flat();

const byLowerName = new Map<string, { name: SignitEventName; topic: SignitTopic }>();
for (const [topic, names] of Object.entries(SIGNIT_TOPICS) as Array<[SignitTopic, readonly SignitEventName[]]>) {
  for (const name of names) byLowerName.set(name.toLowerCase(), { name, topic });
}

/** Topics of events this provider does not know yet, by the prefix SignIt's names follow. */
const topicPrefixes: ReadonlyArray<[string, SignitTopic]> = [
  ['envelope', 'envelope'],
  ['participant', 'participant'],
  ['recipient', 'participant'],
  ['personverification', 'verification'],
  ['enterpriseverification', 'verification'],
];

export type SignitEventMatch =
  | { known: true; name: SignitEventName; topic: SignitTopic }
  | { known: false; name: string; topic: SignitTopic | undefined };

/** Match a wire event name case-insensitively; unknown names keep their own spelling. */
export function matchSignitEvent(wireName: string): SignitEventMatch {
  const lower = wireName.toLowerCase();
  const found = byLowerName.get(lower);
  if (found !== undefined) return { known: true, ...found };
  const topic = topicPrefixes.find(([prefix]) => lower.startsWith(prefix))?.[1];
  return { known: false, name: wireName, topic };
}
