/** The countersign receivers the bench servers mount: one Adobe Acrobat Sign endpoint, in-memory defaults. */
import { adobeSign, createReceiver, memoryQueue, silentLogger, type Receiver } from '@countersign/core';
import { ADOBE_CLIENT_ID } from './payloads.js';

/** Counts what reached the handlers, so the bench can check every request was real, non-duplicate work. */
export interface DispatchCounter {
  dispatched: number;
}

const endpoints = () => ({ adobe: adobeSign({ clientIds: [ADOBE_CLIENT_ID] }) });

export type BenchReceiver = Receiver<ReturnType<typeof endpoints>>;

/** Silent logger, default memoryDedupe and memoryQueue, a handler that does nothing. */
export function fastReceiver(counter: DispatchCounter): BenchReceiver {
  const receiver = createReceiver({ endpoints: endpoints(), logger: silentLogger });
  receiver.onAny(() => {
    counter.dispatched += 1;
  });
  return receiver;
}

/**
 * Every handler sleeps `sleepMs`; the queue runs up to `concurrency` of them at once, so they pile up. The queue's
 * bounds are raised above what a run piles up (tens of thousands of 2 kB events), so the bench measures the
 * acknowledgement, not the QUEUE_FULL refusals the default bounds would give.
 */
export function slowReceiver(counter: DispatchCounter, sleepMs: number, concurrency: number): BenchReceiver {
  const queue = memoryQueue({ concurrency, maxEvents: 500_000, maxBytes: 2 * 1024 * 1024 * 1024 });
  const receiver = createReceiver({ endpoints: endpoints(), queue, logger: silentLogger });
  receiver.onAny(async () => {
    counter.dispatched += 1;
    await new Promise<void>((resolve) => setTimeout(resolve, sleepMs));
  });
  return receiver;
}
