/**
 * Where one Adobe delivery's time goes inside @countersign/core, without HTTP: each pipeline step timed alone
 * over many unique 2 kB notifications, then the whole `receiver.handle()`. The difference between the whole
 * and the sum of the steps is the pipeline's own glue (AbortController, time-budget timer, promise hops,
 * event object, dispatch).
 *
 *   cd bench && npx -y tsx --conditions=source core-steps.ts [--iterations=20000] [--rounds=5]
 *
 * Single-threaded and CPU-bound: run it on a quiet machine; the best round of each step is reported.
 */
import {
  adobeSign,
  createReceiver,
  memoryDedupe,
  memoryQueue,
  readHeaders,
  type DedupeStore,
  type DeliveryContext,
  type EventQueue,
  type Provider,
  type QueuedEvent,
  type Receiver,
} from '@countersign/core';
import { ADOBE_CLIENT_ID, adobeSmall, idGenerator } from './lib/payloads.js';

function arg(name: string, fallback: number): number {
  const raw = process.argv.slice(2).find((a) => a.startsWith(`--${name}=`));
  const value = raw === undefined ? fallback : Number(raw.slice(name.length + 3));
  if (!Number.isInteger(value) || value < 1 || value > 10_000_000) throw new Error(`--${name} must be a positive integer`);
  return value;
}

const ITERATIONS = arg('iterations', 20_000);
const ROUNDS = arg('rounds', 5);

const template = adobeSmall();
const nextId = idGenerator();
let counter = 0;
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const headers = {
  host: '127.0.0.1:3000',
  connection: 'keep-alive',
  'content-type': 'application/json',
  'x-adobesign-clientid': ADOBE_CLIENT_ID,
  'content-length': String(template.bytes),
};

/** Bodies prepared up front, so building them is not timed. */
function bodies(): Uint8Array[] {
  return Array.from({ length: ITERATIONS }, () => encoder.encode(template.prefix + nextId(++counter) + template.suffix));
}

/** A minimal delivery context, as the receiver builds it (lazy, cached text and JSON). */
function context(body: Uint8Array): DeliveryContext {
  let json: Record<string, unknown> | undefined;
  return {
    endpoint: 'adobe',
    method: 'POST',
    headers: readHeaders(headers),
    body,
    peerCertificate: undefined,
    signal: new AbortController().signal,
    text: () => decoder.decode(body),
    json: () => (json ??= JSON.parse(decoder.decode(body)) as Record<string, unknown>),
    jsonValue: () => (json ??= JSON.parse(decoder.decode(body)) as Record<string, unknown>),
    form: () => Promise.reject(new Error('not a form')),
    query: new URLSearchParams(),
    receivedAt: new Date(),
  };
}

type AdobeReceiver = Receiver<{ readonly adobe: Provider }>;

type Step = { name: string; prepare: () => unknown[]; run: (input: never) => unknown };

async function time(step: Step): Promise<number> {
  let best = Number.POSITIVE_INFINITY;
  for (let round = 0; round < ROUNDS; round++) {
    const inputs = step.prepare();
    const start = performance.now();
    let n = 0;
    for (const input of inputs) {
      const out = step.run(input as never);
      if (out instanceof Promise) await out;
      // Yield to the event loop now and then, as sockets do between requests: the memory queue starts handlers in a
      // later macrotask, and a loop that never yields would fill it (QUEUE_FULL) before any of them ran.
      if (++n % 100 === 0) await new Promise((resolve) => setImmediate(resolve));
    }
    best = Math.min(best, ((performance.now() - start) * 1000) / inputs.length);
  }
  return best;
}

async function main(): Promise<void> {
  const provider = adobeSign({ clientIds: [ADOBE_CLIENT_ID] });
  const dedupe = memoryDedupe();
  const queue = memoryQueue();
  queue.consume?.(() => Promise.resolve());
  const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: [ADOBE_CLIENT_ID] }) } });
  receiver.onAny(() => undefined);

  const contexts = (): DeliveryContext[] => bodies().map(context);
  const parsedContexts = (): DeliveryContext[] =>
    contexts().map((ctx) => {
      ctx.json();
      return ctx;
    });
  const events = (): QueuedEvent[] =>
    Array.from({ length: ITERATIONS }, () => {
      const key = nextId(++counter);
      return { id: `adobe:${key}`, endpoint: 'adobe', name: 'AGREEMENT_CREATED', topic: 'AGREEMENT', known: true, key, payload: {}, receivedAt: '' };
    });

  const facts = await provider.authenticate(context(bodies()[0] as Uint8Array));
  const steps: Step[] = [
    { name: 'UTF-8 decode + JSON.parse (ctx.json)', prepare: contexts, run: (ctx: DeliveryContext) => ctx.json() },
    { name: 'authenticate (client-id allow-list)', prepare: contexts, run: (ctx: DeliveryContext) => provider.authenticate(ctx) },
    { name: 'parse (zod schema, JSON already parsed)', prepare: parsedContexts, run: (ctx: DeliveryContext) => provider.parse(ctx, facts) },
    {
      name: 'memoryDedupe claim + commit',
      prepare: events,
      run: async (e: QueuedEvent) => {
        const claim = await dedupe.claim(e.id, 60_000);
        if (claim.status === 'claimed') await dedupe.commit(e.id, claim.token);
      },
    },
    { name: 'memoryQueue enqueue (handlers start later)', prepare: events, run: (e: QueuedEvent) => queue.enqueue({ ...e, id: `q${e.id}` }) },
    { name: 'acknowledge (echo header + JSON body)', prepare: contexts, run: (ctx: DeliveryContext) => provider.acknowledge(ctx, 'accepted', facts) },
  ];

  console.log(`@countersign/core, one unique ${template.bytes}-byte Adobe notification per call, best of ${ROUNDS} x ${ITERATIONS}:`);
  let sum = 0;
  for (const step of steps) {
    const us = await time(step);
    sum += us;
    console.log(`  ${us.toFixed(2).padStart(8)} µs  ${step.name}`);
  }
  const whole = await time({
    name: 'receiver.handle',
    prepare: bodies,
    run: async (body: Uint8Array) => {
      const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body });
      if (answer.status !== 200) throw new Error(`receiver.handle answered ${answer.status}: ${answer.body}`);
    },
  });
  console.log(`  ${sum.toFixed(2).padStart(8)} µs  sum of the steps`);
  const handleWith = async (label: string, make: () => AdobeReceiver): Promise<number> => {
    const r = make();
    r.onAny(() => undefined);
    const us = await time({
      name: label,
      prepare: bodies,
      run: async (body: Uint8Array) => {
        const answer = await r.handle({ method: 'POST', endpoint: 'adobe', headers, body });
        if (answer.status !== 200) throw new Error(`${label} answered ${answer.status}: ${answer.body}`);
      },
    });
    await r.close();
    return us;
  };
  // Ablations: the same pipeline with one part swapped for a no-op, to see what each costs in situ (GC included).
  const real = (): Provider => adobeSign({ clientIds: [ADOBE_CLIENT_ID] });
  const noZod = (): Provider => {
    const p = real();
    return { ...p, parse: (ctx) => ({ name: 'AGREEMENT_CREATED', topic: 'AGREEMENT', known: true, key: String(ctx.json()['webhookNotificationId']), payload: ctx.json() }) };
  };
  const trivial = (): Provider => ({
    kind: 'trivial',
    authenticate: () => undefined,
    parse: (ctx) => ({ name: 'E', known: false, key: String(ctx.json()['webhookNotificationId']), payload: ctx.json() }),
    acknowledge: () => ({ status: 200, headers: {}, body: '' }),
  });
  const nullDedupe = (): DedupeStore => ({
    claim: () => Promise.resolve({ status: 'claimed', token: 't' }),
    commit: () => Promise.resolve(),
    release: () => Promise.resolve(),
  });
  const nullQueue = (): EventQueue => ({
    enqueue: () => Promise.resolve(),
    deadLetters: () => Promise.resolve([]),
    replay: () => Promise.resolve(),
    close: () => Promise.resolve(),
  });
  const variants: Array<[string, () => AdobeReceiver]> = [
    ['full pipeline (as above)', () => createReceiver({ endpoints: { adobe: real() } })],
    ['  without zod (parse = JSON.parse only)', () => createReceiver({ endpoints: { adobe: noZod() } })],
    ['  with a no-op dedupe store', () => createReceiver({ endpoints: { adobe: real() }, dedupe: nullDedupe() })],
    ['  with a no-op queue (no dispatch)', () => createReceiver({ endpoints: { adobe: real() }, queue: nullQueue() })],
    ['  trivial provider + no-op dedupe + no-op queue', () => createReceiver({ endpoints: { adobe: trivial() }, dedupe: nullDedupe(), queue: nullQueue() })],
  ];
  console.log('receiver.handle() with parts swapped for no-ops:');
  for (const [label, make] of variants) console.log(`  ${(await handleWith(label, make)).toFixed(2).padStart(8)} µs  ${label}`);
  console.log(`  ${whole.toFixed(2).padStart(8)} µs  receiver.handle() end to end (bytes in, answer out, handler run)`);
  console.log(`  ${(whole - sum).toFixed(2).padStart(8)} µs  pipeline glue (whole - steps)`);
  await receiver.close();
  await queue.close();
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
