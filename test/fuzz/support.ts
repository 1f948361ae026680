/**
 * The fuzzing harness: run counts and seeds from the environment, one `it()` per property with a reproducible
 * report, the invariants every answer must keep, a capturing logger, and one delivery through a fresh receiver.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { createReceiver, ErrorCodes, type DeliveryOutcome, type Endpoints, type Logger, type ReceiverObserver, type WebhookRequest, type WebhookResponse } from '@countersign/core';

// ---------------------------------------------------------------------------------------------------------------
// Runs and seeds

function envInteger(name: string): number | undefined {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === '') return undefined;
  const value = Number(raw);
  if (!Number.isSafeInteger(value)) throw new Error(`${name} must be an integer (got ${JSON.stringify(raw)}).`);
  return value;
}

/** Runs of a light property (`FUZZ_RUNS`, default 40). */
export const FUZZ_RUNS = Math.max(1, envInteger('FUZZ_RUNS') ?? 40);
/** A fixed seed for every property (`FUZZ_SEED`), to replay a reported failure. */
const FUZZ_SEED = envInteger('FUZZ_SEED');
/** Print the runs slower than this many ms (`FUZZ_PROFILE`), to see where the time goes. */
const FUZZ_PROFILE_MS = envInteger('FUZZ_PROFILE');
/** The counterexample path fast-check reported (`FUZZ_PATH`), to replay straight to the shrunk failure. */
const FUZZ_PATH = process.env.FUZZ_PATH?.trim() || undefined;

/** Runs of a heavy property, when set (`FUZZ_HEAVY_RUNS`); otherwise derived from `FUZZ_RUNS`. */
const FUZZ_HEAVY_RUNS = envInteger('FUZZ_HEAVY_RUNS');

/**
 * Runs of a property: light ones run `FUZZ_RUNS` times; heavy ones (multi-megabyte bodies, 300,000-item arrays,
 * up to seconds each) one in 40 of that, between 1 and 100, unless `FUZZ_HEAVY_RUNS` says otherwise.
 */
export function runsFor(weight: 'light' | 'heavy'): number {
  if (weight === 'light') return FUZZ_RUNS;
  return Math.max(1, FUZZ_HEAVY_RUNS ?? Math.min(100, Math.max(1, Math.round(FUZZ_RUNS / 40))));
}

/**
 * One property as one test. A failure reports fast-check's shrunk counterexample, its seed and path, and the
 * command that replays it.
 */
export function property<T>(
  name: string,
  arbitrary: fc.Arbitrary<T>,
  predicate: (value: T) => Promise<void>,
  options: { weight?: 'light' | 'heavy' } = {},
): void {
  const numRuns = runsFor(options.weight ?? 'light');
  it(
    name,
    async () => {
      const file = (expect.getState().testPath ?? 'test/fuzz').replace(/^.*?(test\/fuzz\/)/, '$1');
      const parameters: fc.Parameters<[T]> = { numRuns };
      if (FUZZ_SEED !== undefined) parameters.seed = FUZZ_SEED;
      if (FUZZ_PATH !== undefined) parameters.path = FUZZ_PATH;
      const timed = async (value: T): Promise<void> => {
        const start = performance.now();
        try {
          await predicate(value);
        } finally {
          const ms = performance.now() - start;
          if (FUZZ_PROFILE_MS !== undefined && ms > FUZZ_PROFILE_MS) process.stderr.write(`fuzz: ${Math.round(ms)} ms, ${name}: ${fc.stringify(value).slice(0, 600)}\n`);
        }
      };
      const details = await fc.check(fc.asyncProperty(arbitrary, timed), parameters);
      if (!details.failed) return;
      const replay =
        `Replay: FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''} FUZZ_RUNS=${FUZZ_RUNS} ` +
        `npx -y pnpm@10.34.8 exec vitest run ${file} -t ${JSON.stringify(name)}`;
      const error = details.errorInstance;
      const observed = error instanceof PropertyViolation ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
      throw new Error(`${replay}\nObserved: ${observed}\n${(await fc.asyncDefaultReportMessage(details)) ?? 'property failed'}`);
    },
    // A safety net only: a hang fails the run itself (see `bounded`) long before this.
    30 * 60_000,
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Invariants

/** The 5xx answers the contract documents: all 503, all "retry later". */
export const UNAVAILABLE_CODES: ReadonlySet<string> = new Set([
  'VERIFICATION_UNAVAILABLE',
  'DUPLICATE_IN_FLIGHT',
  'TIMEOUT',
  'DEDUPE_UNAVAILABLE',
  'QUEUE_UNAVAILABLE',
  'QUEUE_FULL',
  'SHUTTING_DOWN',
]);

/** Largest error body a refusal may have, whatever was sent (validation issues are capped). */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;
/** Largest serialized log record, whatever was sent. */
export const MAX_LOG_RECORD_BYTES = 4 * 1024;

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const FIELD_VALUE = /^[\t\x20-\x7e\x80-\xff]*$/;

export class PropertyViolation extends Error {
  override readonly name = 'PropertyViolation';
}

function clip(text: string, max = 300): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

export interface Answer {
  status: number;
  headers: Readonly<Record<string, string | readonly string[] | undefined>>;
  body: string;
}

/** The answer in a few lines, for failure messages. */
export function describeAnswer(answer: Answer): string {
  const headers = Object.entries(answer.headers).map(([name, value]) => `${JSON.stringify(name)}: ${clip(JSON.stringify(value ?? null), 200)}`);
  return `HTTP ${answer.status} {${headers.join(', ')}} body ${clip(JSON.stringify(answer.body))}`;
}

function fail(what: string, answer: Answer): never {
  throw new PropertyViolation(`${what}\n  answer: ${describeAnswer(answer)}`);
}

/** The coded error of a refusal, checked: `{"error":{"code","message"}}` with a code from `ErrorCodes`. */
export function errorOf(answer: Answer): { code: string; message: string } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(answer.body);
  } catch {
    fail('a non-2xx answer whose body is not JSON', answer);
  }
  const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  const { code, message } = (typeof error === 'object' && error !== null ? error : {}) as { code?: unknown; message?: unknown };
  if (typeof code !== 'string' || typeof message !== 'string') fail('a non-2xx answer without {"error":{"code","message"}}', answer);
  if (!Object.hasOwn(ErrorCodes, code)) fail(`a non-2xx answer with an unknown code ${JSON.stringify(code)}`, answer);
  return { code, message };
}

/**
 * What every answer keeps, whatever was sent: a real status, no 5xx but the documented 503s, every refusal a
 * coded JSON error of bounded size (HEAD answers carry no body).
 */
export function checkAnswer(answer: Answer, method: string): void {
  if (!Number.isInteger(answer.status) || answer.status < 200 || answer.status > 599) fail('an answer with an impossible status', answer);
  if (answer.status >= 200 && answer.status < 300) return;
  if (method.toUpperCase() === 'HEAD') return;
  const { code } = errorOf(answer);
  if (answer.status >= 500 && !(answer.status === 503 && UNAVAILABLE_CODES.has(code))) fail(`an undocumented ${answer.status} (${code})`, answer);
  const size = new TextEncoder().encode(answer.body).byteLength;
  if (size > MAX_ERROR_BODY_BYTES) fail(`a refusal body of ${size} bytes (more than ${MAX_ERROR_BODY_BYTES})`, answer);
}

/** Every response header a valid HTTP field: a token name, a value of HTAB, visible ASCII, SP or obs-text only. */
export function checkHeaders(answer: Answer): void {
  for (const [name, value] of Object.entries(answer.headers)) {
    if (!TOKEN.test(name)) fail(`an invalid response header name ${JSON.stringify(name)}`, answer);
    for (const one of value === undefined ? [] : typeof value === 'string' ? [value] : value) {
      if (typeof one !== 'string' || !FIELD_VALUE.test(one)) fail(`an invalid value of response header ${name}: ${clip(JSON.stringify(one), 200)}`, answer);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Logs

export interface LogRecord {
  level: 'debug' | 'info' | 'warn' | 'error';
  obj: object;
  msg: string | undefined;
}

function errorFields(error: Error, depth: number): Record<string, unknown> {
  const out: Record<string, unknown> = { type: error.name, message: error.message };
  const code = (error as { code?: unknown }).code;
  if (code !== undefined) out.code = code;
  if (error.cause instanceof Error && depth < 3) out.cause = errorFields(error.cause, depth + 1);
  return out;
}

/** A record as a JSON log line (errors by type, message, code and cause, as pino's serializer has them, without the stack). */
export function serializeRecord(record: LogRecord): string {
  const seen = new WeakSet<object>();
  return JSON.stringify({ level: record.level, ...record.obj, msg: record.msg }, (_key, value: unknown) => {
    if (value instanceof Error) return errorFields(value, 0);
    if (typeof value === 'bigint') return String(value);
    if (typeof value === 'object' && value !== null) {
      if (seen.has(value)) return '[Circular]';
      seen.add(value);
    }
    return value;
  });
}

/** A pino-shaped logger that keeps every record. */
export function capturingLogger(): { logger: Logger; records: LogRecord[] } {
  const records: LogRecord[] = [];
  const at =
    (level: LogRecord['level']) =>
    (obj: object, msg?: string): void => {
      records.push({ level, obj, msg });
    };
  return { logger: { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error') }, records };
}

/** Run every check, then report every invariant that broke (so one broken invariant does not hide another). */
export function checkAll(checks: Record<string, () => void>): void {
  const broken: string[] = [];
  for (const [invariant, check] of Object.entries(checks)) {
    try {
      check();
    } catch (error) {
      if (!(error instanceof PropertyViolation)) throw error;
      broken.push(`[${invariant}] ${error.message}`);
    }
  }
  if (broken.length > 0) throw new PropertyViolation(broken.join('\n'));
}

/** Every log line under `MAX_LOG_RECORD_BYTES`. */
export function checkLogLines(lines: readonly string[]): void {
  const encoder = new TextEncoder();
  for (const line of lines) {
    const size = encoder.encode(line).byteLength;
    if (size >= MAX_LOG_RECORD_BYTES) throw new PropertyViolation(`a log record of ${size} bytes (must be under ${MAX_LOG_RECORD_BYTES}): ${clip(line, 400)}`);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Settling

/** `promise`, or a failure if it has not settled within `ms`: a hang is a failure, not a slow test. */
export async function bounded<T>(what: string, promise: Promise<T>, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PropertyViolation(`${what} did not settle within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, limit]);
  } finally {
    clearTimeout(timer);
  }
}

export interface Outcome {
  answer: WebhookResponse;
  /** Handler calls the delivery caused (counted once the receiver closed, so queued handlers ran). */
  dispatched: number;
  /**
   * Events of the delivery that were acknowledged but did not match their full schema: validated before the
   * handlers, they became dead letters (`onError` heard them), never handled.
   */
  deadLettered: number;
  /** How the receiver says the delivery ended, and how many of its events it queued (none for a verification ping). */
  delivery: DeliveryReport;
}

export interface DeliveryReport {
  outcome: DeliveryOutcome | undefined;
  queued: number;
}

/** An observer that reports how the receiver's (one) delivery ended: its outcome and the events it queued. */
export function deliveryReporter(): { observer: ReceiverObserver; report: DeliveryReport } {
  const report: DeliveryReport = { outcome: undefined, queued: 0 };
  const observer: ReceiverObserver = {
    delivery: () => ({
      end(result) {
        report.outcome = result.outcome;
        report.queued = result.events.filter((event) => event.dedupe === 'queued').length;
      },
    }),
  };
  return { observer, report };
}

/**
 * One delivery through a fresh receiver (fresh dedupe and queue), closed afterwards. Fails if `handle()` throws,
 * rejects or does not settle.
 */
export async function deliverOnce(endpoints: Endpoints, request: WebhookRequest, options: { logger: Logger; maxBodyBytes?: number | undefined }): Promise<Outcome> {
  const { observer, report } = deliveryReporter();
  const receiver = createReceiver({ endpoints, logger: options.logger, maxBodyBytes: options.maxBodyBytes, observers: [observer] });
  let dispatched = 0;
  let deadLettered = 0;
  receiver.onAny(() => {
    dispatched += 1;
  });
  // The counting handler never fails: what onError hears is a payload that failed its schema.
  receiver.onError(() => {
    deadLettered += 1;
  });
  let answer: WebhookResponse;
  try {
    let handling: Promise<WebhookResponse>;
    try {
      handling = receiver.handle(request);
    } catch (error) {
      throw new PropertyViolation(`receiver.handle() threw synchronously: ${describeError(error)}`);
    }
    try {
      answer = await bounded('receiver.handle()', handling);
    } catch (error) {
      if (error instanceof PropertyViolation) throw error;
      throw new PropertyViolation(`receiver.handle() rejected: ${describeError(error)}`);
    }
  } finally {
    // Waits for the delivery's work and for the handlers of what it queued.
    await bounded('receiver.close()', receiver.close(), 30_000);
  }
  return { answer, dispatched, deadLettered, delivery: report };
}

function describeError(error: unknown): string {
  return error instanceof Error ? clip(error.stack ?? error.message, 2000) : clip(String(error));
}

// ---------------------------------------------------------------------------------------------------------------
// HTTP

export interface WireAnswer extends Answer {
  headers: http.IncomingHttpHeaders;
}

/** A keep-alive agent for one test file; destroy it in `afterAll`. */
export function httpAgent(): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: 4 });
}

/**
 * One request over a real socket (headers may repeat: an array value sends several lines). A dropped socket or
 * no answer within the bound is a failure.
 */
export function httpRequest(
  agent: http.Agent,
  url: string,
  request: { method: string; headers: Record<string, string | string[]>; body: Uint8Array },
  ms = 20_000,
): Promise<WireAnswer> {
  const answered = new Promise<WireAnswer>((resolve, reject) => {
    const headers: http.OutgoingHttpHeaders = { ...request.headers, 'content-length': String(request.body.byteLength) };
    const req = http.request(url, { method: request.method, headers, agent }, (res) => {
      const chunks: Uint8Array[] = [];
      res.on('data', (chunk: Uint8Array) => chunks.push(chunk));
      res.on('error', (error) => reject(new PropertyViolation(`the answer was cut: ${error.message}`)));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', (error) => reject(new PropertyViolation(`no HTTP answer, the socket failed: ${error.message}`)));
    req.end(request.body);
  });
  return bounded(`the HTTP answer to ${request.method} ${url}`, answered, ms);
}

/** Listen on 127.0.0.1, port 0. */
export async function listen(server: http.Server): Promise<{ origin: string; close(): Promise<void> }> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
