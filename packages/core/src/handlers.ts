import { CountersignError, errorMessage, isUnrecoverable } from './errors.js';
import { LIFECYCLE_PREFIX, LIFECYCLE_STAGES, lifecycleRecord, type Lifecycle } from './lifecycle.js';
import type { AnyEvent, EventFor, EventName, Handler, Platforms } from './events.js';
import { defaultLogger, type Logger } from './logger.js';
import type { HandlerRunWatch } from './observer.js';
import { warnUnknownEvent, type Platform } from './provider.js';
import type { DispatchInfo, QueuedEvent } from './queue/types.js';

export interface ErrorInfo {
  /** The attempt that failed (1-based). */
  attempt: number;
  /** Whether the queue will try the event again. */
  willRetry: boolean;
}

/**
 * The handlers of a set of endpoints, and the dispatch that runs them for a queued event. It needs no endpoint
 * secret, only what each endpoint's platform is (`adobeSignPlatform`, ...: its event names and how to revive a
 * payload that went through JSON), so a queue worker holds handlers without holding credentials:
 *
 * ```ts
 * const handlers = createHandlers({ 'adobe-sign': adobeSignPlatform, docstudio: docstudioPlatform });
 * handlers.on('adobe-sign:AGREEMENT_WORKFLOW_COMPLETED', async (event) => archive(event.payload.agreement.id));
 * createWorker(handlers, { connection: process.env.REDIS_URL! });
 * ```
 *
 * A receiver builds one from its endpoints (`receiver.on(...)` registers there), or takes yours as `handlers`.
 */
export interface HandlerRegistry<E extends Platforms> {
  /** The platforms by endpoint name. */
  readonly platforms: E;
  /** Run `handler` for an event name, a topic (`ignisign:SIGNATURE_REQUEST`) or every event of an endpoint (`adobe:*`). */
  on<N extends EventName<E>>(name: N | readonly N[], handler: Handler<EventFor<E, N>>): this;
  /** Run `handler` for every event of every endpoint. */
  onAny(handler: Handler<AnyEvent<E>>): this;
  /** Called when a handler fails (the event is retried or, after the last attempt, dead-lettered). */
  onError(handler: (error: unknown, event: AnyEvent<E>, info: ErrorInfo) => unknown): this;
  /** Run the handlers of one queued event; rejects when one failed (the queue then retries). */
  dispatch(event: QueuedEvent, info: DispatchInfo): Promise<void>;
  /** The names handlers are registered under (`adobe-sign:AGREEMENT_CREATED`, `adobe-sign:*`, `*` for onAny). */
  names(): string[];
}

export interface HandlerRegistryOptions {
  /**
   * Where handler failures (every attempt), dead letters (with the command that replays them), events nobody handles
   * (once per name) and names no platform knows are reported. Default: `defaultLogger()` (warnings and errors).
   */
  logger?: Logger;
  /** Watches each handler run (the receiver's observers: OpenTelemetry, the inspector). */
  observe?: (event: QueuedEvent, info: DispatchInfo) => HandlerRunWatch | undefined;
}

/** Create the handlers of a set of endpoints, from their platforms (or their providers: a provider is a platform). */
export function createHandlers<const E extends Platforms>(platforms: E, options: HandlerRegistryOptions = {}): HandlerRegistry<E> {
  if (typeof platforms !== 'object' || platforms === null || Object.keys(platforms).length === 0) {
    throw new CountersignError('CONFIG_INVALID', 'createHandlers: name at least one endpoint and its platform, e.g. { "adobe-sign": adobeSignPlatform }.');
  }
  if (Object.hasOwn(platforms, LIFECYCLE_PREFIX)) {
    throw new CountersignError(
      'CONFIG_INVALID',
      `"${LIFECYCLE_PREFIX}" cannot name an endpoint: on("${LIFECYCLE_PREFIX}:<stage>") subscribes to a signing stage across every endpoint. Name the endpoint after its platform instead.`,
    );
  }
  const logger = options.logger ?? defaultLogger();
  /** Event names already reported as having no handler (bounded). */
  const unhandled = new Set<string>();
  const byName = new Map(Object.entries(platforms));
  const handlers = new Map<string, Array<Handler<never>>>();
  const anyHandlers: Array<Handler<never>> = [];
  const errorHandlers: Array<(error: unknown, event: never, info: ErrorInfo) => unknown> = [];

  /** The typed payload and lifecycle record of a queued event, or the error that makes it a dead letter at once. */
  function prepare(queued: QueuedEvent, platform: Platform | undefined): { payload: unknown; lifecycle: Lifecycle | undefined; invalid?: CountersignError } {
    let payload: unknown;
    try {
      payload = platform?.validate ? platform.validate(queued) : platform?.revive ? platform.revive(queued) : queued.payload;
    } catch (error) {
      const invalid =
        error instanceof CountersignError
          ? new CountersignError(error.code, error.message, { details: error.details, cause: error.cause, unrecoverable: true })
          : new CountersignError('PAYLOAD_INVALID', `The payload does not match the schema: ${errorMessage(error)}`, { cause: error, unrecoverable: true });
      return { payload: queued.payload, lifecycle: undefined, invalid };
    }
    const facts = platform?.lifecycle?.({ name: queued.name, known: queued.known, payload });
    return { payload, lifecycle: facts === undefined ? undefined : lifecycleRecord(facts) };
  }

  /**
   * The handlers of one event, in order: its name, its topic, its endpoint's `*`, its lifecycle stage, `lifecycle:*`,
   * then `onAny`. Cached per (endpoint, name, topic, stage) until a handler is added; names come from senders, so
   * the cache is bounded (cleared when full).
   */
  const runLists = new Map<string, ReadonlyArray<Handler<never>>>();
  function handlersFor(endpoint: string, name: string, topic: string | undefined, stage: string | undefined): ReadonlyArray<Handler<never>> {
    const cacheKey = `${endpoint}\u0000${name}\u0000${topic ?? ''}\u0000${stage ?? ''}`;
    const cached = runLists.get(cacheKey);
    if (cached !== undefined) return cached;
    const run: Array<Handler<never>> = [];
    const add = (list: Array<Handler<never>> | undefined): void => {
      if (list) run.push(...list);
    };
    add(handlers.get(`${endpoint}:${name}`));
    if (topic !== undefined && topic !== name) add(handlers.get(`${endpoint}:${topic}`));
    add(handlers.get(`${endpoint}:*`));
    if (stage !== undefined) {
      add(handlers.get(`${LIFECYCLE_PREFIX}:${stage}`));
      add(handlers.get(`${LIFECYCLE_PREFIX}:*`));
    }
    add(anyHandlers);
    if (runLists.size >= 1000) runLists.clear();
    runLists.set(cacheKey, run);
    return run;
  }

  async function dispatch(queued: QueuedEvent, info: DispatchInfo): Promise<void> {
    const { payload, lifecycle, invalid } = prepare(queued, byName.get(queued.endpoint));
    const delivery = queued.delivery;
    const event = {
      id: queued.id,
      key: queued.key,
      endpoint: queued.endpoint,
      name: queued.name,
      topic: queued.topic,
      known: queued.known,
      payload,
      lifecycle,
      receivedAt: new Date(queued.receivedAt),
      attempt: info.attempt,
      delivery: {
        receivedAt: new Date(delivery?.receivedAt ?? queued.receivedAt),
        attempt: delivery?.attempt,
        account: delivery?.account,
        headers: delivery?.headers ?? {},
      },
    };
    const run = handlersFor(queued.endpoint, queued.name, queued.topic, lifecycle?.stage);
    const watch = options.observe?.(queued, info);
    if (run.length === 0 && invalid === undefined) {
      const named = `${queued.endpoint}:${queued.name}`;
      if (!unhandled.has(named) && unhandled.size < 1000) {
        unhandled.add(named);
        logger.warn(
          { endpoint: queued.endpoint, event: queued.name, id: queued.id },
          `no handler for ${named}: the event was acknowledged and dropped. Register one with on('${named}', ...), on('${queued.endpoint}:*', ...) or onAny() (logged once per event name)`,
        );
      }
      watch?.end({ outcome: 'no-handler', handlers: 0 });
      return;
    }
    const runAll = async (): Promise<void> => {
      if (invalid !== undefined) throw invalid;
      for (const handler of run) {
        // A handler that returns no promise (or thenable) costs no extra microtask.
        const result: unknown = handler(event as never);
        if (typeof result === 'object' && result !== null && typeof (result as { then?: unknown }).then === 'function') await result;
      }
    };
    try {
      await (watch ? watch.within(runAll) : runAll());
    } catch (error) {
      const willRetry = info.attempt < info.maxAttempts && !isUnrecoverable(error);
      const fields = { endpoint: queued.endpoint, event: queued.name, id: queued.id, attempt: info.attempt, maxAttempts: info.maxAttempts, willRetry, err: error };
      const replay = info.replay ?? `receiver.replay(${JSON.stringify(queued.id)})`;
      if (invalid !== undefined) {
        // The message names the failing fields (the dead letter keeps them as `details`); a stack would only point here.
        logger.error(
          { ...fields, err: { code: invalid.code, message: invalid.message }, deadLetter: true, replay },
          `${queued.id} does not match the ${queued.endpoint} schema, so no handler ran: it is a dead letter now (not retried). Fix the schema (or the provider's validate), then replay it with: ${replay}`,
        );
      } else if (willRetry) logger.error(fields, `handler failed on attempt ${info.attempt} of ${info.maxAttempts}; it will be retried`);
      else {
        logger.error({ ...fields, deadLetter: true, replay }, `handler failed on its last attempt (${info.attempt} of ${info.maxAttempts}): ${queued.id} is a dead letter now. Replay it with: ${replay}`);
      }
      for (const onError of errorHandlers) {
        try {
          await onError(error, event as never, { attempt: info.attempt, willRetry });
        } catch (inner) {
          logger.error({ err: inner }, 'onError handler threw');
        }
      }
      watch?.end({ outcome: willRetry ? 'retrying' : 'dead-letter', error, handlers: run.length });
      throw error;
    }
    watch?.end({ outcome: 'handled', handlers: run.length });
  }

  const registry: HandlerRegistry<E> = {
    platforms,
    on(name, handler) {
      const names: readonly string[] = typeof name === 'string' ? [name] : (name as readonly string[]);
      for (const n of names) {
        const colon = n.indexOf(':');
        if (n.slice(0, colon) === LIFECYCLE_PREFIX) {
          const stage = n.slice(colon + 1);
          if (stage !== '*' && !(LIFECYCLE_STAGES as readonly string[]).includes(stage)) {
            throw new CountersignError('CONFIG_INVALID', `on("${n}"): "${stage}" is not a lifecycle stage. Use one of ${LIFECYCLE_STAGES.map((s) => `"${LIFECYCLE_PREFIX}:${s}"`).join(', ')} or "${LIFECYCLE_PREFIX}:*".`);
          }
        } else {
        const platform = colon === -1 ? undefined : byName.get(n.slice(0, colon));
        if (platform === undefined) {
          throw new CountersignError('CONFIG_INVALID', `on("${n}"): the name must start with a configured endpoint, e.g. "${[...byName.keys()][0]}:*".`);
        }
        warnUnknownEvent(n, platform, logger);
        }
        const list = handlers.get(n) ?? [];
        list.push(handler as Handler<never>);
        handlers.set(n, list);
      }
      runLists.clear();
      return registry;
    },
    onAny(handler) {
      anyHandlers.push(handler as Handler<never>);
      runLists.clear();
      return registry;
    },
    onError(handler) {
      errorHandlers.push(handler as (error: unknown, event: never, info: ErrorInfo) => unknown);
      return registry;
    },
    dispatch,
    names: () => [...handlers.keys(), ...(anyHandlers.length > 0 ? ['*'] : [])],
  };
  return registry;
}
