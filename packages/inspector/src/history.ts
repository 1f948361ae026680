import type { DeliveryResult, DeliveryStart, HandlerRunOutcome, HeadersInput, LifecycleStage } from '@countersign/core';

/** What the page shows of an event's handlers. */
export type HandlerState =
  /** Queued, no run finished yet. */
  | 'pending'
  | HandlerRunOutcome
  /** A copy of an event queued before: not dispatched again. */
  | 'duplicate'
  /** The delivery failed before the event was queued. */
  | 'not-queued';

export interface EventSummary {
  id: string;
  name: string;
  dedupe: 'queued' | 'duplicate' | 'not-queued';
  handler: HandlerState;
  /** The attempt of the last run. */
  attempt: number | undefined;
  maxAttempts: number | undefined;
  /** The last failure's message (clipped). */
  error: string | undefined;
  /**
   * The event's stage in the signing lifecycle (`sent`, `signed`, `completed`...), known once a handler run started;
   * `null` before that, for events with no stage, and for payloads that failed their schema.
   */
  stage: LifecycleStage | null;
}

/** One delivery as the list shows it. */
export interface DeliverySummary {
  seq: number;
  time: string;
  endpoint: string | null;
  path: string;
  method: string;
  status: number;
  code: string | null;
  outcome: DeliveryResult['outcome'];
  durationMs: number;
  events: EventSummary[];
}

/** One delivery as the detail view shows it: the summary, the headers (redacted), the body and the answer. */
export interface DeliveryDetail extends DeliverySummary {
  headers: Array<[string, string]>;
  body: string;
  bodyBytes: number;
  /** Whether `body` was cut to the inspector's `maxBodyBytes`. */
  bodyClipped: boolean;
  response: { status: number; headers: Record<string, string>; body: string };
}

export interface HistoryLimits {
  maxDeliveries: number;
  maxBytes: number;
  maxBodyBytes: number;
}

/** Header names whose values are never shown. */
const SECRET_HEADER = /authorization|cookie|signature|secret|token|password|api[-_]?key|x-signit-nonce/i;
/** JSON keys whose values are never shown (Ignisign's verification and signer tokens, passwords, signatures...). */
const SECRET_KEY = /token|secret|password|signature|credential|apikey|api_key/i;
export const REDACTED = '[redacted]';
/** Deepest JSON nesting redacted and shown; deeper values are replaced. */
const MAX_DEPTH = 32;
const MAX_HEADERS = 100;
const MAX_HEADER_VALUE = 1024;
const MAX_ANSWER = 4096;
const decoder = new TextDecoder();

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max)}… (${text.length - max} more characters)`);

function headerEntries(input: HeadersInput): Array<[string, string]> {
  const entries: Array<[string, string]> = [];
  const add = (name: string, value: string): void => {
    if (entries.length < MAX_HEADERS) entries.push([name.toLowerCase(), SECRET_HEADER.test(name) ? REDACTED : clip(value, MAX_HEADER_VALUE)]);
  };
  const withForEach = input as { forEach?: (fn: (value: string, name: string) => void) => void; get?: unknown };
  if (typeof withForEach.forEach === 'function' && typeof withForEach.get === 'function') withForEach.forEach((value, name) => add(name, value));
  else {
    for (const [name, value] of Object.entries(input as Record<string, string | readonly string[] | undefined>)) {
      if (value !== undefined) add(name, typeof value === 'string' ? value : value.join(', '));
    }
  }
  return entries;
}

function redactJson(value: unknown, depth: number): unknown {
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(value)) return value.map((v) => redactJson(v, depth + 1));
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [key, v] of Object.entries(value)) out[key] = SECRET_KEY.test(key) && (typeof v === 'string' || typeof v === 'number') ? REDACTED : redactJson(v, depth + 1);
    return out;
  }
  return value;
}

/** The body as the detail view shows it: JSON pretty-printed with secret fields redacted, else the text; clipped. */
export function showBody(bytes: Uint8Array | undefined, maxBytes: number): { body: string; clipped: boolean } {
  if (bytes === undefined || bytes.byteLength === 0) return { body: '', clipped: false };
  const clipped = bytes.byteLength > maxBytes;
  const text = decoder.decode(clipped ? bytes.subarray(0, maxBytes) : bytes);
  if (!clipped) {
    try {
      return { body: JSON.stringify(redactJson(JSON.parse(text), 0), null, 2), clipped };
    } catch {
      // not JSON: shown as text
    }
  }
  return { body: text.replace(/("?(?:verificationToken|token|password|secret)"?\s*[:=]\s*"?)[^",&\s}]+/gi, `$1${REDACTED}`), clipped };
}

const bytesOf = (detail: DeliveryDetail): number =>
  detail.body.length + detail.response.body.length + detail.headers.reduce((n, [k, v]) => n + k.length + v.length, 0) + 512 + detail.events.length * 256;

/**
 * The recent deliveries, newest last, bounded in count and in bytes (oldest forgotten first), with the events of
 * each so that handler runs can update them.
 */
export class History {
  #seq = 0;
  readonly #records: Array<{ detail: DeliveryDetail; bytes: number }> = [];
  #bytes = 0;
  /** Event id -> the records that queued it (a replayed or retried event updates the record that queued it). */
  readonly #byEvent = new Map<string, DeliveryDetail>();

  constructor(readonly limits: HistoryLimits) {}

  get size(): number {
    return this.#records.length;
  }

  get bytes(): number {
    return this.#bytes;
  }

  add(start: DeliveryStart, result: DeliveryResult): DeliveryDetail {
    const shown = showBody(result.body, this.limits.maxBodyBytes);
    const detail: DeliveryDetail = {
      seq: ++this.#seq,
      time: start.receivedAt.toISOString(),
      endpoint: start.endpoint ?? null,
      path: start.path,
      method: start.method,
      status: result.response.status,
      code: result.code ?? null,
      outcome: result.outcome,
      durationMs: Math.round(result.durationMs * 10) / 10,
      events: result.events.slice(0, 100).map((e) => ({
        id: e.id,
        name: e.name,
        dedupe: e.dedupe,
        handler: e.dedupe === 'queued' ? 'pending' : e.dedupe,
        attempt: undefined,
        maxAttempts: undefined,
        error: undefined,
        stage: null,
      })),
      headers: headerEntries(start.headers),
      body: shown.body,
      bodyBytes: result.body?.byteLength ?? 0,
      bodyClipped: shown.clipped,
      response: {
        status: result.response.status,
        headers: Object.fromEntries(Object.entries(result.response.headers).map(([k, v]) => [k, SECRET_HEADER.test(k) ? REDACTED : clip(v, MAX_HEADER_VALUE)])),
        body: clip(result.response.body, MAX_ANSWER),
      },
    };
    const bytes = bytesOf(detail);
    this.#records.push({ detail, bytes });
    this.#bytes += bytes;
    for (const event of detail.events) if (event.dedupe === 'queued') this.#byEvent.set(event.id, detail);
    while (this.#records.length > this.limits.maxDeliveries || (this.#bytes > this.limits.maxBytes && this.#records.length > 1)) {
      const old = this.#records.shift() as { detail: DeliveryDetail; bytes: number };
      this.#bytes -= old.bytes;
      for (const event of old.detail.events) if (this.#byEvent.get(event.id) === old.detail) this.#byEvent.delete(event.id);
    }
    return detail;
  }

  /**
   * Record a handler run's outcome (and the event's lifecycle stage, when known) on the delivery that queued the
   * event; that delivery, or undefined when forgotten.
   */
  run(
    eventId: string,
    outcome: HandlerRunOutcome | 'pending',
    attempt: number | undefined,
    maxAttempts: number | undefined,
    error: unknown,
    stage?: LifecycleStage | null,
  ): DeliveryDetail | undefined {
    const detail = this.#byEvent.get(eventId);
    const event = detail?.events.find((e) => e.id === eventId);
    if (detail === undefined || event === undefined) return undefined;
    if (stage !== undefined) event.stage = stage;
    event.handler = outcome;
    event.attempt = attempt;
    event.maxAttempts = maxAttempts;
    event.error = outcome === 'retrying' || outcome === 'dead-letter' ? clip(error instanceof Error ? error.message : String(error), 500) : undefined;
    return detail;
  }

  /**
   * Mark an event pending before it is replayed (its new run may end before `replay()` returns), and return what
   * puts its previous state back if the replay is refused.
   */
  pending(eventId: string): () => void {
    const event = this.#byEvent.get(eventId)?.events.find((e) => e.id === eventId);
    if (event === undefined) return () => undefined;
    const { handler, attempt, maxAttempts, error } = event;
    this.run(eventId, 'pending', undefined, undefined, undefined);
    return () => {
      // Only if nothing ran meanwhile.
      if (event.handler === 'pending') Object.assign(event, { handler, attempt, maxAttempts, error });
    };
  }

  /** The delivery that queued an event, while it is kept. */
  deliveryOf(eventId: string): DeliveryDetail | undefined {
    return this.#byEvent.get(eventId);
  }

  get(seq: number): DeliveryDetail | undefined {
    return this.#records.find((r) => r.detail.seq === seq)?.detail;
  }

  /** Every delivery's summary, oldest first. */
  summaries(): DeliverySummary[] {
    return this.#records.map((r) => summaryOf(r.detail));
  }
}

export function summaryOf(detail: DeliveryDetail): DeliverySummary {
  const { seq, time, endpoint, path, method, status, code, outcome, durationMs, events } = detail;
  return { seq, time, endpoint, path, method, status, code, outcome, durationMs, events: events.map((e) => ({ ...e })) };
}
