import type { LifecycleFacts, LifecycleSigner, LifecycleStage } from '../../lifecycle.js';

/** The stage of each BoldSign event type; the others have none. */
export const BOLDSIGN_EVENT_STAGES: Readonly<Record<string, LifecycleStage>> = {
  Sent: 'sent',
  Viewed: 'viewed',
  Signed: 'signed',
  Completed: 'completed',
  Declined: 'declined',
  Expired: 'expired',
  Revoked: 'cancelled',
  DeliveryFailed: 'failed',
  SendFailed: 'failed',
  AuthenticationFailed: 'failed',
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function seconds(value: unknown): number {
  return value instanceof Date ? value.getTime() / 1000 : typeof value === 'number' ? value : Number.NEGATIVE_INFINITY;
}

/** What a signer entry of a status or a flag says about the event. */
const SIGNER_MARK: Readonly<Record<string, (signer: Record<string, unknown>) => boolean>> = {
  Declined: (s) => s['status'] === 'Declined',
  Signed: (s) => s['status'] === 'Completed',
  Viewed: (s) => s['isViewed'] === true,
  AuthenticationFailed: (s) => s['isAuthenticationFailed'] === true,
  DeliveryFailed: (s) => s['isDeliveryFailed'] === true,
};

/**
 * The signer an event is about: the signer whose id is the actor's, else the only signer, else (Signed, Viewed,
 * Declined and the failures) the most recently active signer whose status or flag says so.
 */
function signerOf(name: string, payload: Record<string, unknown>): LifecycleSigner | undefined {
  if (!Object.hasOwn(SIGNER_MARK, name)) return undefined;
  const signers = Array.isArray(record(payload['data'])['signerDetails']) ? (record(payload['data'])['signerDetails'] as unknown[]).map(record) : [];
  const actor = text(record(record(payload['context'])['actor'])['id']);
  const mark = SIGNER_MARK[name];
  let found = signers.find((s) => actor !== undefined && s['id'] === actor) ?? (signers.length === 1 ? signers[0] : undefined);
  if (found === undefined && mark !== undefined) {
    found = signers.filter(mark).sort((a, b) => seconds(b['lastActivityDate']) - seconds(a['lastActivityDate']))[0];
  }
  return found === undefined ? undefined : { email: text(found['signerEmail']), name: text(found['signerName']) };
}

/** The lifecycle stage of a BoldSign event, by its type (`BOLDSIGN_EVENT_STAGES`), with the document, signer and time. */
export function boldsignLifecycle({ name, payload }: { name: string; payload: unknown }): LifecycleFacts | undefined {
  const stage = Object.hasOwn(BOLDSIGN_EVENT_STAGES, name) ? BOLDSIGN_EVENT_STAGES[name] : undefined;
  if (stage === undefined) return undefined;
  const body = record(payload);
  return {
    stage,
    documentId: text(record(body['data'])['documentId']),
    signer: signerOf(name, body),
    occurredAt: (record(body['event'])['created'] ?? undefined) as LifecycleFacts['occurredAt'],
  };
}
