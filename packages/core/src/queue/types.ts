/** An accepted event as it travels through a queue: plain JSON, so a durable queue can store it. */
export interface QueuedEvent {
  /** The event's id everywhere (handlers, dead letters, `replay`): `<endpoint>:<key>`. */
  id: string;
  endpoint: string;
  name: string;
  topic?: string | undefined;
  known: boolean;
  /** The dedupe key. */
  key: string;
  payload: unknown;
  /** ISO 8601 time the delivery was accepted. */
  receivedAt: string;
  /** What the pipeline knew of the delivery (absent on events queued by older versions). */
  delivery?: {
    receivedAt: string;
    attempt?: number | undefined;
    account?: string | undefined;
    headers: Record<string, string>;
  };
  /**
   * The trace context of the delivery that queued it (W3C `traceparent`, `tracestate`), when an observer such as
   * `@countersign/opentelemetry` provides one: handler runs continue the delivery's trace from it.
   */
  traceContext?: Record<string, string> | undefined;
}

export interface DispatchInfo {
  /** 1 for the first attempt. */
  attempt: number;
  maxAttempts: number;
  /**
   * How a person replays this event once it is a dead letter, as the queue knows it (the BullMQ worker says
   * `countersign dead-letters replay '<id>' --queue <name>`); logged with the dead letter. Default
   * `receiver.replay("<id>")`.
   */
  replay?: string | undefined;
}

/** Runs the handlers of one event; rejects when a handler failed (the queue then retries). */
export type Dispatch = (event: QueuedEvent, info: DispatchInfo) => Promise<void>;

export interface DeadLetter {
  id: string;
  event: QueuedEvent;
  attempts: number;
  /** ISO 8601 time of the last failure. */
  failedAt: string;
  error: { message: string; code?: string | undefined; stack?: string | undefined; /** What was wrong (the validation issues of a payload that did not match its schema). */ details?: unknown };
}

/**
 * Where accepted events wait for their handlers. `enqueue` resolves only once the event is safely stored:
 * the receiver acknowledges the delivery after that, never before.
 */
/**
 * The runtime's way to keep work alive after the answer is sent: Workers' `waitUntil` (from `cloudflare:workers`, or
 * `ctx.waitUntil`), Next.js's `after`, Vercel's `waitUntil`. The runtime does not freeze or stop while the promise runs.
 */
export type WaitUntil = (promise: Promise<unknown>) => void;

/** What the receiver tells a queue about an event it enqueues. */
export interface EnqueueInfo {
  /** The size of the delivery's body (bytes): what a bounded queue counts the event as. */
  bytes: number;
  /**
   * The delivery's keep-alive, when the adapter has one: a queue that runs handlers in this process after the answer
   * (`memoryQueue`) registers that work with it, so a runtime that freezes after answering still runs it.
   */
  waitUntil?: WaitUntil | undefined;
}

export interface EventQueue {
  /** Store `event`. Reject when it cannot (a `CountersignError` such as `QUEUE_FULL` is answered as is). */
  enqueue(event: QueuedEvent, info?: EnqueueInfo): Promise<void>;
  /**
   * In-process queues start delivering to `dispatch` here (the receiver calls it). Queues whose events are
   * handled by a separate worker leave it out.
   */
  consume?(dispatch: Dispatch): void;
  /** Events whose handlers failed on every attempt. */
  deadLetters(): Promise<DeadLetter[]>;
  /** Put a dead letter back in the queue for a fresh round of attempts. */
  replay(id: string): Promise<void>;
  /** Resolve when the queue can take events; reject otherwise (readiness checks). */
  ping?(): Promise<void>;
  /** Stop taking events and let in-flight work finish. */
  close(): Promise<void>;
}
