import type { ErrorCode } from './errors.js';
import type { HeadersInput } from './headers.js';
import type { Logger } from './logger.js';
import type { DispatchInfo, QueuedEvent } from './queue/types.js';
import type { AnyReceiver } from './receiver.js';
import type { WebhookResponse } from './types.js';

/**
 * The instrumentation seam of a receiver: what `createReceiver({ observers })` tells about each delivery and
 * each handler run. `@countersign/opentelemetry` (metrics and traces) and `@countersign/inspector` (a live page)
 * implement it; so can you. Every method is optional and called synchronously; an observer that throws is
 * logged (once) and otherwise ignored: it never changes an answer or a handler's outcome.
 */
export interface ReceiverObserver {
  /** Called once by `createReceiver` with the receiver being observed (e.g. to replay dead letters later). */
  attach?(receiver: AnyReceiver): void;
  /** A delivery arrives. Return an observation to follow it to its answer, or nothing. */
  delivery?(start: DeliveryStart): DeliveryObservation | undefined | void;
  /** The handlers of one queued event start (one attempt). Return an observation to follow the run, or nothing. */
  handlerRun?(start: HandlerRunStart): HandlerRunObservation | undefined | void;
}

/** How a delivery ended. */
export type DeliveryOutcome =
  /** Every event of it was queued (or, in a batch, queued or already queued). */
  | 'accepted'
  /** Every event of it had been queued before: acknowledged again, not queued again. */
  | 'duplicate'
  /** A verified delivery the provider answered itself, with nothing to queue (a verification ping). */
  | 'answered'
  /** A GET/HEAD handshake (Adobe Sign's verification of intent). */
  | 'handshake'
  /** Refused: `code` says why (4xx: the sender's; 5xx: retry later). */
  | 'refused';

export interface DeliveryStart {
  /** The configured endpoint the request is for, or `undefined` when its path names none. */
  endpoint: string | undefined;
  /** The path below the adapter's prefix, as requested (clipped to 100 characters). */
  path: string;
  method: string;
  /** The request headers as the adapter passed them (secrets included: redact before showing them). */
  headers: HeadersInput;
  receivedAt: Date;
}

/** One event of a delivery, as the pipeline saw it. */
export interface ObservedEvent {
  /** `<endpoint>:<key>`: the event's id everywhere (handlers, logs, dead letters, `replay`). */
  id: string;
  key: string;
  endpoint: string;
  name: string;
  topic: string | undefined;
  known: boolean;
  /** `queued`: new, and in the queue; `duplicate`: queued before, not again; `not-queued`: the delivery failed first. */
  dedupe: 'queued' | 'duplicate' | 'not-queued';
}

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** The answer sent. */
  response: WebhookResponse;
  /** The error code of a refusal. */
  code: ErrorCode | undefined;
  /** The raw body as read, or `undefined` when the delivery was refused before its body was read. */
  body: Uint8Array | undefined;
  /** The events the provider read from the delivery (none for refusals before parsing, handshakes and pings). */
  events: readonly ObservedEvent[];
  /** From the start of `handle()` to the answer (ms). */
  durationMs: number;
}

export interface DeliveryObservation {
  /**
   * Run the delivery's pipeline inside `fn`, e.g. with a span made the active context. Must call `fn` once and
   * return (or rethrow) what it returns.
   */
  within?<T>(fn: () => Promise<T>): Promise<T>;
  /**
   * An accepted event is about to be queued. What this returns (a W3C trace context: `traceparent`, `tracestate`)
   * travels with the event through the queue, as `QueuedEvent.traceContext`, to the handler run.
   */
  enqueue?(event: QueuedEvent): Record<string, string> | undefined | void;
  /** The answer is decided (it is sent right after). */
  end(result: DeliveryResult): void;
}

export interface HandlerRunStart {
  event: QueuedEvent;
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
}

/** How one handler run ended. */
export type HandlerRunOutcome =
  /** Every handler returned. */
  | 'handled'
  /** No handler is registered for the event: it is dropped (logged at warn the first time per name). */
  | 'no-handler'
  /** A handler failed and the queue will try again. */
  | 'retrying'
  /** A handler failed on the last attempt: the event is a dead letter now. */
  | 'dead-letter';

export interface HandlerRunResult {
  outcome: HandlerRunOutcome;
  /** What the failing handler threw (`retrying`, `dead-letter`). */
  error?: unknown;
  /** How many handlers were to run for the event. */
  handlers: number;
  durationMs: number;
}

export interface HandlerRunObservation {
  /** Run the handlers inside `fn` (e.g. with the handler span active). Must call `fn` once and return its result. */
  within?<T>(fn: () => Promise<T>): Promise<T>;
  end(result: HandlerRunResult): void;
}

/** What the receiver holds for one delivery or run while observers follow it (internal). */
export interface Watch<R> {
  within<T>(fn: () => Promise<T>): Promise<T>;
  end(result: R): void;
}

export interface DeliveryWatch extends Watch<Omit<DeliveryResult, 'durationMs' | 'events'>> {
  /** The events read, each `not-queued` until marked. */
  readonly events: ObservedEvent[];
  enqueue(event: QueuedEvent): Record<string, string> | undefined;
}

export type HandlerRunWatch = Watch<Omit<HandlerRunResult, 'durationMs'>>;

const now = (): number => (typeof performance === 'undefined' ? Date.now() : performance.now());

/**
 * The observers of one receiver, fanned out and guarded: `undefined` when there are none, so an unobserved
 * receiver pays nothing. (Internal to the receiver.)
 */
export function observersOf(
  observers: readonly ReceiverObserver[] | undefined,
  logger: Logger,
): { attach(receiver: AnyReceiver): void; delivery(start: DeliveryStart): DeliveryWatch; handlerRun(event: QueuedEvent, info: DispatchInfo): HandlerRunWatch } | undefined {
  if (observers === undefined || observers.length === 0) return undefined;
  const list = [...observers];
  const failed = new Set<ReceiverObserver>();
  const guard = <T>(observer: ReceiverObserver, what: string, fn: () => T): T | undefined => {
    try {
      return fn();
    } catch (error) {
      if (!failed.has(observer)) {
        failed.add(observer);
        logger.warn({ err: error, observer: what }, `a receiver observer threw in ${what}; it is ignored there (logged once per observer)`);
      }
      return undefined;
    }
  };
  /** `fn` inside every observation's `within`, the first observer outermost; an observer that fails before calling `fn` is skipped. */
  const nest = <T>(pairs: ReadonlyArray<[ReceiverObserver, { within?<U>(fn: () => Promise<U>): Promise<U> }]>, fn: () => Promise<T>): Promise<T> => {
    let run = fn;
    for (const [observer, observation] of [...pairs].reverse()) {
      if (observation.within === undefined) continue;
      const inner = run;
      run = async () => {
        let called = false;
        const call = (): Promise<T> => {
          called = true;
          return inner();
        };
        try {
          return await (observation.within as <U>(f: () => Promise<U>) => Promise<U>)(call);
        } catch (error) {
          if (called) throw error;
          guard(observer, 'within', () => {
            throw error;
          });
          return inner();
        }
      };
    }
    return run();
  };

  return {
    attach(receiver) {
      for (const observer of list) guard(observer, 'attach', () => observer.attach?.(receiver));
    },
    delivery(start) {
      const started = now();
      const pairs: Array<[ReceiverObserver, DeliveryObservation]> = [];
      for (const observer of list) {
        const observation = guard(observer, 'delivery', () => observer.delivery?.(start));
        if (observation) pairs.push([observer, observation]);
      }
      const events: ObservedEvent[] = [];
      let ended = false;
      return {
        events,
        within: (fn) => nest(pairs, fn),
        enqueue(event) {
          let carried: Record<string, string> | undefined;
          for (const [observer, observation] of pairs) {
            const fields = guard(observer, 'enqueue', () => observation.enqueue?.(event));
            if (fields) carried = { ...carried, ...fields };
          }
          return carried;
        },
        end(result) {
          if (ended) return;
          ended = true;
          const full: DeliveryResult = { ...result, events: events.map((e) => ({ ...e })), durationMs: now() - started };
          for (const [observer, observation] of pairs) guard(observer, 'end', () => observation.end(full));
        },
      };
    },
    handlerRun(event, info) {
      const started = now();
      const pairs: Array<[ReceiverObserver, HandlerRunObservation]> = [];
      for (const observer of list) {
        const observation = guard(observer, 'handlerRun', () => observer.handlerRun?.({ event, attempt: info.attempt, maxAttempts: info.maxAttempts }));
        if (observation) pairs.push([observer, observation]);
      }
      return {
        within: (fn) => nest(pairs, fn),
        end(result) {
          const full: HandlerRunResult = { ...result, durationMs: now() - started };
          for (const [observer, observation] of pairs) guard(observer, 'end', () => observation.end(full));
        },
      };
    },
  };
}
