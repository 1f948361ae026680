import type { CountersignError } from './errors.js';
import type { DeliveryContext, ParsedEvent, WebhookResponse } from './types.js';

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
 */
export interface Provider<T extends ProviderTypes = ProviderTypes> {
  /** Platform name for logs and errors, e.g. `adobe-sign`. */
  readonly kind: string;
  /** Time budget for one delivery (ms), overriding the receiver's default. */
  readonly timeoutMs?: number | undefined;
  /** Largest accepted body (bytes), overriding the receiver's default. */
  readonly maxBodyBytes?: number | undefined;
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
  /** Authenticate a POST before anything in it is trusted. Throw a `CountersignError` (401/403/503) to refuse. */
  authenticate(ctx: DeliveryContext): void | Promise<void>;
  /** Validate the payload and name the event. Throw a `CountersignError` (400) when it is not the platform's shape. */
  parse(ctx: DeliveryContext): ParsedEvent | Promise<ParsedEvent>;
  /** The answer once the event is safely queued (or was already): the platform's success format. */
  acknowledge(ctx: DeliveryContext, outcome: AckOutcome): WebhookResponse;
  /**
   * Rebuild a payload that went through JSON (a durable queue) into what handlers expect
   * (e.g. dates back to `Date`). Defaults to the identity.
   */
  revive?(event: { name: string; known: boolean; payload: unknown }): unknown;
  /** Phantom field carrying the event types; never set at run time. */
  readonly types?: T;
}

/** Define a provider with full type inference of its events. Returns its argument unchanged. */
export function defineProvider<T extends ProviderTypes>(provider: Provider<T>): Provider<T> {
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
