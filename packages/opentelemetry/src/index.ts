import {
  context,
  metrics,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  TraceFlags,
  type Attributes,
  type Context,
  type Link,
  type MeterProvider,
  type Span,
  type SpanContext,
  type TracerProvider,
} from '@opentelemetry/api';
import type { DeliveryObservation, HandlerRunObservation, QueuedEvent, ReceiverObserver } from '@countersign/core';

export interface OpenTelemetryOptions {
  /** Where the instruments come from. Default: the global one (`metrics.getMeterProvider()`). */
  meterProvider?: MeterProvider;
  /** Where the spans go. Default: the global one (`trace.getTracerProvider()`). */
  tracerProvider?: TracerProvider;
  /** Record spans. Default true. */
  traces?: boolean;
  /** Record metrics. Default true. */
  metrics?: boolean;
}

/** The instrumentation scope name of every meter and tracer this package creates. */
export const INSTRUMENTATION_SCOPE = '@countersign/opentelemetry';
const VERSION = '0.1.0';

/** Attribute names on metrics and spans. */
export const ATTR = {
  endpoint: 'countersign.endpoint',
  outcome: 'countersign.outcome',
  event: 'countersign.event.name',
  eventId: 'countersign.event.id',
  eventIds: 'countersign.event.ids',
  attempt: 'countersign.attempt',
  maxAttempts: 'countersign.max_attempts',
  willRetry: 'countersign.will_retry',
  errorType: 'error.type',
  status: 'http.response.status_code',
  method: 'http.request.method',
} as const;

/** The metric names this package records (as OpenTelemetry names them; Prometheus shows `.` as `_`). */
export const METRICS = {
  deliveries: 'countersign.deliveries',
  deliveryDuration: 'countersign.delivery.duration',
  enqueued: 'countersign.events.enqueued',
  duplicates: 'countersign.events.duplicates',
  handled: 'countersign.events.handled',
  unhandled: 'countersign.events.unhandled',
  handlerFailures: 'countersign.handler.failures',
  deadLetters: 'countersign.events.dead_letters',
  handlerDuration: 'countersign.handler.duration',
} as const;

/** What a delivery with no configured endpoint (a 404) is counted under. */
export const NO_ENDPOINT = '(none)';
/** What an event the provider does not know is counted under: sender-chosen names would make metrics grow without bound. */
export const OTHER_EVENT = '(other)';

/** Bucket boundaries (s) of the acknowledgement latency: platforms allow a few seconds (Adobe Sign 5 s). */
export const ACK_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4, 8];
/** Bucket boundaries (s) of a handler run. */
export const HANDLER_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

const HEX32 = /^[0-9a-f]{32}$/;
const HEX16 = /^[0-9a-f]{16}$/;

/** The W3C `traceparent` (and `tracestate`) of a span, carried with a queued event. */
function carrierOf(span: Span): Record<string, string> | undefined {
  const sc = span.spanContext();
  if (!trace.isSpanContextValid(sc)) return undefined;
  const carrier: Record<string, string> = { traceparent: `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}` };
  const state = sc.traceState?.serialize();
  if (state) carrier.tracestate = state;
  return carrier;
}

/** The span context a queued event carries, or undefined when it carries none (or a malformed one). */
function spanContextOf(event: QueuedEvent): SpanContext | undefined {
  const parent = event.traceContext?.traceparent;
  if (typeof parent !== 'string') return undefined;
  const [version, traceId, spanId, flags] = parent.split('-');
  if (version !== '00' || traceId === undefined || spanId === undefined || !HEX32.test(traceId) || !HEX16.test(spanId) || flags === undefined || !/^[0-9a-f]{2}$/.test(flags)) {
    return undefined;
  }
  const sc: SpanContext = { traceId, spanId, traceFlags: parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
  return trace.isSpanContextValid(sc) ? sc : undefined;
}

/**
 * A receiver observer recording OpenTelemetry metrics and spans. Pass it to `createReceiver({ observers })` in
 * every process that receives or runs handlers:
 *
 * - counters: `countersign.deliveries` (by endpoint, outcome, `error.type` = the error code), `countersign.events.enqueued`,
 *   `.duplicates`, `.handled`, `.unhandled`, `.dead_letters`, `countersign.handler.failures` (with `countersign.will_retry`);
 * - histograms (seconds): `countersign.delivery.duration` (the acknowledgement latency) and `countersign.handler.duration`;
 * - a span per delivery (`countersign.delivery`) and per handler run (`countersign.handle`), carrying the endpoint,
 *   event name and id. The delivery's trace context travels with each event through the queue (BullMQ job data
 *   included), so a handler run is a child of, and linked to, the delivery that queued it.
 *
 * Event names count only for events the provider knows (`(other)` otherwise), and event ids only on spans, so
 * no sender can make the metrics grow without bound. With `@opentelemetry/api` and no SDK registered, every
 * instrument and span is the API's no-op.
 */
export function openTelemetry(options: OpenTelemetryOptions = {}): ReceiverObserver {
  const meter = (options.meterProvider ?? metrics.getMeterProvider()).getMeter(INSTRUMENTATION_SCOPE, VERSION);
  const tracer = (options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, VERSION);
  const tracing = options.traces !== false;
  const measuring = options.metrics !== false;

  const deliveries = meter.createCounter(METRICS.deliveries, { description: 'Webhook deliveries answered, by endpoint, outcome and error code.', unit: '{delivery}' });
  const deliveryDuration = meter.createHistogram(METRICS.deliveryDuration, {
    description: 'Time from the start of a delivery to its answer (the acknowledgement latency).',
    unit: 's',
    advice: { explicitBucketBoundaries: ACK_BUCKETS },
  });
  const enqueued = meter.createCounter(METRICS.enqueued, { description: 'Events accepted and queued for their handlers.', unit: '{event}' });
  const duplicates = meter.createCounter(METRICS.duplicates, { description: 'Events acknowledged again without being queued: copies of events already queued.', unit: '{event}' });
  const handled = meter.createCounter(METRICS.handled, { description: 'Handler runs that completed.', unit: '{event}' });
  const unhandled = meter.createCounter(METRICS.unhandled, { description: 'Events dropped because no handler is registered for them.', unit: '{event}' });
  const failures = meter.createCounter(METRICS.handlerFailures, { description: 'Handler runs that failed (retried, or dead-lettered after the last attempt).', unit: '{event}' });
  const deadLetters = meter.createCounter(METRICS.deadLetters, { description: 'Events whose handlers failed on every attempt: dead letters.', unit: '{event}' });
  const handlerDuration = meter.createHistogram(METRICS.handlerDuration, {
    description: 'Time to run the handlers of one event (one attempt).',
    unit: 's',
    advice: { explicitBucketBoundaries: HANDLER_BUCKETS },
  });

  const eventName = (event: { name: string; known: boolean }): string => (event.known ? event.name : OTHER_EVENT);

  return {
    delivery(start): DeliveryObservation {
      const parent: Context = context.active();
      const span = tracing
        ? tracer.startSpan(
            'countersign.delivery',
            { kind: SpanKind.INTERNAL, startTime: start.receivedAt, attributes: { [ATTR.endpoint]: start.endpoint ?? NO_ENDPOINT, [ATTR.method]: start.method } },
            parent,
          )
        : undefined;
      const active = span === undefined ? parent : trace.setSpan(parent, span);
      return {
        within: (fn) => context.with(active, fn),
        enqueue: () => (span === undefined ? undefined : carrierOf(span)),
        end(result) {
          const endpoint = start.endpoint ?? NO_ENDPOINT;
          if (measuring) {
            const attributes: Attributes = { [ATTR.endpoint]: endpoint, [ATTR.outcome]: result.outcome };
            deliveryDuration.record(result.durationMs / 1000, attributes);
            if (result.code !== undefined) attributes[ATTR.errorType] = result.code;
            attributes[ATTR.status] = result.response.status;
            deliveries.add(1, attributes);
            for (const event of result.events) {
              const attrs = { [ATTR.endpoint]: event.endpoint, [ATTR.event]: eventName(event) };
              if (event.dedupe === 'queued') enqueued.add(1, attrs);
              else if (event.dedupe === 'duplicate') duplicates.add(1, attrs);
            }
          }
          if (span === undefined) return;
          span.setAttribute(ATTR.outcome, result.outcome);
          span.setAttribute(ATTR.status, result.response.status);
          if (result.code !== undefined) span.setAttribute(ATTR.errorType, result.code);
          const [only] = result.events;
          if (result.events.length === 1 && only !== undefined) {
            span.setAttribute(ATTR.event, only.name);
            span.setAttribute(ATTR.eventId, only.id);
          } else if (result.events.length > 1) {
            span.setAttribute(ATTR.eventIds, result.events.slice(0, 100).map((e) => e.id));
          }
          if (result.response.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR, message: result.code });
          span.end();
        },
      };
    },
    handlerRun(start): HandlerRunObservation {
      const { event } = start;
      const delivered = spanContextOf(event);
      const parent: Context = delivered === undefined ? context.active() : trace.setSpanContext(ROOT_CONTEXT, delivered);
      const links: Link[] = delivered === undefined ? [] : [{ context: delivered }];
      const span = tracing
        ? tracer.startSpan(
            'countersign.handle',
            {
              kind: SpanKind.CONSUMER,
              links,
              attributes: {
                [ATTR.endpoint]: event.endpoint,
                [ATTR.event]: event.name,
                [ATTR.eventId]: event.id,
                [ATTR.attempt]: start.attempt,
                [ATTR.maxAttempts]: start.maxAttempts,
              },
            },
            parent,
          )
        : undefined;
      const active = span === undefined ? parent : trace.setSpan(parent, span);
      return {
        within: (fn) => context.with(active, fn),
        end(result) {
          if (measuring) {
            const attrs: Attributes = { [ATTR.endpoint]: event.endpoint, [ATTR.event]: eventName(event) };
            handlerDuration.record(result.durationMs / 1000, { ...attrs, [ATTR.outcome]: result.outcome });
            if (result.outcome === 'handled') handled.add(1, attrs);
            else if (result.outcome === 'no-handler') unhandled.add(1, attrs);
            else {
              failures.add(1, { ...attrs, [ATTR.willRetry]: result.outcome === 'retrying' });
              if (result.outcome === 'dead-letter') deadLetters.add(1, attrs);
            }
          }
          if (span === undefined) return;
          span.setAttribute(ATTR.outcome, result.outcome);
          if (result.outcome === 'retrying' || result.outcome === 'dead-letter') {
            const error = result.error;
            if (error instanceof Error) span.recordException(error);
            span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
          }
          span.end();
        },
      };
    },
  };
}
