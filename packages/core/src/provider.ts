import type { CountersignError } from './errors.js';
import type { LifecycleFacts } from './lifecycle.js';
import type { Logger } from './logger.js';
import type { ClientCertificateRequirement } from './tls.js';
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
/**
 * What a platform is, without any credential: its name, the event and topic names it knows, and how to rebuild a
 * payload that went through JSON. Handlers (`createHandlers`) and queue workers need only this; every provider is
 * one. Each built-in provider exports its own (`adobeSignPlatform`, ...).
 */
export interface Platform<T extends ProviderTypes = ProviderTypes> {
  /** Platform name for logs and errors, e.g. `adobe-sign`. */
  readonly kind: string;
  /**
   * The event and topic names the platform sends: what may follow `<endpoint>:` in `on()`, besides `*`. Optional.
   * When given, `on()` warns through the logger about a name that is not in the list (a misspelling the types cannot
   * catch in JavaScript), naming the closest known ones.
   */
  readonly events?: readonly string[] | undefined;
  /**
   * Rebuild a payload that went through JSON (a durable queue) into what handlers expect
   * (e.g. dates back to `Date`). Defaults to the identity.
   */
  revive?(event: { name: string; known: boolean; payload: unknown }): unknown;
  /**
   * The full validation of a queued event's payload, run before its handlers (not before the acknowledgement: a
   * platform refused with 4xx retries for days and may disable the webhook). Returns the typed payload handlers
   * receive (dates revived); throws (a `CountersignError` `PAYLOAD_INVALID` with the issues as `details`) when the
   * payload does not match: the event is then not handled but kept as a dead letter at once, not retried, and
   * `onError` hears of it. Replaces `revive` when both are given. Optional: without it handlers get the payload as
   * `parse` queued it (revived by `revive`).
   */
  validate?(event: { name: string; known: boolean; payload: unknown }): unknown;
  /**
   * The event's place in the signing lifecycle (`completed`, `declined`...), from its name and its validated payload,
   * or `undefined` when it has none. Handlers registered with `on('lifecycle:<stage>')` run for it, and every
   * handler sees the normalized record as `event.lifecycle`.
   */
  lifecycle?(event: { name: string; known: boolean; payload: unknown }): LifecycleFacts | undefined;
  /** Phantom field carrying the event types; never set at run time. */
  readonly types?: T;
}

/** Declare a platform (secret-free) with its event types: what `createHandlers` and workers take. */
export function definePlatform<T extends ProviderTypes>(platform: Platform<T>): Platform<T> {
  return platform;
}

export interface Provider<T extends ProviderTypes = ProviderTypes, F = unknown> extends Platform<T> {
  /** Time budget for one delivery (ms), overriding the receiver's default: set from the platform's own timeout. */
  readonly timeoutMs?: number | undefined;
  /** Largest accepted body (bytes), overriding the receiver's default. */
  readonly maxBodyBytes?: number | undefined;
  /** How long accepted events are remembered for dedupe (ms): the platform's retry window. Default: the store's. */
  readonly retentionMs?: number | undefined;
  /** The TLS client certificate this endpoint requires (mutual TLS), checked before `authenticate`. */
  readonly clientCertificate?: ClientCertificateRequirement | undefined;
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

/** The words of an event name, lower-cased: `AGREEMENT_WORKFLOW_COMPLETED`, `envelopeCompleted`, `SIGNATURE.FAILED`. */
function wordsOf(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
}

/** Levenshtein distance between two strings. */
function letterDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) {
      next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    row = next;
  }
  return row[b.length] as number;
}

/** A word the known name has and the typed one lacks (left out). */
const WORD_INSERT = 3;
/** A word the typed name has and the known one lacks: costlier, a suggestion should not drop what was asked for. */
const WORD_DELETE = 5;

/**
 * How far `typed` is from `known`: 0 when they differ only in case and separators, otherwise an edit distance
 * over their words, where a misspelt word costs its letter distance, a left-out word 3 and an extra word 5.
 * Word-wise, `AGREEMENT_COMPLETE` is 4 from `AGREEMENT_WORKFLOW_COMPLETED`, 5 from `AGREEMENT_DELETED` and from
 * the topic `AGREEMENT` (letter-wise, `AGREEMENT_DELETED` would be the closest).
 */
function nameDistance(typed: string, known: string): number {
  const a = wordsOf(typed);
  const b = wordsOf(known);
  if (a.join('') === b.join('')) return 0;
  let row = Array.from({ length: b.length + 1 }, (_, j) => j * WORD_INSERT);
  for (let i = 1; i <= a.length; i++) {
    const next = [i * WORD_DELETE];
    for (let j = 1; j <= b.length; j++) {
      const replace = Math.min(letterDistance(a[i - 1] as string, b[j - 1] as string), WORD_INSERT + WORD_DELETE);
      next[j] = Math.min((row[j] as number) + WORD_DELETE, (next[j - 1] as number) + WORD_INSERT, (row[j - 1] as number) + replace);
    }
    row = next;
  }
  return row[b.length] as number;
}

/** The known names closest to `typed` (ties included, at most 3), or none when nothing is reasonably close. */
function closestNames(typed: string, known: readonly string[]): string[] {
  const limit = Math.max(2, Math.ceil(wordsOf(typed).join('').length / 4));
  const scored = known.map((name) => ({ name, distance: nameDistance(typed, name), letters: letterDistance(typed, name) }));
  const best = Math.min(...scored.map((s) => s.distance));
  if (!(best <= limit)) return [];
  return scored
    .filter((s) => s.distance === best)
    .sort((x, y) => x.letters - y.letters || (x.name < y.name ? -1 : 1))
    .slice(0, 3)
    .map((s) => s.name);
}

/**
 * For `receiver.on(name)`: warn through `logger` when the provider lists its names (`events`) and the event or
 * topic in `name` is not one of them (nor `*`), naming the closest known ones. Such a handler is kept: it runs if
 * the platform ever sends an event of exactly that name.
 */
export function warnUnknownEvent(name: string, provider: Platform, logger: Logger): void {
  const colon = name.indexOf(':');
  const endpoint = name.slice(0, colon);
  const event = name.slice(colon + 1);
  const known = provider.events;
  if (known === undefined || known.length === 0 || event === '*' || known.includes(event)) return;
  const closest = closestNames(event, known).map((n) => `${endpoint}:${n}`);
  const quoted = closest.map((n) => `"${n}"`);
  const hint = quoted.length === 0 ? '' : ` Did you mean ${quoted.length === 1 ? quoted[0] : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1)}`}?`;
  logger.warn(
    { endpoint, name, closest: closest.length === 0 ? undefined : closest },
    `on("${name}"): ${provider.kind} knows no event or topic "${event}".${hint} The handler runs only if an event of exactly that name arrives.`,
  );
}
