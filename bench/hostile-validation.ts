/**
 * Hostile payloads since validation left the acknowledgement path (issue 11): a body whose envelope is fine but
 * whose content is built to make the full validation slow (280 000 invalid participant sets, ~0.6 MB) is
 * acknowledged like any delivery, then fails `validate` before the handlers and becomes a dead letter. What
 * matters now: that valid deliveries arriving meanwhile are still acknowledged promptly (the hostile work runs
 * after answers, on the event loop they share), that every hostile copy ends as a dead letter with bounded issues,
 * and that the process never freezes (the longest event-loop stall). In process (receiver.handle), no HTTP.
 *
 *   cd bench && npx -y tsx --conditions=source hostile-validation.ts     (HOSTILE_ITEMS, HOSTILE_COPIES, VALID to change sizes)
 *
 * Prints: the hostile copies' acknowledgement times; the acknowledgement latency of the valid 2 kB deliveries due one
 * per millisecond meanwhile, counted from when each was due (p50 / p99 / max), beside the same valid load with no
 * hostile body; the dead letters and the size of their issues; the longest event-loop stall.
 */
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { adobeSign, createReceiver, memoryQueue, silentLogger } from '@countersign/core';

const CLIENT_ID = 'CBJCHBCAABAAbench';
const HOSTILE_ITEMS = Number(process.env['HOSTILE_ITEMS'] ?? 280_000);
const HOSTILE_COPIES = Number(process.env['HOSTILE_COPIES'] ?? 5);
const VALID = Number(process.env['VALID'] ?? 500);

const headers = { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID };
const hostileBody = (i: number): string =>
  JSON.stringify({
    event: 'AGREEMENT_CREATED',
    webhookNotificationId: `hostile-${i}`,
    agreement: { id: 'a', participantSetsInfo: { participantSets: Array.from({ length: HOSTILE_ITEMS }, () => 1) } },
  });
const validBody = (run: string, i: number): string =>
  JSON.stringify({
    event: 'AGREEMENT_CREATED',
    webhookNotificationId: `${run}-valid-${i}`,
    agreement: {
      id: `agreement-${i}`,
      name: 'Contract',
      status: 'OUT_FOR_SIGNATURE',
      participantSetsInfo: { participantSets: [{ order: 1, role: 'SIGNER', memberInfos: [{ email: 'a@example.com', name: 'A' }] }] },
      note: 'x'.repeat(1500),
    },
  });

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] as number;
}

interface Outcome {
  valid: number[];
  hostile: number[];
  handled: number;
  deadLetters: Array<{ id: string; code: string | undefined; issues: number; bytes: number }>;
  maxStallMs: number;
  wallMs: number;
}

let runs = 0;

async function scenario(withHostile: boolean): Promise<Outcome> {
  const queue = memoryQueue();
  const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) }, queue, logger: silentLogger });
  let handled = 0;
  receiver.onAny(() => {
    handled += 1;
  });
  const run = `${withHostile ? 'h' : 'c'}${++runs}`;
  const hostileAcks: number[] = [];
  const validAcks: number[] = [];
  const bodies = withHostile ? Array.from({ length: HOSTILE_COPIES }, (_, i) => hostileBody(i)) : [];
  const valids = Array.from({ length: VALID }, (_, i) => validBody(run, i)); // built before the clock starts
  const stall = monitorEventLoopDelay({ resolution: 1 });
  stall.enable();
  const wall = performance.now();
  const hostile = bodies.map(async (body, i) => {
        await new Promise((resolve) => setTimeout(resolve, i * 20));
        const start = performance.now();
        const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body });
        if (answer.status !== 200) throw new Error(`a hostile copy was answered ${answer.status} (expected 200, then a dead letter): ${answer.body}`);
        hostileAcks.push(performance.now() - start);
      });
  const t0 = performance.now();
  const valid = Array.from({ length: VALID }, async (_, i) => {
    await new Promise((resolve) => setTimeout(resolve, i));
    const due = t0 + i; // a stalled event loop delays the send itself: counted
    const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body: valids[i] as string });
    if (answer.status !== 200) throw new Error(`a valid delivery got ${answer.status}: ${answer.body}`);
    validAcks.push(performance.now() - due);
  });
  await Promise.all([...hostile, ...valid]);
  await queue.idle();
  const wallMs = performance.now() - wall;
  stall.disable();
  const letters = await receiver.deadLetters();
  await receiver.close();
  return {
    valid: validAcks.sort((a, b) => a - b),
    hostile: hostileAcks.sort((a, b) => a - b),
    handled,
    deadLetters: letters.map((l) => ({
      id: l.id,
      code: l.error.code,
      issues: Array.isArray(l.error.details) ? l.error.details.length : 0,
      bytes: JSON.stringify(l.error).length,
    })),
    maxStallMs: stall.max / 1e6,
    wallMs,
  };
}

const fmt = (ms: number): string => ms.toFixed(1);
await scenario(false); // warm-up (JIT): not reported
const control = await scenario(false);
const attacked = await scenario(true);
console.log(`hostile body: ${(hostileBody(0).length / 1024).toFixed(0)} kB, ${HOSTILE_ITEMS} invalid participant sets, ${HOSTILE_COPIES} copies (other ids) 20 ms apart`);
console.log(`  acknowledged (200) in ${attacked.hostile.map(fmt).join(' / ')} ms each`);
const letters = attacked.deadLetters;
const hostileLetters = letters.filter((l) => l.id.includes('hostile-'));
console.log(
  `  dead letters: ${hostileLetters.length} of ${HOSTILE_COPIES} (${[...new Set(hostileLetters.map((l) => l.code))].join(', ')}), ` +
    `at most ${Math.max(0, ...hostileLetters.map((l) => l.issues))} issues and ${Math.max(0, ...hostileLetters.map((l) => l.bytes)).toLocaleString('en')} bytes of error each; ` +
    `other dead letters: ${letters.length - hostileLetters.length}`,
);
for (const [label, o] of [
  ['without hostile bodies', control],
  ['with hostile bodies', attacked],
] as const) {
  console.log(
    `valid 2 kB deliveries (${VALID}, one per ms) ${label}: ack p50 ${fmt(percentile(o.valid, 50))} ms, p99 ${fmt(percentile(o.valid, 99))} ms, ` +
      `max ${fmt(o.valid.at(-1) ?? 0)} ms; ${o.handled} handled; longest event-loop stall ${fmt(o.maxStallMs)} ms; wall ${o.wallMs.toFixed(0)} ms`,
  );
}
if (hostileLetters.length !== HOSTILE_COPIES || attacked.handled !== VALID || control.handled !== VALID) {
  console.error('UNEXPECTED: every hostile copy must be a dead letter and every valid delivery handled once');
  process.exitCode = 1;
}
