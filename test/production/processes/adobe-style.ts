import { CountersignError, defineProvider, jsonResponse, type DeliveryContext, type WebhookResponse } from '@countersign/core';

/** The fields of an Adobe Acrobat Sign notification these tests use; everything else passes through. */
export interface AdobeStylePayload {
  webhookNotificationId: string;
  event: string;
  agreement?: { id: string; name?: string; status?: string };
  [field: string]: unknown;
}

export const CLIENT_ID = 'CBJCHBCAABAAcountersigntest';

function echo(ctx: DeliveryContext, status = 200): WebhookResponse {
  const id = ctx.headers.get('x-adobesign-clientid') ?? '';
  return jsonResponse(status, { xAdobeSignClientId: id }, { 'x-adobesign-clientid': id });
}

/**
 * A small stand-in for the Adobe Acrobat Sign provider, with the same wire contract: client-id allow-list,
 * `webhookNotificationId` as the dedupe key, the client id echoed on every 2xx (handshake and notifications).
 */
export function adobeStyle(options: { clientIds?: readonly string[] } = {}) {
  const allowed = new Set(options.clientIds ?? [CLIENT_ID]);
  const check = (ctx: DeliveryContext): void => {
    const id = ctx.headers.get('x-adobesign-clientid');
    if (id === undefined || id === null || id === '') throw new CountersignError('AUTH_MISSING', 'The X-AdobeSign-ClientId header is missing.');
    if (!allowed.has(id)) throw new CountersignError('AUTH_FORBIDDEN', 'This client id is not allowed here.');
  };
  return defineProvider<{
    events: { AGREEMENT_CREATED: AdobeStylePayload; AGREEMENT_WORKFLOW_COMPLETED: AdobeStylePayload };
    topics: { AGREEMENT: 'AGREEMENT_CREATED' | 'AGREEMENT_WORKFLOW_COMPLETED' };
    base: AdobeStylePayload;
  }>({
    kind: 'adobe-sign-style',
    handshake(ctx) {
      check(ctx);
      return echo(ctx);
    },
    authenticate: check,
    parse(ctx) {
      const body = ctx.json();
      if (typeof body.webhookNotificationId !== 'string' || typeof body.event !== 'string') {
        throw new CountersignError('PAYLOAD_INVALID', '`webhookNotificationId` and `event` must be strings.');
      }
      const known = body.event === 'AGREEMENT_CREATED' || body.event === 'AGREEMENT_WORKFLOW_COMPLETED';
      return { name: body.event, topic: known ? 'AGREEMENT' : undefined, known, key: body.webhookNotificationId, payload: body };
    },
    acknowledge: (ctx) => echo(ctx),
  });
}

/** The body of one Adobe-style notification. */
export function adobeNotification(id: string, event = 'AGREEMENT_WORKFLOW_COMPLETED'): string {
  return JSON.stringify({
    webhookId: '9b7fc222-0c74-478b-9bde-8ac70a2dd163',
    webhookNotificationId: id,
    webhookScope: 'ACCOUNT',
    event,
    eventDate: new Date().toISOString(),
    eventResourceType: 'agreement',
    agreement: { id: `agreement-${id}`, name: 'Contract', status: 'SIGNED' },
  });
}
