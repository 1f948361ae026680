import type { LifecycleFacts, LifecycleStage } from '../../lifecycle.js';
import type { YousignEventName } from './events.js';
import type { YousignSignatureRequestPayload } from './schema.js';

/**
 * The lifecycle stage of each Yousign event that has one. `signature_request.declined` and `signer.declined` both
 * count, so a subscription to both hears `declined` twice (the signer event names the signer): lifecycle handlers
 * should be idempotent per document and stage.
 */
export const YOUSIGN_LIFECYCLE: Readonly<Partial<Record<YousignEventName, LifecycleStage>>> = {
  'signature_request.activated': 'sent',
  'signature_request.reactivated': 'sent',
  'signature_request.done': 'completed',
  'signature_request.declined': 'declined',
  'signature_request.expired': 'expired',
  'signature_request.canceled': 'cancelled',
  'signer.link_opened': 'viewed',
  'signer.done': 'signed',
  'signer.declined': 'declined',
  'signer.error': 'failed',
  'signer.notification_delivery_failed': 'failed',
  'signer.identification_blocked': 'failed',
  'signer.identification_failed': 'failed',
};

/** The lifecycle record of a known Yousign event with a stage (document id = signature request id), else `undefined`. */
export function yousignLifecycle({ name, known, payload }: { name: string; known: boolean; payload: unknown }): LifecycleFacts | undefined {
  if (!known) return undefined;
  const stage = YOUSIGN_LIFECYCLE[name as YousignEventName];
  if (stage === undefined) return undefined;
  const p = payload as YousignSignatureRequestPayload;
  const info = p.data.signer?.info;
  const fullName = [info?.first_name, info?.last_name].filter((part) => typeof part === 'string' && part !== '').join(' ');
  return {
    stage,
    documentId: p.data.signature_request.id,
    signer: info === undefined || info === null ? undefined : { email: info.email ?? undefined, name: fullName === '' ? undefined : fullName },
    occurredAt: p.event_time,
  };
}
