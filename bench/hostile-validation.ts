/**
 * Hostile validation: what one body full of invalid items costs the receiver, and what it does to the valid
 * deliveries that arrive meanwhile. In process (receiver.handle), no HTTP: the figure is the core's own work.
 *
 *   pnpm --filter @countersign/bench exec tsx hostile-validation.ts        (or: node --import tsx bench/hostile-validation.ts)
 *
 * Prints, for a body of 280 000 invalid participant sets (~0.6 MB) sent 5 times: the time to refuse each, the
 * size of the answer, and the latency of 200 valid 2 kB deliveries due one per millisecond meanwhile, counted from
 * when each was due (p50 / p99 / max).
 */
import { performance } from 'node:perf_hooks';
import { adobeSign, createReceiver, memoryQueue } from '@countersign/core';

const CLIENT_ID = 'CBJCHBCAABAAbench';
const HOSTILE_ITEMS = Number(process.env['HOSTILE_ITEMS'] ?? 280_000);
const HOSTILE_COPIES = 5;
const VALID = 200;

const headers = { 'content-type': 'application/json', 'x-adobesign-clientid': CLIENT_ID };
const hostileBody = JSON.stringify({
  event: 'AGREEMENT_CREATED',
  webhookNotificationId: 'hostile',
  agreement: { id: 'a', participantSetsInfo: { participantSets: Array.from({ length: HOSTILE_ITEMS }, () => 1) } },
});
const validBody = (i: number): string =>
  JSON.stringify({
    event: 'AGREEMENT_CREATED',
    webhookNotificationId: `valid-${i}`,
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

const queue = memoryQueue();
const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) }, queue });
receiver.onAny(() => undefined);

const refusals: Array<{ ms: number; status: number; bytes: number }> = [];
const latencies: number[] = [];
const hostile = Array.from({ length: HOSTILE_COPIES }, async (_, i) => {
  await new Promise((resolve) => setTimeout(resolve, i * 20));
  const start = performance.now();
  const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body: hostileBody });
  refusals.push({ ms: performance.now() - start, status: answer.status, bytes: answer.body.length });
});
const t0 = performance.now();
const valid = Array.from({ length: VALID }, async (_, i) => {
  await new Promise((resolve) => setTimeout(resolve, i));
  const start = t0 + i; // when it was due: a stalled event loop delays the send itself

  const answer = await receiver.handle({ method: 'POST', endpoint: 'adobe', headers, body: validBody(i) });
  if (answer.status !== 200) throw new Error(`a valid delivery got ${answer.status}: ${answer.body}`);
  latencies.push(performance.now() - start);
});
const wall = performance.now();
await Promise.all([...hostile, ...valid]);
const elapsed = performance.now() - wall;
await receiver.close();

latencies.sort((a, b) => a - b);
const refuse = refusals.map((r) => r.ms).sort((a, b) => a - b);
console.log(`hostile body: ${(hostileBody.length / 1024).toFixed(0)} kB, ${HOSTILE_ITEMS} invalid items, sent ${HOSTILE_COPIES} times`);
console.log(`  refused with ${refusals[0]?.status}, answer ${(refusals[0]?.bytes ?? 0).toLocaleString('en')} bytes, ${refuse.map((ms) => ms.toFixed(0)).join(' / ')} ms each`);
console.log(`valid deliveries meanwhile (${VALID}): p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms`);
console.log(`wall time ${elapsed.toFixed(0)} ms`);
