import { readBody } from './body.js';
import { memoryDedupe } from './dedupe/memory.js';
import type { DedupeStore } from './dedupe/types.js';
import { CountersignError, errorMessage, isCountersignError } from './errors.js';
import type { AnyEvent, Endpoints, EventFor, EventName, Handler } from './events.js';
import { readHeaders } from './headers.js';
import { silentLogger, type Logger } from './logger.js';
import { errorResponse, warnUnknownEvent, type Provider } from './provider.js';
import { memoryQueue } from './queue/memory.js';
import type { DeadLetter, DispatchInfo, EventQueue, QueuedEvent } from './queue/types.js';
import type { DeliveryContext, PeerCertificate, WebhookRequest, WebhookResponse } from './types.js';

export interface ReceiverOptions<E extends Endpoints> {
  /** Endpoints by name; the name is the last path segment adapters route on (`/webhooks/<name>`). */
  endpoints: E;
  /** Where accepted event keys are remembered. Default: `memoryDedupe()` (one process only). */
  dedupe?: DedupeStore;
  /** Where accepted events wait for handlers. Default: `memoryQueue()` (lost if the process crashes). */
  queue?: EventQueue;
  /** pino-compatible logger. Default: silent. */
  logger?: Logger;
  /** Time budget of one delivery (ms), from the first byte to the answer. Default 4000 (Adobe allows 5 s). */
  timeoutMs?: number;
  /** Largest accepted body (bytes). Default 10 MiB, Adobe Sign's maximum. */
  maxBodyBytes?: number;
  /** How long an unfinished dedupe claim lasts before another copy may take over (ms). Default 60 000. */
  claimTtlMs?: number;
}

export interface ErrorInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Whether the queue will try the event again. */
  willRetry: boolean;
}

export interface ReadinessReport {
  ready: boolean;
  checks: { dedupe: { ok: boolean; error?: string }; queue: { ok: boolean; error?: string } };
}

/**
 * What adapters, queues and workers need of a receiver, whatever its endpoints: every `Receiver<E>` is one.
 * (A `Receiver<E>` is not a `Receiver<Endpoints>`: its `on()` takes only its own event names.)
 */
export interface AnyReceiver {
  readonly endpoints: Endpoints;
  readonly logger: Logger;
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

/** `adobe`, `/webhooks/adobe`, `/webhooks/adobe/?x=1` -> `adobe`. */
function endpointName(endpoint: string): string {
  const q = endpoint.search(/[?#]/);
  const path = q === -1 ? endpoint : endpoint.slice(0, q);
  let end = path.length;
  while (end > 0 && path.charCodeAt(end - 1) === 47 /* / */) end--;
  const start = path.lastIndexOf('/', end - 1) + 1;
  try {
    return decodeURIComponent(path.slice(start, end));
  } catch {
    return path.slice(start, end);
  }
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
  expire(reason: CountersignError): void {
    this.expired = reason;
    this.#controller?.abort(reason);
  }
}

class Context implements DeliveryContext {
  #text: string | undefined;
  #json: Record<string, unknown> | undefined;
  constructor(
    readonly endpoint: string,
    readonly method: string,
    readonly headers: DeliveryContext['headers'],
    readonly body: Uint8Array,
    readonly peerCertificate: PeerCertificate | undefined,
    private readonly deadline: Deadline,
  ) {}
  get signal(): AbortSignal {
    return this.deadline.signal;
  }
  text(): string {
    this.#text ??= decoder.decode(this.body);
    return this.#text;
  }
  json(): Record<string, unknown> {
    if (this.#json !== undefined) return this.#json;
    const text = this.text();
    if (text.trim() === '') throw new CountersignError('BODY_EMPTY', 'The body is empty; a JSON object was expected.');
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      throw new CountersignError('BODY_MALFORMED_JSON', `The body is not valid JSON: ${errorMessage(error)}`);
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) {
      const kind = Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`;
      throw new CountersignError('BODY_NOT_OBJECT', `The body is ${kind}; a JSON object was expected.`);
    }
    this.#json = value as Record<string, unknown>;
    return this.#json;
  }
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
  const logger = options.logger ?? silentLogger;
  const dedupe = options.dedupe ?? memoryDedupe();
  const queue = options.queue ?? memoryQueue();
  const defaultTimeout = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const defaultMaxBody = options.maxBodyBytes ?? DEFAULT_MAX_BODY;
  const claimTtlMs = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  const byName = new Map<string, Provider>(Object.entries(endpoints));
  const handlers = new Map<string, Array<Handler<never>>>();
  const anyHandlers: Array<Handler<never>> = [];
  const errorHandlers: Array<(error: unknown, event: never, info: ErrorInfo) => unknown> = [];
  const inFlight = new Set<Promise<unknown>>();
  let closing = false;

  function allowed(provider: Provider): string {
    return provider.handshake ? 'GET, POST' : 'POST';
  }

  async function deliver(name: string, provider: Provider, method: string, request: WebhookRequest, deadline: Deadline): Promise<WebhookResponse> {
    const headers = readHeaders(request.headers);
    const limit = provider.maxBodyBytes ?? defaultMaxBody;
    const body = method === 'GET' || method === 'HEAD' ? new Uint8Array(0) : await readBody(request.body, limit, headers.get('content-length'));
    const ctx = new Context(name, method, headers, body, request.peerCertificate, deadline);

    if (method === 'GET' || method === 'HEAD') {
      const response = await (provider.handshake as NonNullable<Provider['handshake']>)(ctx);
      logger.info({ endpoint: name, status: response.status }, 'handshake answered');
      return method === 'HEAD' ? { ...response, body: '' } : response;
    }

    // Await only what is a promise: most providers authenticate and parse synchronously.
    const authenticated = provider.authenticate(ctx);
    if (authenticated instanceof Promise) await authenticated;
    const parsing = provider.parse(ctx);
    const parsed = parsing instanceof Promise ? await parsing : parsing;
    const key = `${name}:${parsed.key}`;
    if (deadline.expired) throw deadline.expired;

    let claim;
    try {
      claim = await dedupe.claim(key, claimTtlMs);
    } catch (error) {
      throw new CountersignError('DEDUPE_UNAVAILABLE', `The dedupe store failed (${errorMessage(error)}); the platform will retry.`, { cause: error });
    }
    if (claim.status === 'duplicate') {
      logger.info({ endpoint: name, event: parsed.name, key: parsed.key }, 'duplicate acknowledged, not dispatched again');
      return provider.acknowledge(ctx, 'duplicate');
    }
    if (claim.status === 'pending') {
      throw new CountersignError('DUPLICATE_IN_FLIGHT', 'A copy of this event is being accepted right now; retry shortly.', {
        headers: { 'retry-after': '2' },
      });
    }
    const { token } = claim;
    const release = (): void => {
      dedupe.release(key, token).catch((error: unknown) => logger.warn({ key, err: error }, 'dedupe release failed; the claim will expire'));
    };
    if (deadline.expired) {
      release();
      throw deadline.expired;
    }
    const event: QueuedEvent = {
      id: key,
      endpoint: name,
      name: parsed.name,
      topic: parsed.topic,
      known: parsed.known,
      key: parsed.key,
      payload: parsed.payload,
      receivedAt: new Date().toISOString(),
    };
    try {
      await queue.enqueue(event);
    } catch (error) {
      release();
      throw new CountersignError('QUEUE_UNAVAILABLE', `The queue failed to store the event (${errorMessage(error)}); the platform will retry.`, {
        cause: error,
      });
    }
    // The event is safe from here on, even if the budget ran out meanwhile (the platform's retry is then a duplicate).
    dedupe.commit(key, token).catch((error: unknown) => logger.warn({ key, err: error }, 'dedupe commit failed; the claim will expire'));
    logger.info({ endpoint: name, event: parsed.name, key: parsed.key }, 'event accepted');
    return provider.acknowledge(ctx, 'accepted');
  }

  async function handle(request: WebhookRequest): Promise<WebhookResponse> {
    const name = endpointName(request.endpoint);
    const provider = byName.get(name);
    if (provider === undefined) {
      return errorResponse(new CountersignError('ENDPOINT_NOT_FOUND', `No webhook endpoint is configured under "${name}".`));
    }
    const method = request.method.toUpperCase();
    if (method !== 'POST' && !((method === 'GET' || method === 'HEAD') && provider.handshake)) {
      return errorResponse(
        new CountersignError('METHOD_NOT_ALLOWED', `${method} is not accepted here; ${provider.kind} deliveries use ${allowed(provider)}.`, {
          headers: { allow: allowed(provider) },
        }),
      );
    }
    if (closing) {
      return errorResponse(new CountersignError('SHUTTING_DOWN', 'This instance is shutting down; retry on another.', { headers: { 'retry-after': '5' } }));
    }

    const budget = provider.timeoutMs ?? defaultTimeout;
    const deadline = new Deadline();
    const work = deliver(name, provider, method, request, deadline);
    inFlight.add(work);
    // One promise settled by whichever comes first: the work's answer, its failure, or the end of the budget.
    // The work may outlive the answer (budget ran out): it still commits or releases its claim, never unhandled.
    return new Promise<WebhookResponse>((resolve) => {
      const timer = setTimeout(() => {
        const error = new CountersignError('TIMEOUT', `The delivery could not be accepted within ${budget} ms; it was not acknowledged and the platform will retry.`, {
          headers: { 'retry-after': '5' },
        });
        deadline.expire(error);
        resolve(refusal(name, error));
      }, budget);
      work.then(
        (answer) => {
          inFlight.delete(work);
          clearTimeout(timer);
          resolve(answer);
        },
        (error: unknown) => {
          inFlight.delete(work);
          clearTimeout(timer);
          if (deadline.expired === undefined) resolve(refusal(name, error));
        },
      );
    });
  }

  /** Log a failed delivery and turn it into its answer. */
  function refusal(name: string, error: unknown): WebhookResponse {
    const coded = toCountersignError(error);
    // A copy arriving while its twin is being queued is routine under concurrent deliveries: not an error.
    const fields = { endpoint: name, code: coded.code, status: coded.status, err: coded.cause ?? undefined };
    if (coded.status >= 500 && coded.code !== 'DUPLICATE_IN_FLIGHT') logger.error(fields, coded.message);
    else logger.warn(fields, coded.message);
    return errorResponse(coded);
  }

  async function dispatch(queued: QueuedEvent, info: DispatchInfo): Promise<void> {
    const provider = byName.get(queued.endpoint);
    const payload = provider?.revive ? provider.revive(queued) : queued.payload;
    const event = {
      id: queued.key,
      endpoint: queued.endpoint,
      name: queued.name,
      topic: queued.topic,
      known: queued.known,
      payload,
      receivedAt: new Date(queued.receivedAt),
      attempt: info.attempt,
    };
    const run: Array<Handler<never>> = [];
    const add = (list: Array<Handler<never>> | undefined): void => {
      if (list) run.push(...list);
    };
    add(handlers.get(`${queued.endpoint}:${queued.name}`));
    if (queued.topic !== undefined && queued.topic !== queued.name) add(handlers.get(`${queued.endpoint}:${queued.topic}`));
    add(handlers.get(`${queued.endpoint}:*`));
    add(anyHandlers);
    if (run.length === 0) {
      logger.debug({ endpoint: queued.endpoint, event: queued.name }, 'no handler for event');
      return;
    }
    try {
      for (const handler of run) await handler(event as never);
    } catch (error) {
      const willRetry = info.attempt < info.maxAttempts;
      logger.error({ endpoint: queued.endpoint, event: queued.name, key: queued.key, attempt: info.attempt, willRetry, err: error }, 'handler failed');
      for (const onError of errorHandlers) {
        try {
          await onError(error, event as never, { attempt: info.attempt, willRetry });
        } catch (inner) {
          logger.error({ err: inner }, 'onError handler threw');
        }
      }
      throw error;
    }
  }

  if (queue.consume) queue.consume(dispatch);

  const receiver: Receiver<E> = {
    endpoints,
    logger,
    handle,
    on(name, handler) {
      const names: readonly string[] = typeof name === 'string' ? [name] : (name as readonly string[]);
      for (const n of names) {
        const colon = n.indexOf(':');
        if (colon === -1 || !byName.has(n.slice(0, colon))) {
          throw new CountersignError('CONFIG_INVALID', `on("${n}"): the name must start with a configured endpoint, e.g. "${[...byName.keys()][0]}:*".`);
        }
        warnUnknownEvent(n, byName.get(n.slice(0, colon)) as Provider, logger);
        const list = handlers.get(n) ?? [];
        list.push(handler as Handler<never>);
        handlers.set(n, list);
      }
      return receiver;
    },
    onAny(handler) {
      anyHandlers.push(handler as Handler<never>);
      return receiver;
    },
    onError(handler) {
      errorHandlers.push(handler as (error: unknown, event: never, info: ErrorInfo) => unknown);
      return receiver;
    },
    dispatch,
    async ready() {
      const check = async (ping: (() => Promise<void>) | undefined): Promise<{ ok: boolean; error?: string }> => {
        if (ping === undefined) return { ok: true };
        try {
          await ping();
          return { ok: true };
        } catch (error) {
          return { ok: false, error: errorMessage(error) };
        }
      };
      const [d, q] = await Promise.all([check(dedupe.ping?.bind(dedupe)), check(queue.ping?.bind(queue))]);
      return { ready: !closing && d.ok && q.ok, checks: { dedupe: d, queue: q } };
    },
    deadLetters: () => queue.deadLetters(),
    replay: (id) => queue.replay(id),
    async close() {
      closing = true;
      await Promise.allSettled([...inFlight]);
      await queue.close();
      await dedupe.close?.();
    },
  };
  return receiver;
}
