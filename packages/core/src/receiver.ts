import { readBody } from './body.js';
import { memoryDedupe } from './dedupe/memory.js';
import type { DedupeStore } from './dedupe/types.js';
import { CountersignError, errorMessage, isCountersignError, type ErrorCode } from './errors.js';
import type { AnyEvent, Endpoints, EventFor, EventName, Handler, Platforms } from './events.js';
import { readHeaders, type HeaderReader } from './headers.js';
import { boundKey, clip, MAX_EVENT_NAME_LENGTH, MAX_EVENTS_PER_DELIVERY, safeHeaderValue } from './limits.js';
import { defaultLogger, limitedLog, type Logger } from './logger.js';
import { observersOf, type DeliveryWatch, type ReceiverObserver } from './observer.js';
import { errorResponse, type AckOutcome, type Provider } from './provider.js';
import { createHandlers, type ErrorInfo, type HandlerRegistry } from './handlers.js';
import { receiverOptions } from './options.js';
import { clientCertificateError } from './tls.js';
import { memoryQueue } from './queue/memory.js';
import type { DeadLetter, DispatchInfo, EventQueue, QueuedEvent, WaitUntil } from './queue/types.js';
import type { DeliveryContext, ParsedEvent, ParseResult, PeerCertificate, ProviderAnswer, WebhookRequest, WebhookResponse } from './types.js';

export interface ReceiverOptions<E extends Endpoints> {
  /** Endpoints by name; each answers on exactly one path, `<adapter prefix>/<name>` (`/webhooks/<name>`). */
  endpoints: E;
  /** Where accepted event keys are remembered. Default: `memoryDedupe()` (one process only). */
  dedupe?: DedupeStore;
  /** Where accepted events wait for handlers. Default: `memoryQueue()` (lost if the process crashes). */
  queue?: EventQueue;
  /**
   * The handlers, when you build them apart from the receiver (`createHandlers`), e.g. to share them with a worker
   * module. Default: a registry of this receiver's endpoints, filled by `receiver.on()`.
   */
  handlers?: HandlerRegistry<Platforms>;
  /**
   * pino-compatible logger. Default: `defaultLogger()`, warnings and errors as JSON lines on stderr (failed handlers,
   * dead letters, refusals at a bounded rate). Pass `silentLogger` to log nothing.
   */
  logger?: Logger;
  /** Told about every delivery and handler run: `@countersign/opentelemetry`, `@countersign/inspector`, your own. */
  observers?: readonly ReceiverObserver[];
  /** Time budget of one delivery (ms), from the first byte to the answer. Default 4000 (Adobe allows 5 s). */
  timeoutMs?: number;
  /** Largest accepted body (bytes). Default 10 MiB, Adobe Sign's maximum. */
  maxBodyBytes?: number;
  /** How long an unfinished dedupe claim lasts before another copy may take over (ms). Default 60 000. */
  claimTtlMs?: number;
  /**
   * Answer 429 to a sender address after too many failed authentications (401/403). Off by default: platforms
   * deliver from shared cloud addresses, so an attacker on the same cloud could get a platform's own deliveries
   * refused (they are retried, but late). Turn it on when password or token guessing is a concern.
   */
  authFailureLimit?: AuthFailureLimitOptions;
}

/** Options of `authFailureLimit`. */
export interface AuthFailureLimitOptions {
  /** Failed authentications allowed per address and window. */
  max: number;
  /** The window (ms). Default 60 000. */
  windowMs?: number;
  /**
   * The sender's address as countersign should count it. Default: the connection's peer address, as the adapter
   * passes it (`WebhookRequest.remoteAddress`). Behind a proxy you trust, use `forwardedFor(hops)`.
   */
  clientAddress?: (request: { remoteAddress: string | undefined; headers: HeaderReader }) => string | undefined;
  /** Addresses tracked at most (least recently failing forgotten first). Default 10 000. */
  maxTracked?: number;
}

export interface ReadinessCheck {
  ok: boolean;
  /** Why it is not ok. */
  error?: string;
  /** Something the operator must know that does not make the instance unready (e.g. dedupe keys evicted early). */
  warning?: string;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { dedupe: ReadinessCheck; queue: ReadinessCheck };
}

/**
 * What adapters, queues and workers need of a receiver, whatever its endpoints: every `Receiver<E>` is one.
 * (A `Receiver<E>` is not a `Receiver<Endpoints>`: its `on()` takes only its own event names.)
 */
export interface AnyReceiver {
  readonly endpoints: Endpoints;
  readonly logger: Logger;
  /**
   * Whether accepted events are handled in this process after the answer (the queue consumes them itself, as
   * `memoryQueue()` does). Adapters on runtimes that may freeze after answering must then pass a keep-alive (`waitUntil`).
   */
  readonly runsHandlersInProcess: boolean;
  /** The whole pipeline for one HTTP delivery. Never throws: every failure is an answer. */
  handle(request: WebhookRequest): Promise<WebhookResponse>;
  /** Run the handlers for one queued event. Queues and workers call this; it rejects when a handler failed. */
  dispatch(event: QueuedEvent, info: DispatchInfo): Promise<void>;
  /** Whether the dedupe store and the queue answer (for load-balancer readiness probes). */
  ready(): Promise<ReadinessReport>;
  deadLetters(): Promise<DeadLetter[]>;
  replay(id: string): Promise<void>;
  /** Refuse new deliveries (503), let in-flight ones and queued handlers finish, close the stores. */
  close(): Promise<void>;
}

export interface Receiver<E extends Endpoints> extends AnyReceiver {
  readonly endpoints: E;
  /** Run `handler` for an event name, a topic (`ignisign:SIGNATURE_REQUEST`) or every event of an endpoint (`adobe:*`). */
  on<N extends EventName<E>>(name: N | readonly N[], handler: Handler<EventFor<E, N>>): this;
  /** Run `handler` for every event of every endpoint. */
  onAny(handler: Handler<AnyEvent<E>>): this;
  /** Called when a handler fails (the event is retried or, after the last attempt, dead-lettered). */
  onError(handler: (error: unknown, event: AnyEvent<E>, info: ErrorInfo) => unknown): this;
}

const DEFAULT_TIMEOUT_MS = 4000;
const DEFAULT_MAX_BODY = 10 * 1024 * 1024;
const DEFAULT_CLAIM_TTL_MS = 60_000;
const decoder = new TextDecoder();

interface NodeBufferModule {
  isAscii?: (input: Uint8Array) => boolean;
  Buffer: { from(buffer: ArrayBufferLike, byteOffset: number, length: number): { latin1Slice(start: number, end: number): string } };
}

/** `node:buffer` where the runtime offers it without an import (Node >= 20.16, Bun, Deno), else `undefined`. */
const nodeBuffer: NodeBufferModule | undefined = (() => {
  try {
    const scope = globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } };
    const mod = scope.process?.getBuiltinModule?.('node:buffer') as Partial<NodeBufferModule> | undefined;
    return typeof mod?.isAscii === 'function' && typeof mod.Buffer?.from === 'function' ? (mod as NodeBufferModule) : undefined;
  } catch {
    return undefined;
  }
})();

/** Bodies from this size on are checked for an all-ASCII fast path (below it, the check costs what it saves). */
const ASCII_FAST_PATH_BYTES = 16 * 1024;

/**
 * The body as text (UTF-8). A large body that is all ASCII (JSON with its non-ASCII escaped, base64 documents: the
 * 1 MB Adobe notification) is read byte for byte into a one-byte string (`latin1Slice`), which is the same string
 * and costs a fraction of UTF-8 decoding; anything else (a BOM included) goes through `TextDecoder`.
 */
function decodeBody(body: Uint8Array): string {
  if (nodeBuffer !== undefined && body.byteLength >= ASCII_FAST_PATH_BYTES && (nodeBuffer.isAscii as (input: Uint8Array) => boolean)(body)) {
    return nodeBuffer.Buffer.from(body.buffer, body.byteOffset, body.byteLength).latin1Slice(0, body.byteLength);
  }
  return decoder.decode(body);
}

/**
 * `adobe`, `/adobe`, `/adobe?x=1` -> `adobe`: one path segment, taken literally (never URL-decoded: endpoint names
 * need no encoding, so `adob%65` is another path). Anything with more segments (`/x/adobe`, `//adobe`) is not an
 * endpoint: `undefined`.
 */
function endpointName(endpoint: string): string | undefined {
  const q = endpoint.search(/[?#]/);
  const path = q === -1 ? endpoint : endpoint.slice(0, q);
  const name = path.charCodeAt(0) === 47 /* / */ ? path.slice(1) : path;
  return name.includes('/') ? undefined : name;
}

/** The client address behind `hops` proxies you trust, from `X-Forwarded-For` (each proxy appends the address it saw). */
export function forwardedFor(hops = 1): NonNullable<AuthFailureLimitOptions['clientAddress']> {
  if (!Number.isInteger(hops) || hops < 1) throw new CountersignError('CONFIG_INVALID', 'forwardedFor: `hops` must be a whole number, 1 or more.');
  return ({ headers, remoteAddress }) => {
    const list = (headers.get('x-forwarded-for') ?? '').split(',').map((a) => a.trim()).filter(Boolean);
    return list.length >= hops ? list[list.length - hops] : remoteAddress;
  };
}

/** Failed authentications per address in fixed windows, bounded. */
function authFailureCounter(options: AuthFailureLimitOptions) {
  const { max } = options;
  const windowMs = options.windowMs ?? 60_000;
  const maxTracked = options.maxTracked ?? 10_000;
  for (const [name, value] of [['max', max], ['windowMs', windowMs], ['maxTracked', maxTracked]] as const) {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw new CountersignError('CONFIG_INVALID', `createReceiver: \`authFailureLimit.${name}\` must be a whole number, 1 or more (got ${String(value)}).`);
    }
  }
  const address = options.clientAddress ?? (({ remoteAddress }) => remoteAddress);
  const failures = new Map<string, { count: number; resetAt: number }>();
  return {
    address,
    /** Seconds until `who` may try again, or 0 when it may now. */
    blockedFor(who: string | undefined, at: number): number {
      const entry = who === undefined ? undefined : failures.get(who);
      if (entry === undefined || entry.resetAt <= at || entry.count < max) return 0;
      return Math.ceil((entry.resetAt - at) / 1000);
    },
    failed(who: string | undefined, at: number): void {
      if (who === undefined) return;
      let entry = failures.get(who);
      if (entry === undefined || entry.resetAt <= at) entry = { count: 0, resetAt: at + windowMs };
      entry.count += 1;
      failures.delete(who);
      failures.set(who, entry);
      if (failures.size > maxTracked) failures.delete(failures.keys().next().value as string);
    },
  };
}

const AUTH_FAILURES = new Set(['AUTH_MISSING', 'AUTH_INVALID', 'AUTH_FORBIDDEN']);

/** The answer with every header value made writable: a header countersign writes never makes an adapter throw. */
function writable(answer: WebhookResponse): WebhookResponse {
  for (const name in answer.headers) {
    const value = answer.headers[name] as string;
    const safe = safeHeaderValue(value);
    if (safe !== value) return { ...answer, headers: Object.fromEntries(Object.entries(answer.headers).map(([k, v]) => [k, safeHeaderValue(v)])) };
  }
  return answer;
}

function toCountersignError(error: unknown): CountersignError {
  if (isCountersignError(error)) return error;
  return new CountersignError('INTERNAL', 'Internal error while handling the delivery; it was not accepted.', { cause: error });
}

/**
 * The time budget of one delivery. Its `AbortSignal` is created only when a provider asks for it (most never
 * make a remote call), already aborted if the budget ran out before that.
 */
class Deadline {
  #controller: AbortController | undefined;
  /** Why the delivery ran out of time, once it did. */
  expired: CountersignError | undefined;
  get signal(): AbortSignal {
    this.#controller ??= new AbortController();
    if (this.expired !== undefined && !this.#controller.signal.aborted) this.#controller.abort(this.expired);
    return this.#controller.signal;
  }
  /** Called once if the budget runs out while it is set: body reading stops there rather than wait for a dribbling sender. */
  onExpire: ((reason: unknown) => void) | undefined;
  expire(reason: CountersignError): void {
    this.expired = reason;
    this.#controller?.abort(reason);
    this.onExpire?.(reason);
  }
}

interface ClockEntry {
  /** When the budget runs out (ms since the epoch). */
  at: number;
  expire: () => void;
}

/**
 * The time budgets of every delivery in flight that shares one budget length, on one timer: deliveries start in
 * the order their budgets end, so the entries (a `Set`, in insertion order) are sorted by deadline, the timer is
 * set for the first one only, and a delivery answered in time just leaves the set. One `setTimeout` and
 * `clearTimeout` per delivery cost more than the rest of the bookkeeping (timers are a linked list per duration
 * plus a heap in Node).
 */
class DeadlineClock {
  readonly #entries = new Set<ClockEntry>();
  #timer: ReturnType<typeof setTimeout> | undefined;
  constructor(readonly budget: number) {}
  add(expire: () => void): ClockEntry {
    const entry = { at: Date.now() + this.budget, expire };
    this.#entries.add(entry);
    if (this.#timer === undefined) this.#arm(entry.at);
    else if (this.#entries.size === 1) (this.#timer as { ref?: () => unknown }).ref?.();
    return entry;
  }
  delete(entry: ClockEntry): void {
    this.#entries.delete(entry);
    // The timer is left to fire: it finds later entries and re-arms, or none and stops (clearing and re-arming on
    // every answer is what the shared timer saves: a new timer costs a timer-list insertion). Once nothing is in
    // flight it no longer keeps the process alive (`unref`); where timers cannot be unref'd, it is cleared.
    if (this.#entries.size === 0 && this.#timer !== undefined) {
      const timer = this.#timer as { unref?: () => unknown };
      if (typeof timer.unref === 'function') timer.unref();
      else {
        clearTimeout(this.#timer);
        this.#timer = undefined;
      }
    }
  }
  #arm(at: number): void {
    this.#timer = setTimeout(this.#fire, Math.max(0, at - Date.now()));
  }
  readonly #fire = (): void => {
    this.#timer = undefined;
    const now = Date.now();
    const due: ClockEntry[] = [];
    for (const entry of this.#entries) {
      if (entry.at > now) {
        this.#arm(entry.at);
        break;
      }
      this.#entries.delete(entry);
      due.push(entry);
    }
    // Re-armed first, and each expiry on its own: one that throws (a logger) strands no other delivery's budget.
    for (const entry of due) {
      try {
        entry.expire();
      } catch (error) {
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  };
}

const FORM_TYPES = /^\s*(multipart\/form-data|application\/x-www-form-urlencoded)\s*(;|$)/i;

class Context implements DeliveryContext {
  #text: string | undefined;
  #json: Record<string, unknown> | unknown[] | undefined;
  #form: Promise<FormData> | undefined;
  #query: URLSearchParams | undefined;
  readonly receivedAt = new Date();
  constructor(
    readonly endpoint: string,
    readonly method: string,
    readonly headers: DeliveryContext['headers'],
    readonly body: Uint8Array,
    readonly peerCertificate: PeerCertificate | undefined,
    private readonly deadline: Deadline,
    private readonly rawQuery: string,
  ) {}
  get signal(): AbortSignal {
    return this.deadline.signal;
  }
  get query(): URLSearchParams {
    this.#query ??= new URLSearchParams(this.rawQuery);
    return this.#query;
  }
  text(): string {
    this.#text ??= decodeBody(this.body);
    return this.#text;
  }
  jsonValue(): Record<string, unknown> | unknown[] {
    if (this.#json !== undefined) return this.#json;
    const text = this.text();
    if (text.trim() === '') throw new CountersignError('BODY_EMPTY', 'The body is empty; a JSON document was expected.');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CountersignError('BODY_MALFORMED_JSON', `The body is not valid JSON: ${clip(errorMessage(error), 200)}`);
    }
    if (typeof value !== 'object' || value === null) {
      throw new CountersignError('BODY_NOT_OBJECT', `The body is ${value === null ? 'null' : `a ${typeof value}`}; a JSON object was expected.`);
    }
    this.#json = value as Record<string, unknown> | unknown[];
    return this.#json;
  }
  json(): Record<string, unknown> {
    const value = this.jsonValue();
    if (Array.isArray(value)) throw new CountersignError('BODY_NOT_OBJECT', 'The body is an array; a JSON object was expected.');
    return value;
  }
  form(): Promise<FormData> {
    this.#form ??= (async () => {
      const type = this.headers.get('content-type') ?? '';
      if (!FORM_TYPES.test(type)) {
        throw new CountersignError('BODY_MALFORMED_FORM', `The body is not a form (Content-Type ${clip(type, 80) || 'missing'}); multipart/form-data or application/x-www-form-urlencoded was expected.`);
      }
      try {
        // The Web-standard parsers, on bytes already within the body limit.
        return await new Response(this.body as BodyInit, { headers: { 'content-type': type } }).formData();
      } catch (error) {
        throw new CountersignError('BODY_MALFORMED_FORM', 'The body could not be read as the form its Content-Type announces.', { cause: error });
      }
    })();
    return this.#form;
  }
}

function isAnswer(result: ParseResult): result is ProviderAnswer {
  return typeof result === 'object' && result !== null && 'respond' in result && !Array.isArray(result);
}

/** The query string of a request: `query` when the adapter passed it, else what follows `?` in `endpoint`. */
function queryOf(request: WebhookRequest): string {
  if (request.query !== undefined) return request.query;
  const q = request.endpoint.indexOf('?');
  return q === -1 ? '' : request.endpoint.slice(q + 1).split('#', 1)[0] as string;
}

/** A string fact `account` of what authentication established, if any. */
function accountOf(facts: unknown): string | undefined {
  const account = typeof facts === 'object' && facts !== null ? (facts as { account?: unknown }).account : undefined;
  return typeof account === 'string' ? clip(account, 200) : undefined;
}

/** What `handle` gathers about one delivery for its observers. */
interface DeliveryState {
  watch: DeliveryWatch;
  outcome: 'accepted' | 'duplicate' | 'answered' | 'handshake' | 'refused';
  code: ErrorCode | undefined;
  body: Uint8Array | undefined;
}

/** Create a receiver: the framework-free core every adapter calls. */
export function createReceiver<const E extends Endpoints>(options: ReceiverOptions<E>): Receiver<E> {
  const { endpoints } = options;
  if (typeof endpoints !== 'object' || endpoints === null || Object.keys(endpoints).length === 0) {
    throw new CountersignError('CONFIG_INVALID', 'createReceiver: `endpoints` must name at least one endpoint, e.g. { adobe: adobeSign({...}) }.');
  }
  for (const name of Object.keys(endpoints)) {
    if (!/^[A-Za-z0-9_.~-]+$/.test(name)) {
      throw new CountersignError('CONFIG_INVALID', `createReceiver: endpoint name "${name}" must be a URL path segment (letters, digits, - _ . ~).`);
    }
  }
  const logger = options.logger ?? defaultLogger();
  /** Whether per-delivery `info` lines are written: their fields are not even built otherwise (asked each time: pino's level can change). */
  const infoOn = (): boolean => logger.isLevelEnabled?.('info') ?? true;
  const observing = observersOf(options.observers, logger);
  /** Refusals caused by senders (4xx), logged at a bounded rate per endpoint and code. */
  const refusals = limitedLog(logger);
  const dedupe = options.dedupe ?? memoryDedupe({ logger });
  const authFailures = options.authFailureLimit === undefined ? undefined : authFailureCounter(options.authFailureLimit);
  const queue = options.queue ?? memoryQueue();
  const checked = receiverOptions(options);
  const defaultTimeout = checked.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultMaxBody = checked.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const claimTtlMs = checked.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  const byName = new Map<string, Provider>(Object.entries(endpoints));
  // Typed by the receiver's own `on()`; the registry itself sees plain names.
  const handlers: HandlerRegistry<Platforms> =
    options.handlers ?? createHandlers<Platforms>(endpoints, { logger, observe: observing && ((event, info) => observing.handlerRun(event, info)) });
  for (const name of byName.keys()) {
    if (!Object.hasOwn(handlers.platforms, name)) {
      throw new CountersignError('CONFIG_INVALID', `createReceiver: the endpoint "${name}" has no platform in \`handlers\` (createHandlers({ "${name}": ... })).`);
    }
  }
  const inFlight = new Set<Promise<unknown>>();
  /** One deadline clock per time budget (in practice per endpoint), shared by every delivery in flight. */
  const clocks = new Map<number, DeadlineClock>();
  const clockFor = (budget: number): DeadlineClock => {
    let clock = clocks.get(budget);
    if (clock === undefined) {
      clock = new DeadlineClock(budget);
      clocks.set(budget, clock);
    }
    return clock;
  };
  let closing = false;
  for (const [name, provider] of byName) {
    for (const warning of provider.warnings ?? []) logger.warn({ endpoint: name }, warning);
  }

  function allowed(provider: Provider): string {
    return provider.handshake ? 'GET, POST' : 'POST';
  }

  /** Event names and topics are keys of handler lists and fields of every log line: bounded, printable. */
  function checkName(value: string, what: string): void {
    if (typeof value !== 'string' || value === '' || value.length > MAX_EVENT_NAME_LENGTH || /[\p{Cc}\u2028\u2029]/u.test(value)) {
      throw new CountersignError('PAYLOAD_INVALID', `The ${what} must be 1 to ${MAX_EVENT_NAME_LENGTH} printable characters.`);
    }
  }

  async function deliver(name: string, provider: Provider, method: string, request: WebhookRequest, deadline: Deadline, watch: DeliveryState | undefined): Promise<WebhookResponse> {
    // Mutual TLS first: a sender without the required certificate gets nothing else, its body is not even read.
    if (provider.clientCertificate !== undefined) {
      const problem = clientCertificateError(request.peerCertificate, provider.clientCertificate);
      if (problem !== undefined) throw new CountersignError('AUTH_FORBIDDEN', problem);
    }
    const headers = readHeaders(request.headers);
    const limit = provider.maxBodyBytes ?? defaultMaxBody;
    const body = method === 'GET' || method === 'HEAD' ? new Uint8Array(0) : await readBody(request.body, limit, headers.get('content-length'), deadline);
    deadline.onExpire = undefined;
    const ctx = new Context(name, method, headers, body, request.peerCertificate, deadline, queryOf(request));
    if (watch) watch.body = body;

    if (method === 'GET' || method === 'HEAD') {
      const response = await (provider.handshake as NonNullable<Provider['handshake']>)(ctx);
      logger.info({ endpoint: name, status: response.status }, 'handshake answered');
      if (watch) watch.outcome = 'handshake';
      return method === 'HEAD' ? { ...response, body: '' } : response;
    }

    // Await only what is a promise: most providers authenticate and parse synchronously.
    const authenticating = provider.authenticate(ctx);
    const facts: unknown = authenticating instanceof Promise ? await authenticating : authenticating;
    let result: ParseResult;
    try {
      const parsing = provider.parse(ctx, facts);
      result = parsing instanceof Promise ? await parsing : parsing;
    } catch (error) {
      // A body nested deeper than the stack can walk (validation, serialisation) is the sender's fault, not a 500.
      if (error instanceof RangeError) throw new CountersignError('PAYLOAD_INVALID', 'The body is nested too deeply to be read.', { cause: error });
      throw error;
    }
    if (isAnswer(result)) {
      logger.info({ endpoint: name, status: result.respond.status }, 'answered by the provider, nothing queued');
      if (watch) watch.outcome = 'answered';
      return result.respond;
    }
    const events = Array.isArray(result) ? (result as readonly ParsedEvent[]) : [result as ParsedEvent];
    if (events.length > MAX_EVENTS_PER_DELIVERY) {
      throw new CountersignError('PAYLOAD_INVALID', `The delivery carries ${events.length} events; at most ${MAX_EVENTS_PER_DELIVERY} are accepted in one.`);
    }
    const keys: string[] = [];
    for (const parsed of events) {
      checkName(parsed.name, 'event name');
      if (parsed.topic !== undefined) checkName(parsed.topic, 'topic');
      const key = boundKey(parsed.key);
      keys.push(typeof key === 'string' ? key : await key);
    }
    if (watch) {
      for (const [i, parsed] of events.entries()) {
        const key = keys[i] as string;
        watch.watch.events.push({ id: `${name}:${key}`, key, endpoint: name, name: parsed.name, topic: parsed.topic, known: parsed.known, dedupe: 'not-queued' });
      }
    }
    if (deadline.expired) throw deadline.expired;

    const outcome = await claimAndEnqueue(name, provider, ctx, facts, events, keys, deadline, request.waitUntil, watch?.watch);
    if (watch) watch.outcome = outcome;
    try {
      const marking = provider.acknowledged?.(ctx, facts, outcome);
      if (marking instanceof Promise) await marking;
    } catch (error) {
      logger.warn({ endpoint: name, err: error }, 'the provider could not mark the delivery as acknowledged; its events are queued');
    }
    return provider.acknowledge(ctx, outcome, facts);
  }

  /**
   * Claim every event of a delivery, then queue the claimed ones, in order. Acknowledged ('accepted', or
   * 'duplicate' when every event was already queued) only once each is queued or a duplicate. On a failure the
   * claims of the events not queued yet are released and the error is thrown (503): the platform's retry queues
   * those and finds the others duplicates.
   */
  async function claimAndEnqueue(
    name: string,
    provider: Provider,
    ctx: Context,
    facts: unknown,
    events: readonly ParsedEvent[],
    keys: readonly string[],
    deadline: Deadline,
    waitUntil: WaitUntil | undefined,
    watch: DeliveryWatch | undefined,
  ): Promise<AckOutcome> {
    const claimed: Array<{ index: number; key: string; token: string }> = [];
    // Awaited before the refusal is answered, so a retry sent the moment it arrives (another instance behind the
    // load balancer) finds the claims gone rather than DUPLICATE_IN_FLIGHT. Never rejects: a release that fails
    // is logged and its claim expires after its lease; one that hangs is cut short by the budget's answer.
    const releaseFrom = (from: number): Promise<unknown> =>
      Promise.all(
        claimed
          .slice(from)
          .map(({ key, token }) => dedupe.release(key, token).catch((error: unknown) => logger.warn({ id: key, err: error }, 'dedupe release failed; the claim will expire'))),
      );
    let pending = false;
    try {
      for (let i = 0; i < events.length; i++) {
        const key = `${name}:${keys[i] as string}`;
        const claim = await dedupe.claim(key, claimTtlMs);
        if (claim.status === 'claimed') claimed.push({ index: i, key, token: claim.token });
        else if (claim.status === 'pending') pending = true;
        else {
          if (infoOn()) logger.info({ endpoint: name, event: events[i]?.name, id: key }, 'duplicate acknowledged, not dispatched again');
          if (watch) (watch.events[i] as { dedupe: string }).dedupe = 'duplicate';
        }
      }
    } catch (error) {
      await releaseFrom(0);
      throw new CountersignError('DEDUPE_UNAVAILABLE', 'The dedupe store failed; the delivery was not accepted and the platform will retry.', { cause: error });
    }
    if (pending) {
      await releaseFrom(0);
      throw new CountersignError('DUPLICATE_IN_FLIGHT', 'A copy of this event is being accepted right now; retry shortly.', { headers: { 'retry-after': '2' } });
    }
    if (claimed.length === 0) return 'duplicate';
    if (deadline.expired) {
      await releaseFrom(0);
      throw deadline.expired;
    }
    const delivery = deliveryInfo(provider, ctx, facts);
    const bytes = Math.ceil(ctx.body.byteLength / events.length);
    for (let n = 0; n < claimed.length; n++) {
      const { index, key, token } = claimed[n] as { index: number; key: string; token: string };
      const parsed = events[index] as ParsedEvent;
      const event: QueuedEvent = {
        id: key,
        endpoint: name,
        name: parsed.name,
        topic: parsed.topic,
        known: parsed.known,
        key: keys[index] as string,
        payload: parsed.payload,
        receivedAt: delivery.receivedAt,
        delivery: parsed.attempt === undefined ? delivery : { ...delivery, attempt: parsed.attempt },
      };
      const carried = watch?.enqueue(event);
      if (carried !== undefined) event.traceContext = carried;
      try {
        await queue.enqueue(event, { bytes, waitUntil });
      } catch (error) {
        await releaseFrom(n);
        if (isCountersignError(error) && (error.code === 'QUEUE_FULL' || error.code === 'CONFIG_INVALID')) throw error;
        throw new CountersignError('QUEUE_UNAVAILABLE', 'The queue failed to store the event; the delivery was not accepted and the platform will retry.', {
          cause: error,
        });
      }
      // The event is safe from here on, even if the budget ran out meanwhile (the platform's retry is then a duplicate).
      dedupe.commit(key, token, provider.retentionMs).catch((error: unknown) => logger.warn({ id: key, err: error }, 'dedupe commit failed; the claim will expire'));
      if (infoOn()) logger.info({ endpoint: name, event: parsed.name, id: key }, 'event accepted');
      if (watch) (watch.events[index] as { dedupe: string }).dedupe = 'queued';
    }
    return 'accepted';
  }

  /** The delivery's metadata as it travels with each of its events (plain JSON). */
  function deliveryInfo(provider: Provider, ctx: Context, facts: unknown): QueuedEvent['delivery'] & { receivedAt: string } {
    const kept: Record<string, string> = {};
    for (const header of provider.deliveryHeaders ?? []) {
      const value = ctx.headers.get(header);
      if (value !== undefined) kept[header.toLowerCase()] = clip(value, 256);
    }
    const account = accountOf(facts);
    return { receivedAt: ctx.receivedAt.toISOString(), headers: kept, ...(account === undefined ? {} : { account }) };
  }

  /** The whole pipeline, told to the observers when there are any. */
  function handle(request: WebhookRequest): Promise<WebhookResponse> {
    if (observing === undefined) return receive(request, undefined);
    const name = endpointName(request.endpoint);
    const endpoint = name !== undefined && byName.has(name) ? name : undefined;
    const start = { endpoint, path: clip(request.endpoint, 100), method: String(request.method).toUpperCase(), headers: request.headers, receivedAt: new Date() };
    const state: DeliveryState = { watch: observing.delivery(start), outcome: 'refused', code: undefined, body: undefined };
    return receive(request, state).then((response) => {
      state.watch.end({ outcome: state.code === undefined ? state.outcome : 'refused', code: state.code, response, body: state.body });
      return response;
    });
  }

  /** A refusal answered before the pipeline starts: logged at a bounded rate when the sender caused it. */
  function refuseEarly(name: string | undefined, error: CountersignError, state: DeliveryState | undefined): WebhookResponse {
    if (state) state.code = error.code;
    if (error.code !== 'SHUTTING_DOWN') refusals.warn(`${name ?? ''}\u0000${error.code}`, { endpoint: name, code: error.code, status: error.status }, error.message);
    return errorResponse(error);
  }

  async function receive(request: WebhookRequest, state: DeliveryState | undefined): Promise<WebhookResponse> {
    const name = endpointName(request.endpoint);
    const provider = name === undefined ? undefined : byName.get(name);
    if (name === undefined || provider === undefined) {
      const path = clip(request.endpoint, 100);
      return refuseEarly(
        undefined,
        new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is configured at "${path}"; endpoints are ${[...byName.keys()].map((n) => `/${n}`).join(', ')} under the adapter's prefix.`),
        state,
      );
    }
    const method = request.method.toUpperCase();
    if (method !== 'POST' && !((method === 'GET' || method === 'HEAD') && provider.handshake)) {
      return refuseEarly(
        name,
        new CountersignError('METHOD_NOT_ALLOWED', `${clip(method, 20)} is not accepted here; ${provider.kind} deliveries use ${allowed(provider)}.`, {
          headers: { allow: allowed(provider) },
        }),
        state,
      );
    }
    if (closing) {
      return refuseEarly(name, new CountersignError('SHUTTING_DOWN', 'This instance is shutting down; retry on another.', { headers: { 'retry-after': '5' } }), state);
    }

    let sender: string | undefined;
    if (authFailures !== undefined) {
      sender = authFailures.address({ remoteAddress: request.remoteAddress, headers: readHeaders(request.headers) });
      const wait = authFailures.blockedFor(sender, Date.now());
      if (wait > 0) {
        return refuseEarly(
          name,
          new CountersignError('RATE_LIMITED', 'Too many failed authentications from this address; retry later.', { headers: { 'retry-after': String(wait) } }),
          state,
        );
      }
    }

    const budget = provider.timeoutMs ?? defaultTimeout;
    const deadline = new Deadline();
    const work = state ? state.watch.within(() => deliver(name, provider, method, request, deadline, state)) : deliver(name, provider, method, request, deadline, undefined);
    inFlight.add(work);
    // One promise settled by whichever comes first: the work's answer, its failure, or the end of the budget.
    // The work may outlive the answer (budget ran out): it still commits or releases its claim, never unhandled.
    return new Promise<WebhookResponse>((resolve) => {
      const clock = clockFor(budget);
      const entry = clock.add(() => {
        const error = new CountersignError('TIMEOUT', `The delivery could not be accepted within ${budget} ms; it was not acknowledged and the platform will retry.`, {
          headers: { 'retry-after': '5' },
        });
        deadline.expire(error);
        resolve(refusal(name, error, state));
      });
      work.then(
        (answer) => {
          inFlight.delete(work);
          clock.delete(entry);
          resolve(writable(answer));
        },
        (error: unknown) => {
          inFlight.delete(work);
          clock.delete(entry);
          if (authFailures !== undefined && isCountersignError(error) && AUTH_FAILURES.has(error.code)) authFailures.failed(sender, Date.now());
          if (deadline.expired === undefined) resolve(writable(refusal(name, error, state)));
        },
      );
    });
  }

  /** Log a failed delivery and turn it into its answer. */
  function refusal(name: string, error: unknown, state: DeliveryState | undefined): WebhookResponse {
    const coded = toCountersignError(error);
    if (state) state.code = coded.code;
    // A copy arriving while its twin is being queued is routine under concurrent deliveries: not an error.
    const fields = { endpoint: name, code: coded.code, status: coded.status, err: coded.cause ?? undefined };
    if (coded.status >= 500 && coded.code !== 'DUPLICATE_IN_FLIGHT') logger.error(fields, coded.message);
    else if (coded.status >= 500) logger.warn(fields, coded.message);
    // The sender's fault (4xx): a flood of them must not fill the log.
    else refusals.warn(`${name}\u0000${coded.code}`, fields, coded.message);
    return errorResponse(coded);
  }

  const dispatch = (queued: QueuedEvent, info: DispatchInfo): Promise<void> => handlers.dispatch(queued, info);

  if (queue.consume) queue.consume(dispatch);

  const receiver: Receiver<E> = {
    endpoints,
    logger,
    runsHandlersInProcess: typeof queue.consume === 'function',
    handle,
    on(name, handler) {
      handlers.on(name as never, handler as never);
      return receiver;
    },
    onAny(handler) {
      handlers.onAny(handler as never);
      return receiver;
    },
    onError(handler) {
      handlers.onError(handler as never);
      return receiver;
    },
    dispatch,
    async ready() {
      const check = async (ping: (() => Promise<void>) | undefined, health?: string): Promise<ReadinessCheck> => {
        const result: ReadinessCheck = { ok: true };
        if (health !== undefined) result.warning = health;
        if (ping === undefined) return result;
        try {
          await ping();
          return result;
        } catch (error) {
          return { ...result, ok: false, error: errorMessage(error) };
        }
      };
      const [d, q] = await Promise.all([check(dedupe.ping?.bind(dedupe), dedupe.health?.()), check(queue.ping?.bind(queue))]);
      return { ready: !closing && d.ok && q.ok, checks: { dedupe: d, queue: q } };
    },
    deadLetters: () => queue.deadLetters(),
    replay: (id) => queue.replay(id),
    async close() {
      closing = true;
      refusals.flush();
      await Promise.allSettled([...inFlight]);
      await queue.close();
      await dedupe.close?.();
    },
  };
  observing?.attach(receiver);
  return receiver;
}
