/** The countersign receivers the bench servers mount: one Adobe Acrobat Sign endpoint, in-memory defaults. */
import { adobeSign, createReceiver, memoryQueue, silentLogger, type ReceiverOptions, type DedupeStore, type EventQueue, type Receiver } from '@countersign/core';
import { ADOBE_CLIENT_ID } from './payloads.js';

/** Counts what reached the handlers, so the bench can check every request was real, non-duplicate work. */
export interface DispatchCounter {
  dispatched: number;
}

const endpoints = () => ({ adobe: adobeSign({ clientIds: [ADOBE_CLIENT_ID] }) });

export type BenchReceiver = Receiver<ReturnType<typeof endpoints>>;

/** The parts of the pipeline `BENCH_ABLATE` can swap for no-ops, to see what each costs in situ. */
const ABLATIONS = ['validate', 'envelope', 'dedupe', 'queue'] as const;
type Ablation = (typeof ABLATIONS)[number];

/**
 * `BENCH_ABLATE=validate,envelope,dedupe,queue` (any of them): `validate` drops the full validation and the
 * lifecycle before the handlers; `envelope` reads `event` and `webhookNotificationId` with no schema and no body
 * hash in the key; `dedupe` claims everything at once; `queue` counts the event at enqueue (nothing dispatched
 * later). Not a receiver to use: each one removes a guarantee. For the decomposition in bench/README.md.
 */
function ablations(): Set<Ablation> {
  const asked = (process.env['BENCH_ABLATE'] ?? '').split(',').filter((part) => part !== '');
  for (const part of asked) {
    if (!(ABLATIONS as readonly string[]).includes(part)) throw new Error(`BENCH_ABLATE: unknown part "${part}" (known: ${ABLATIONS.join(', ')}).`);
  }
  return new Set(asked as Ablation[]);
}

function ablated(counter: DispatchCounter, off: Set<Ablation>): Pick<ReceiverOptions<ReturnType<typeof endpoints>>, 'endpoints' | 'dedupe' | 'queue'> {
  const { adobe } = endpoints();
  const lean: typeof adobe = {
    ...adobe,
    ...(off.has('validate') ? { validate: undefined, lifecycle: undefined } : {}),
    ...(off.has('envelope')
      ? {
          parse: (ctx) => {
            const body = ctx.json();
            if (typeof body['event'] !== 'string' || typeof body['webhookNotificationId'] !== 'string') throw new Error('not an Adobe notification');
            return { name: body['event'], topic: 'AGREEMENT', known: true, key: body['webhookNotificationId'], payload: body as never };
          },
        }
      : {}),
  };
  const dedupe: DedupeStore | undefined = off.has('dedupe')
    ? { claim: () => Promise.resolve({ status: 'claimed', token: 't' }), commit: () => Promise.resolve(), release: () => Promise.resolve() }
    : undefined;
  const queue: EventQueue | undefined = off.has('queue')
    ? {
        enqueue: () => {
          counter.dispatched += 1;
          return Promise.resolve();
        },
        deadLetters: () => Promise.resolve([]),
        replay: () => Promise.reject(new Error('nothing to replay')),
        close: () => Promise.resolve(),
      }
    : undefined;
  return { endpoints: { adobe: lean }, dedupe, queue };
}

/** Silent logger, default memoryDedupe and memoryQueue, a handler that does nothing (parts ablated by `BENCH_ABLATE`). */
export function fastReceiver(counter: DispatchCounter): BenchReceiver {
  const off = ablations();
  const receiver = createReceiver({ ...(off.size === 0 ? { endpoints: endpoints() } : ablated(counter, off)), logger: silentLogger });
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
