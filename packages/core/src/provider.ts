import type { CountersignError } from './errors.js';
import type { DeliveryContext, ParseResult, WebhookResponse } from './types.js';

/** How the pipeline ended for a delivery that passed authentication and validation. */
export type AckOutcome = 'accepted' | 'duplicate';

/**
 * Type-level description of a provider's events, inferred from its zod schemas:
 * - `events`: event name -> payload type, for every known event;
 * - `topics`: topic name -> the event names it groups;
 * - `base`: the payload type of events the provider does not know (lenient pass-through).
 */
export interface ProviderTypes {
  events: Record<string, unknown>;
  topics: Record<string, string>;
  base: unknown;
}

/**
 * A signing platform: how to answer its handshake, authenticate, parse and acknowledge its deliveries.
 * The built-in providers (`adobeSign`, `ignisign`, `signit`, `docstudio`) implement this; so can you,
 * with `defineProvider`.
 *
 * `F` is what `authenticate` established (which client id, app, secret or account matched): the pipeline hands it
 * to `parse`, `acknowledge` and `acknowledged`, so nothing has to be remembered per request on the side. When it has
 * an `account` string, handlers see it as `event.delivery.account`.
 */
export interface Provider<T extends ProviderTypes = ProviderTypes, F = unknown> {
  /** Platform name for logs and errors, e.g. `adobe-sign`. */
  readonly kind: string;
  /** Time budget for one delivery (ms), overriding the receiver's default: set from the platform's own timeout. */
  readonly timeoutMs?: number | undefined;
  /** Largest accepted body (bytes), overriding the receiver's default. */
  readonly maxBodyBytes?: number | undefined;
  /** How long accepted events are remembered for dedupe (ms): the platform's retry window. Default: the store's. */
  readonly retentionMs?: number | undefined;
  /** Request headers copied into `event.delivery.headers` (lower-case names), e.g. `['x-yousign-retry']`. */
  readonly deliveryHeaders?: readonly string[] | undefined;
  /**
   * What the operator must know about this endpoint's configuration (e.g. that it cannot authenticate bodies):
   * the receiver logs each at warn when it is created.
   */
  readonly warnings?: readonly string[] | undefined;
  /**
   * Answer a GET (verification of intent). Providers without a handshake leave it out: GET then gets 405.
   * Throw a `CountersignError` to refuse.
   */
  handshake?(ctx: DeliveryContext): WebhookResponse | Promise<WebhookResponse>;
  /**
   * Authenticate a POST before anything in it is trusted, and return what it established (or nothing).
   * Throw a `CountersignError` (401/403/503) to refuse.
   */
  authenticate(ctx: DeliveryContext): F | Promise<F>;
  /**
   * Name the event(s) of an authenticated delivery and derive their dedupe keys: one event, a list (a batch: each
   * is claimed and queued on its own; the delivery is acknowledged once all are queued or duplicates), or
   * `{ respond }` to answer a verification ping without queuing anything. Throw a `CountersignError` (400) when the
   * body is not the platform's at all.
   */
  parse(ctx: DeliveryContext, facts: F): ParseResult | Promise<ParseResult>;
  /** Build the answer once every event is safely queued (or was already): the platform's success format. Never throws. */
  acknowledge(ctx: DeliveryContext, outcome: AckOutcome, facts: F): WebhookResponse;
  /**
   * Called once the delivery is acknowledged (every event queued or a duplicate), before the answer is sent: mark
   * a nonce or a token as used. A failure is logged, never answered (the events are already safe).
   */
  acknowledged?(ctx: DeliveryContext, facts: F, outcome: AckOutcome): void | Promise<void>;
  /**
   * Rebuild a payload that went through JSON (a durable queue) into what handlers expect
   * (e.g. dates back to `Date`). Defaults to the identity.
   */
  revive?(event: { name: string; known: boolean; payload: unknown }): unknown;
  /** Phantom field carrying the event types; never set at run time. */
  readonly types?: T;
}

/** Define a provider with full type inference of its events. Returns its argument unchanged. */
export function defineProvider<T extends ProviderTypes, F = unknown>(provider: Provider<T, F>): Provider<T, F> {
  return provider;
}

/** The content type of `jsonResponse`. */
export const JSON_CONTENT_TYPE = 'application/json; charset=utf-8';

/** Shorthand for a JSON response. */
export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): WebhookResponse {
  return {
    status,
    headers: { 'content-type': JSON_CONTENT_TYPE, ...headers },
    body: JSON.stringify(body),
  };
}

/** Shorthand for an empty-bodied response. */
export function emptyResponse(status: number, headers: Record<string, string> = {}): WebhookResponse {
  return { status, headers, body: '' };
}

/** The answer for a refusal: the error's status and headers, body `{"error":{"code","message"[,"details"]}}`. */
export function errorResponse(error: CountersignError): WebhookResponse {
  return jsonResponse(error.status, { error: error.toJSON() }, error.headers);
}
