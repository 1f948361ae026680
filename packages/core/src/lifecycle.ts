/**
 * One signing lifecycle across every platform: each provider maps the events that mean the same thing to one
 * small vocabulary of stages, so a handler written once (`on('lifecycle:completed', ...)`) serves every endpoint.
 */

/**
 * The stages, in the order a signing usually goes through them:
 * - `sent`: the document went out for signature;
 * - `viewed`: a signer opened it;
 * - `signed`: one signer finished (others may still have to sign);
 * - `completed`: everyone signed; the document is final;
 * - `declined`: a signer refused to sign;
 * - `expired`: the signing window closed before everyone signed;
 * - `cancelled`: the sender withdrew it (voided, recalled, revoked, deleted);
 * - `failed`: the platform could not deliver or process it (bounced e-mail, failed authentication...).
 */
export const LIFECYCLE_STAGES = ['sent', 'viewed', 'signed', 'completed', 'declined', 'expired', 'cancelled', 'failed'] as const;

export type LifecycleStage = (typeof LIFECYCLE_STAGES)[number];

/** The prefix of lifecycle handler names (`lifecycle:completed`): reserved, no endpoint may be named so. */
export const LIFECYCLE_PREFIX = 'lifecycle';

/** Who a lifecycle event is about, as far as the platform says. */
export interface LifecycleSigner {
  email?: string | undefined;
  name?: string | undefined;
}

/** The normalized record of an event that has a stage: the same shape on every platform. */
export interface Lifecycle<S extends LifecycleStage = LifecycleStage> {
  stage: S;
  /** The platform's id of what is being signed: Adobe agreement, DocuSign envelope, Yousign signature request... */
  documentId: string | undefined;
  /** The signer the event is about (`signed`, `viewed`, `declined`...), where the platform names one. */
  signer: LifecycleSigner | undefined;
  /** When it happened, by the platform's clock, where the payload says. */
  occurredAt: Date | undefined;
}

/** What a provider's mapping returns: the stage and whatever of the record the payload carries. */
export interface LifecycleFacts {
  stage: LifecycleStage;
  documentId?: string | undefined;
  signer?: LifecycleSigner | undefined;
  occurredAt?: Date | string | number | undefined;
}

/** Whether `value` is one of the stages. */
export function isLifecycleStage(value: unknown): value is LifecycleStage {
  return typeof value === 'string' && (LIFECYCLE_STAGES as readonly string[]).includes(value);
}

/** A time as a platform writes it (ISO text, Unix seconds or milliseconds, a `Date`) as a `Date`, or undefined. */
export function lifecycleTime(value: unknown): Date | undefined {
  let date: Date | undefined;
  if (value instanceof Date) date = value;
  else if (typeof value === 'number' && Number.isFinite(value)) date = new Date(value < 1e11 ? value * 1000 : value);
  else if (typeof value === 'string' && value.trim() !== '') {
    const trimmed = value.trim();
    date = /^\d+(\.\d+)?$/.test(trimmed) ? lifecycleTime(Number(trimmed)) : new Date(trimmed);
  }
  return date !== undefined && !Number.isNaN(date.getTime()) ? date : undefined;
}

/** A string field of a signer, clipped; empty strings and non-strings become undefined. */
function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value.slice(0, 320) : undefined;
}

/** The full record from a provider's facts: times parsed, empty signers dropped, strings bounded. */
export function lifecycleRecord(facts: LifecycleFacts): Lifecycle {
  const email = text(facts.signer?.email);
  const name = text(facts.signer?.name);
  return {
    stage: facts.stage,
    documentId: text(facts.documentId),
    signer: email === undefined && name === undefined ? undefined : { email, name },
    occurredAt: lifecycleTime(facts.occurredAt),
  };
}
