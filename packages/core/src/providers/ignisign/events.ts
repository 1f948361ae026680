/**
 * Ignisign's webhook topics and the actions each one sends, as wire values (docs/providers/ignisign.md: the public docs
 * misname two topics; these are the names actually sent). `ID_PROOFING` and `SIGNER_AUTH` are reserved by
 * Ignisign and not listed: should they start arriving, they pass through as unknown events.
 */
export const IGNISIGN_TOPICS = {
  APP: ['SETTINGS_UPDATED', 'MEMBERSHIP_UPDATED', 'ARCHIVED'],
  SIGNATURE: ['FINALIZED', 'FAILED'],
  SIGNATURE_REQUEST: [
    'INITIALIZED',
    'UPDATED',
    'READY',
    'LAUNCHED',
    'FAILED',
    'CANCELLED',
    'EXPIRED',
    'COMPLETED',
    'CHILDREN_GENERATED',
    'APPROVER_STEP',
  ],
  SIGNER: ['CREATED', 'INPUTS_ADDED'],
  SIGNATURE_PROFILE: ['CREATED', 'ARCHIVED'],
  SIGNATURE_SESSION: ['INITIALIZED'],
  SIGNATURE_PROOF: ['GENERATED', 'ADV_GENERATED'],
  SIGNATURE_SIGNER_IMAGE: ['GENERATED'],
} as const;

export type IgnisignTopic = keyof typeof IGNISIGN_TOPICS;

/** The actions Ignisign sends under `T`. */
export type IgnisignAction<T extends IgnisignTopic = IgnisignTopic> = (typeof IGNISIGN_TOPICS)[T][number];

/** Topic -> the event names (`TOPIC.ACTION`) it groups: what `ignisign:<TOPIC>` handlers receive. */
export type IgnisignTopicEvents = { [T in IgnisignTopic]: `${T}.${IgnisignAction<T>}` };

/** Every event name the provider knows, e.g. `SIGNATURE_REQUEST.LAUNCHED`. */
export type IgnisignEventName = IgnisignTopicEvents[IgnisignTopic];

export const IGNISIGN_APP_ENVS = ['DEVELOPMENT', 'STAGING', 'PRODUCTION'] as const;
export type IgnisignAppEnv = (typeof IGNISIGN_APP_ENVS)[number];

export const IGNISIGN_MSG_NATURES = ['INFO', 'SUCCESS', 'WARNING', 'ERROR'] as const;
export type IgnisignMsgNature = (typeof IGNISIGN_MSG_NATURES)[number];

export function isIgnisignTopic(topic: string): topic is IgnisignTopic {
  return Object.hasOwn(IGNISIGN_TOPICS, topic);
}

export function isIgnisignAppEnv(value: unknown): value is IgnisignAppEnv {
  return typeof value === 'string' && (IGNISIGN_APP_ENVS as readonly string[]).includes(value);
}
