/**
 * A typed wrapper around autocannon's programmatic API (the package ships no types; only what the bench uses
 * is described here). Latencies are also recorded at full precision from the `response` events, because
 * autocannon's own histogram keeps whole milliseconds.
 *
 * Request bytes: autocannon's `setupRequest` rebuilds the whole request (headers, Buffer.concat) for every
 * request, which costs the load generator two thirds of its throughput on 2 kB bodies (measured: ~29k -> ~9k
 * req/s against a bare node:http server). Instead each client gets its own generator through `setupClient`,
 * which hands autocannon ready-made request bytes (`client.getRequestBuffer`), e.g. one buffer per connection
 * with a fresh notification id patched in place. With pipelining 1 a connection sends its next request only
 * after the previous answer arrived, so the previous bytes were fully written by then.
 */
import type { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';

interface AutocannonOptions {
  url: string;
  connections: number;
  pipelining: number;
  duration: number;
  setupClient: (client: AutocannonClient) => void;
  overallRate?: number;
  ignoreCoordinatedOmission?: boolean;
  timeout?: number;
}

interface Percentiles {
  average: number;
  mean: number;
  stddev: number;
  min: number;
  max: number;
  p50: number;
  p99: number;
  total: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  requests: Percentiles & { sent: number };
  latency: Percentiles;
}

/** The per-connection client autocannon passes to `setupClient`. */
interface AutocannonClient {
  getRequestBuffer: () => Buffer;
}

type Autocannon = (options: AutocannonOptions, done: (error: Error | null, result: AutocannonResult) => void) => EventEmitter & { stop(): void };

const require = createRequire(import.meta.url);
const autocannon = require('autocannon') as Autocannon;

export interface LoadOptions {
  url: string;
  seconds: number;
  connections: number;
  /** Requests per second over all connections; 0 or absent = as fast as the server answers. */
  rate?: number;
  /** Called once per connection; returns that connection's generator of complete HTTP/1.1 request bytes. */
  client: () => () => Buffer;
}

export interface LoadResult {
  /** 2xx answers per second over the whole run. */
  rps: number;
  ok: number;
  non2xx: number;
  errors: number;
  timeouts: number;
  statusCodes: Record<string, number>;
  /** Latency percentiles of the 2xx answers, in ms with sub-millisecond precision. */
  p50: number;
  p99: number;
  max: number;
  seconds: number;
}

const MAX_SAMPLES = 4_000_000;

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

/** One autocannon run; resolves with throughput and precise latency percentiles. */
export function load(options: LoadOptions): Promise<LoadResult> {
  let samples = new Float64Array(65_536);
  let count = 0;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: options.url,
        connections: options.connections,
        pipelining: 1,
        duration: options.seconds,
        setupClient: (client) => {
          client.getRequestBuffer = options.client();
        },
        timeout: 30,
        ...(options.rate ? { overallRate: options.rate, ignoreCoordinatedOmission: true } : {}),
      },
      (error, result) => {
        if (error) {
          reject(error);
          return;
        }
        const sorted = samples.subarray(0, count).sort();
        const statusCodes: Record<string, number> = {};
        for (const [code, { count: n }] of Object.entries(result.statusCodeStats)) statusCodes[code] = n;
        resolve({
          rps: result['2xx'] / result.duration,
          ok: result['2xx'],
          non2xx: result.non2xx,
          errors: result.errors,
          timeouts: result.timeouts,
          statusCodes,
          p50: percentile(sorted, 50),
          p99: percentile(sorted, 99),
          max: sorted.length > 0 ? (sorted[sorted.length - 1] ?? Number.NaN) : Number.NaN,
          seconds: result.duration,
        });
      },
    );
    instance.on('response', (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      if (statusCode < 200 || statusCode > 299 || count >= MAX_SAMPLES) return;
      if (count === samples.length) {
        const grown = new Float64Array(Math.min(MAX_SAMPLES, samples.length * 2));
        grown.set(samples);
        samples = grown;
      }
      samples[count++] = responseTime;
    });
  });
}
