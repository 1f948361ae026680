/**
 * The OpenTelemetry observer with the SDK's in-memory exporters: a scripted set of deliveries (accepted, duplicate,
 * refused, no endpoint, a handler that fails into a dead letter), then the counters, histograms and spans read back.
 * Across BullMQ too: the handler span continues the delivery's trace from the job data, in another receiver.
 */
import { context, trace, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type DataPoint,
  type Histogram,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createReceiver, docstudio, memoryDedupe, memoryQueue, silentLogger, type QueuedEvent } from '@countersign/core';
import { bullmqQueue, createWorker } from '@countersign/bullmq';
import { docstudioDelivery } from '@countersign/testing';
import { ATTR, METRICS, NO_ENDPOINT, openTelemetry } from '../src/index.js';
import { REDIS_URL, requireRedis, uniqueName } from '../../../test/production/redis-available.js';

const redisUp = await requireRedis('the OpenTelemetry trace propagation through BullMQ');
const CREDENTIALS = { login: 'hooks', password: 'otel-test-password' };

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});
afterAll(() => {
  context.disable();
});

function telemetry() {
  const spans = new InMemorySpanExporter();
  const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] });
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    spans,
    tracerProvider,
    meterProvider,
    observer: openTelemetry({ meterProvider, tracerProvider }),
    /** Every metric as last exported. */
    async metrics(): Promise<MetricData[]> {
      await reader.forceFlush();
      return exporter.getMetrics().at(-1)?.scopeMetrics.flatMap((s) => s.metrics) ?? [];
    },
  };
}

const matches = (attributes: Attributes, wanted: Attributes): boolean => Object.entries(wanted).every(([k, v]) => attributes[k] === v);

/** The sum of a counter's points whose attributes include `wanted` (0 when none). */
function count(all: MetricData[], name: string, wanted: Attributes = {}): number {
  const metric = all.find((m) => m.descriptor.name === name);
  return ((metric?.dataPoints ?? []) as Array<DataPoint<number>>).filter((p) => matches(p.attributes, wanted)).reduce((n, p) => n + p.value, 0);
}

/** How many values a histogram recorded for points whose attributes include `wanted`. */
function recorded(all: MetricData[], name: string, wanted: Attributes = {}): number {
  const metric = all.find((m) => m.descriptor.name === name);
  return ((metric?.dataPoints ?? []) as Array<DataPoint<Histogram>>).filter((p) => matches(p.attributes, wanted)).reduce((n, p) => n + p.value.count, 0);
}

const send = (status: string, options: { uuid?: string; password?: string } = {}) => ({
  endpoint: 'docstudio',
  ...docstudioDelivery({ login: CREDENTIALS.login, password: options.password ?? CREDENTIALS.password, status, uuid: options.uuid }),
});

describe('openTelemetry()', () => {
  it('counts deliveries by endpoint, outcome and code, queued, duplicate, handled, failed and dead-lettered events, and times both sides', async () => {
    const t = telemetry();
    const queue = memoryQueue({ attempts: 2, backoff: { delayMs: 1, jitter: 0 } });
    const receiver = createReceiver({ endpoints: { docstudio: docstudio({ ...CREDENTIALS, successCode: 202 }) }, queue, logger: silentLogger, observers: [t.observer] });
    const inner = t.tracerProvider.getTracer('app');
    receiver.on('docstudio:COMPLETED', () => inner.startActiveSpan('archive the PDF', (span) => span.end()));
    receiver.on('docstudio:CANCELLED', () => {
      throw new Error('the CRM is down');
    });

    const statuses: number[] = [];
    const answer = async (request: Parameters<typeof receiver.handle>[0]): Promise<void> => void statuses.push((await receiver.handle(request)).status);
    const completed = send('COMPLETED', { uuid: '00000000-0000-4000-8000-000000000001' });
    await answer(completed);
    await answer(send('COMPLETED', { uuid: '00000000-0000-4000-8000-000000000002' }));
    await answer(send('COMPLETED', { uuid: '00000000-0000-4000-8000-000000000003' }));
    await answer(completed); // the platform's retry: a duplicate
    await answer(send('CANCELLED', { uuid: '00000000-0000-4000-8000-000000000004' })); // its handler always fails
    await answer(send('COMPLETED', { password: 'guess' }));
    await answer(send('COMPLETED', { password: 'guess-again' }));
    await answer({ ...send('COMPLETED'), body: '{"uuid":' });
    await answer({ ...send('COMPLETED'), endpoint: '/docstudi0' });
    await queue.idle();
    expect(statuses).toEqual([202, 202, 202, 202, 202, 401, 401, 400, 404]);

    const m = await t.metrics();
    const docs = { [ATTR.endpoint]: 'docstudio' };
    expect(count(m, METRICS.deliveries)).toBe(9);
    expect(count(m, METRICS.deliveries, { ...docs, [ATTR.outcome]: 'accepted' })).toBe(4);
    expect(count(m, METRICS.deliveries, { ...docs, [ATTR.outcome]: 'duplicate' })).toBe(1);
    expect(count(m, METRICS.deliveries, { ...docs, [ATTR.outcome]: 'refused', [ATTR.errorType]: 'AUTH_INVALID', [ATTR.status]: 401 })).toBe(2);
    expect(count(m, METRICS.deliveries, { ...docs, [ATTR.outcome]: 'refused', [ATTR.errorType]: 'BODY_MALFORMED_JSON' })).toBe(1);
    expect(count(m, METRICS.deliveries, { [ATTR.endpoint]: NO_ENDPOINT, [ATTR.errorType]: 'ENDPOINT_NOT_FOUND' })).toBe(1);
    expect(count(m, METRICS.enqueued, { ...docs, [ATTR.event]: 'COMPLETED' })).toBe(3);
    expect(count(m, METRICS.enqueued, { ...docs, [ATTR.event]: 'CANCELLED' })).toBe(1);
    expect(count(m, METRICS.duplicates, { ...docs, [ATTR.event]: 'COMPLETED' })).toBe(1);
    expect(count(m, METRICS.handled)).toBe(3);
    expect(count(m, METRICS.handlerFailures, { [ATTR.event]: 'CANCELLED', [ATTR.willRetry]: true })).toBe(1);
    expect(count(m, METRICS.handlerFailures, { [ATTR.event]: 'CANCELLED', [ATTR.willRetry]: false })).toBe(1);
    expect(count(m, METRICS.deadLetters, { ...docs, [ATTR.event]: 'CANCELLED' })).toBe(1);
    expect(count(m, METRICS.unhandled)).toBe(0);
    expect(recorded(m, METRICS.deliveryDuration)).toBe(9);
    expect(recorded(m, METRICS.deliveryDuration, { ...docs, [ATTR.outcome]: 'refused' })).toBe(3);
    expect(recorded(m, METRICS.handlerDuration)).toBe(5);
    expect(recorded(m, METRICS.handlerDuration, { [ATTR.outcome]: 'dead-letter' })).toBe(1);
    expect(m.find((x) => x.descriptor.name === METRICS.deliveryDuration)?.descriptor.unit).toBe('s');

    // Spans: one per delivery and one per handler run, each handler run the child of (and linked to) its delivery.
    const finished = t.spans.getFinishedSpans();
    const deliveries = finished.filter((s) => s.name === 'countersign.delivery');
    const runs = finished.filter((s) => s.name === 'countersign.handle');
    expect(deliveries).toHaveLength(9);
    expect(runs).toHaveLength(5);
    // DocStudio's event id is `docstudio:<uuid>:<status>:<mailbox>`.
    const byEventId = (spans: ReadableSpan[], id: string) => spans.filter((s) => String(s.attributes[ATTR.eventId]).startsWith(`${id}:`));
    const firstId = 'docstudio:00000000-0000-4000-8000-000000000001';
    const [delivered, duplicate] = byEventId(deliveries, firstId);
    expect(delivered?.attributes).toMatchObject({ [ATTR.endpoint]: 'docstudio', [ATTR.event]: 'COMPLETED', [ATTR.outcome]: 'accepted', [ATTR.status]: 202 });
    expect(duplicate?.attributes[ATTR.outcome]).toBe('duplicate');
    const [run] = byEventId(runs, firstId);
    expect(run?.attributes).toMatchObject({ [ATTR.endpoint]: 'docstudio', [ATTR.event]: 'COMPLETED', [ATTR.outcome]: 'handled', [ATTR.attempt]: 1 });
    expect(run?.spanContext().traceId).toBe(delivered?.spanContext().traceId);
    expect(run?.parentSpanContext?.spanId).toBe(delivered?.spanContext().spanId);
    expect(run?.links.map((l) => l.context.spanId)).toEqual([delivered?.spanContext().spanId]);
    // A span the handler starts is a child of the handler run.
    const archive = finished.find((s) => s.name === 'archive the PDF' && s.spanContext().traceId === run?.spanContext().traceId);
    expect(archive?.parentSpanContext?.spanId).toBe(run?.spanContext().spanId);

    const failing = byEventId(runs, 'docstudio:00000000-0000-4000-8000-000000000004');
    expect(failing.map((s) => [s.attributes[ATTR.attempt], s.attributes[ATTR.outcome], s.status.code, s.events[0]?.name])).toEqual([
      [1, 'retrying', 2, 'exception'],
      [2, 'dead-letter', 2, 'exception'],
    ]);
    const refused = deliveries.filter((s) => s.attributes[ATTR.errorType] === 'AUTH_INVALID');
    expect(refused).toHaveLength(2);
    await receiver.close();
    await t.meterProvider.shutdown();
  });

  it('makes the delivery span active while the pipeline runs, under the span the application had active', async () => {
    const t = telemetry();
    const queue = memoryQueue();
    const receiver = createReceiver({ endpoints: { docstudio: docstudio(CREDENTIALS) }, queue, logger: silentLogger, observers: [t.observer] });
    receiver.onAny(() => undefined);
    const app = t.tracerProvider.getTracer('app');
    await app.startActiveSpan('POST /webhooks/docstudio', async (server) => {
      await receiver.handle(send('SENT'));
      server.end();
    });
    await queue.idle();
    const finished = t.spans.getFinishedSpans();
    const server = finished.find((s) => s.name === 'POST /webhooks/docstudio');
    const delivery = finished.find((s) => s.name === 'countersign.delivery');
    expect(delivery?.parentSpanContext?.spanId).toBe(server?.spanContext().spanId);
    expect(trace.getActiveSpan()).toBeUndefined();
    await receiver.close();
  });
});

describe.runIf(redisUp)('openTelemetry() across BullMQ', () => {
  const prefix = uniqueName('countersign-test-otel');

  it('carries the delivery trace context in the job data: the worker process continues the trace', async () => {
    const receiving = telemetry();
    const working = telemetry();
    const queueName = 'otel';
    const endpoints = { docstudio: docstudio(CREDENTIALS) };
    const queue = bullmqQueue({ connection: REDIS_URL, prefix, queueName, backoff: { delayMs: 10, jitter: 0 } });
    const receiver = createReceiver({ endpoints, dedupe: memoryDedupe(), queue, logger: silentLogger, observers: [receiving.observer] });
    // The worker side: another receiver (as in a worker process), with its own tracer provider.
    const handlers = createReceiver({ endpoints, queue: memoryQueue(), logger: silentLogger, observers: [working.observer] });
    const handled: QueuedEvent[] = [];
    let done!: () => void;
    const finished = new Promise<void>((resolve) => (done = resolve));
    handlers.onAny((event) => {
      handled.push({ id: event.id } as QueuedEvent);
      done();
    });
    const worker = createWorker(handlers, { connection: REDIS_URL, prefix, queueName });
    try {
      expect((await receiver.handle(send('COMPLETED', { uuid: '00000000-0000-4000-8000-0000000000b1' }))).status).toBe(200);
      await Promise.race([finished, new Promise((_, reject) => setTimeout(() => reject(new Error('the worker did not handle the event within 15 s')), 15_000))]);
      // The span ends right after the handler returns.
      for (let i = 0; i < 100 && working.spans.getFinishedSpans().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      const [delivery] = receiving.spans.getFinishedSpans().filter((s) => s.name === 'countersign.delivery');
      const [run] = working.spans.getFinishedSpans().filter((s) => s.name === 'countersign.handle');
      expect(run?.attributes[ATTR.eventId]).toMatch(/^docstudio:00000000-0000-4000-8000-0000000000b1:COMPLETED:/);
      expect(run?.spanContext().traceId).toBe(delivery?.spanContext().traceId);
      expect(run?.parentSpanContext?.spanId).toBe(delivery?.spanContext().spanId);
      expect(run?.parentSpanContext?.isRemote).toBe(true);
      const jobs = await queue.bullQueue.getJobs(['completed']);
      expect(jobs[0]?.data.traceContext?.traceparent).toBe(`00-${delivery?.spanContext().traceId}-${delivery?.spanContext().spanId}-01`);
    } finally {
      await worker.close();
      await handlers.close();
      await queue.bullQueue.obliterate({ force: true });
      await receiver.close();
    }
  });
});
