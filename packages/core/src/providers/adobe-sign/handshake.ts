import { timingSafeEqual } from '../../crypto.js';
import { CountersignError, isCountersignError } from '../../errors.js';
import { MAX_ID_LENGTH } from '../../limits.js';
import { secretSource } from '../../secrets.js';
import { JSON_CONTENT_TYPE, jsonResponse } from '../../provider.js';
import type { DeliveryContext, WebhookResponse } from '../../types.js';

/** The header Acrobat Sign sends its API application's client id in, and expects back. */
export const ADOBE_SIGN_CLIENT_ID_HEADER = 'X-AdobeSign-ClientId';

/** The client id of webhooks created in Acrobat Sign's web UI (the same for every account). */
export const ADOBE_SIGN_UI_CLIENT_ID = 'UB7E5BXCXY';

const encoder = new TextEncoder();

/** The configured allow-list, checked: at least one id, each a non-empty string. Throws `CONFIG_INVALID`. */
export function adobeSignClientIds(clientIds: unknown): string[] {
  const list: unknown[] = typeof clientIds === 'string' ? [clientIds] : Array.isArray(clientIds) ? clientIds : [];
  const ids = list.map((id) => (typeof id === 'string' ? id.trim() : ''));
  if (ids.length === 0 || ids.some((id) => id === '')) {
    throw new CountersignError(
      'CONFIG_INVALID',
      'adobeSign: `clientIds` must name at least one client id (a non-empty string): the client id of the API application that ' +
        `created the webhook, or ${ADOBE_SIGN_UI_CLIENT_ID} for webhooks created in Acrobat Sign's web UI.`,
    );
  }
  return [...new Set(ids)];
}

/**
 * The client-id check of GET (verification of intent) and POST (notifications): the header, looked up
 * case-insensitively, must be one of `clientIds`, compared in constant time. Returns the matching configured id.
 * Missing: 400 `AUTH_MISSING`; not allowed: 403 `AUTH_FORBIDDEN`. Neither answer echoes the id, so Acrobat Sign
 * does not take it for a success.
 *
 * This is an allow-list, not authentication (web UI webhooks all send the public id `UB7E5BXCXY`): add `oauth`
 * to authenticate notifications.
 */
export function adobeSignClientIdCheck(clientIds: readonly string[]): (ctx: DeliveryContext) => string {
  const allowed = clientIds.map((id) => ({ id, bytes: encoder.encode(id) }));
  return (ctx) => {
    const presented = presentedClientId(ctx);
    const bytes = encoder.encode(presented);
    let match: string | undefined;
    // Compare with every allowed id, without stopping at the first match: the time does not tell which one it was.
    for (const candidate of allowed) {
      if (timingSafeEqual(bytes, candidate.bytes) && match === undefined) match = candidate.id;
    }
    if (match === undefined) throw forbidden();
    return match;
  };
}

/** What the client-id check established: the id the request presented (echoed back) and the account it names. */
export interface AdobeSignClientIdMatch {
  clientId: string;
  account: string;
}

/**
 * Looks up the account an `X-AdobeSign-ClientId` belongs to, for receivers that serve one Acrobat Sign API application
 * per customer: return the account's name (your tenant id: it becomes `event.delivery.account`), or `undefined` for a
 * client id you do not know (403 `AUTH_FORBIDDEN`, as for a fixed list). A throw answers 503
 * `VERIFICATION_UNAVAILABLE` (Acrobat Sign retries). Answers are cached (`clientIdsCacheMs`).
 */
export type AdobeSignClientIdLookup = (clientId: string, context: { signal: AbortSignal }) => string | undefined | Promise<string | undefined>;

function forbidden(): CountersignError {
  return new CountersignError(
    'AUTH_FORBIDDEN',
    `The ${ADOBE_SIGN_CLIENT_ID_HEADER} is not one this endpoint allows; add the client id of the application that created the webhook ` +
      `to \`clientIds\` (${ADOBE_SIGN_UI_CLIENT_ID} for webhooks created in the web UI).`,
  );
}

function presentedClientId(ctx: DeliveryContext): string {
  const presented = ctx.headers.get(ADOBE_SIGN_CLIENT_ID_HEADER)?.trim();
  if (presented === undefined || presented === '') {
    throw new CountersignError(
      'AUTH_MISSING',
      `The ${ADOBE_SIGN_CLIENT_ID_HEADER} header is missing; Acrobat Sign sends it on the verification GET and on every notification.`,
      { status: 400 },
    );
  }
  return presented;
}

/**
 * The client-id check with a lookup (`clientIds: (clientId) => account`): the presented id (at most `MAX_ID_LENGTH`
 * characters, else 403 without a lookup) is looked up through `secretSource`, so answers are cached and concurrent
 * deliveries of one id share one call. Unknown: 403 `AUTH_FORBIDDEN`; lookup failed: 503 `VERIFICATION_UNAVAILABLE`.
 */
export function adobeSignClientIdLookup(
  lookup: AdobeSignClientIdLookup,
  cacheMs: number | undefined,
): (ctx: DeliveryContext) => Promise<AdobeSignClientIdMatch> {
  const accounts = secretSource((clientId, context) => lookup(clientId, context), { name: 'adobeSign: `clientIds`', cacheMs });
  return async (ctx) => {
    const clientId = presentedClientId(ctx);
    if (clientId.length > MAX_ID_LENGTH) throw forbidden();
    let found: readonly string[];
    try {
      found = await accounts(clientId, ctx.signal);
    } catch (error) {
      if (isCountersignError(error) && error.code === 'AUTH_INVALID') throw forbidden();
      throw error;
    }
    return { clientId, account: found[0] as string };
  };
}

/**
 * The answer Acrobat Sign counts as delivered: a 2xx that echoes the client id both ways it accepts, as the
 * `X-AdobeSign-ClientId` response header and as the JSON body `{"xAdobeSignClientId": "<id>"}`.
 */
export function adobeSignEcho(clientId: string, status = 200): WebhookResponse {
  return jsonResponse(status, { xAdobeSignClientId: clientId }, { [ADOBE_SIGN_CLIENT_ID_HEADER]: clientId });
}

/** `adobeSignEcho` for an endpoint's allowed ids, their JSON bodies serialised once (a fresh response object each time). */
export function adobeSignEchoes(clientIds: readonly string[], status: number): (clientId: string) => WebhookResponse {
  const bodies = new Map(clientIds.map((id) => [id, adobeSignEcho(id, status).body]));
  return (clientId) => {
    const body = bodies.get(clientId);
    if (body === undefined) return adobeSignEcho(clientId, status);
    return { status, headers: { 'content-type': JSON_CONTENT_TYPE, [ADOBE_SIGN_CLIENT_ID_HEADER]: clientId }, body };
  };
}
