/**
 * Deliveries built from specs, the checks on what a delivery caused, and the properties every provider keeps.
 */
import fc from 'fast-check';
import { expect, it, vi } from 'vitest';
import { isCountersignError, jsonLogger, type Logger, type Provider } from '@countersign/core';
import { runContext, type Kit, type RunContext, type FixtureFile } from './kits.js';
import {
  applyByteEdits,
  applyHeaderEdits,
  applyJsonEdits,
  bodyForm,
  bodyInput,
  bodySpec,
  credentialHeaderOp,
  endpointForm,
  endpointPath,
  headerEdits,
  hostileText,
  hugeText,
  jsonEdit,
  lightHostile,
  manyItems,
  maxBodyBytes,
  method,
  serialize,
  type BodyForm,
  type BodySpec,
  type ByteEdit,
  type CredentialHeaderOp,
  type EndpointForm,
  type HeaderEdit,
  type HeaderRecord,
  type JsonEdit,
} from './mutations.js';
import {
  capturingLogger,
  checkAll,
  checkAnswer,
  checkHeaders,
  checkLogLines,
  deliverOnce,
  property,
  PropertyViolation,
  serializeRecord,
  type Answer,
  type DeliveryReport,
  type Outcome,
} from './support.js';

export interface DeliverySpec<C> {
  fixture: number;
  body: BodySpec;
  headers: HeaderEdit[];
  credential: C;
  op: CredentialHeaderOp;
  method: string;
  endpoint: EndpointForm;
  form: BodyForm;
  maxBodyBytes: number | undefined;
}

export function deliverySpec<C>(
  kit: Kit<C>,
  options: { wire: boolean; body?: fc.Arbitrary<BodySpec>; credential?: fc.Arbitrary<C>; method?: fc.Arbitrary<string>; plain?: boolean },
): fc.Arbitrary<DeliverySpec<C>> {
  const plain = options.plain === true;
  return fc.record({
    fixture: fc.nat({ max: kit.fixtures.length - 1 }),
    body: options.body ?? bodySpec(),
    headers: plain ? fc.constant([]) : headerEdits({ wire: options.wire }),
    credential: options.credential ?? kit.credential,
    op: plain ? fc.constant<CredentialHeaderOp>('none') : credentialHeaderOp,
    method: options.method ?? (plain ? fc.constant('POST') : method({ wire: options.wire })),
    endpoint: options.wire || plain ? fc.constant<EndpointForm>('plain') : endpointForm,
    form: bodyForm,
    maxBodyBytes: options.wire || plain ? fc.constant(undefined) : maxBodyBytes,
  });
}

export interface Built {
  fixture: FixtureFile;
  method: string;
  headers: HeaderRecord;
  body: Uint8Array;
  /** The query string sent after the path (PandaDoc's `signature=`), when the kit puts its credential there. */
  query: string | undefined;
  /** Whether the delivery carries the correct credential; when not, it must never be dispatched. */
  credentialed: boolean;
  /** Whether one delivery may carry several events (each queued, and dispatched, on its own). */
  batch: boolean;
}

function bodyBytes<C>(kit: Kit<C>, spec: DeliverySpec<C>, fixture: FixtureFile, run: RunContext): Uint8Array {
  const encoder = new TextEncoder();
  const deep: string[] = [];
  const document = (value: unknown): Uint8Array => {
    const withCredential = kit.bodyCredential ? kit.bodyCredential(value, spec.credential, fixture, run) : value;
    const collapsed = kit.collapse ? kit.collapse(withCredential, (inner) => serialize(inner, deep)) : withCredential;
    const json = serialize(collapsed, deep);
    return encoder.encode(kit.wrapBody ? kit.wrapBody(json, fixture) : json);
  };
  const { body } = spec;
  switch (body.kind) {
    case 'fixture': {
      // Untouched documents keep the fixture's exact bytes (its spacing, its escapes).
      if (body.json.length === 0 && kit.bodyCredential === undefined) return applyByteEdits(encoder.encode(fixture.request.body), body.bytes);
      const parsed: unknown = kit.parseBody ? kit.parseBody(fixture) : JSON.parse(fixture.request.body);
      const expanded = kit.expand ? kit.expand(parsed) : parsed;
      return applyByteEdits(document(applyJsonEdits(expanded, body.json, deep)), body.bytes);
    }
    case 'document':
      return document(structuredClone(body.value));
    case 'raw':
      return body.bytes;
    case 'empty':
      return new Uint8Array(0);
    case 'blank':
      return encoder.encode(body.text);
  }
}

/** The delivery a spec describes: bytes, headers, the credential computed over them, and whether it is the correct one. */
export async function build<C>(kit: Kit<C>, spec: DeliverySpec<C>, run: RunContext): Promise<Built> {
  const fixture = kit.fixtures[spec.fixture % kit.fixtures.length] as FixtureFile;
  const body = bodyBytes(kit, spec, fixture, run);
  const base: HeaderRecord = {};
  for (const [name, value] of Object.entries(fixture.request.headers)) if (!kit.credentialHeaders.includes(name.toLowerCase())) base[name] = value;
  const headers = applyHeaderEdits(base, spec.headers, body.byteLength);
  const input = { fixture, credential: spec.credential, op: spec.op, method: spec.method, headers, body, run };
  await kit.headerCredential?.(input);
  const query = kit.queryCredential?.(input);
  return { fixture, method: spec.method, headers, body, query, credentialed: kit.credentialed(input), batch: kit.batch === true };
}

/**
 * What a delivery may cause: nothing dispatched (nor dead-lettered) without the correct credential (nor a 2xx to a
 * POST); at most one dispatch; a 2xx to a POST is exactly one event that was either dispatched or, when its payload
 * fails the full schema (checked before the handlers, not before the acknowledgement), dead-lettered (the receiver
 * is fresh, so never a duplicate); a 4xx none. A verification ping the platform sends (answered, nothing queued)
 * reaches nothing; a batch (PandaDoc's array) reaches the handlers once per event it queued.
 */
export function checkDispatch(
  built: Built,
  outcome: { answer: Answer; dispatched: number; deadLettered: number; delivery?: DeliveryReport | undefined },
  run?: RunContext,
): void {
  const { answer, dispatched, deadLettered } = outcome;
  const post = built.method.toUpperCase() === 'POST';
  const ok = answer.status >= 200 && answer.status < 300;
  const say = (what: string): never => {
    throw new PropertyViolation(`${what} (dispatched ${dispatched}×, dead-lettered ${deadLettered}×, HTTP ${answer.status} ${answer.body.slice(0, 300)})`);
  };
  const reached = dispatched + deadLettered;
  if (!built.credentialed && reached > 0) say('a delivery without the correct credential reached the handlers (or the dead letters)');
  if (!built.credentialed && post && ok) say('a delivery without the correct credential was acknowledged');
  if (run !== undefined && reached > 0 && run.verifier.accepted === 0 && built.fixture.provider === 'ignisign') {
    say('an Ignisign delivery reached the handlers (or the dead letters) without its token being verified');
  }
  if (!built.batch && reached > 1) say('one delivery reached the handlers (or the dead letters) more than once');
  if (!post && reached > 0) say(`a ${built.method} request reached the handlers (or the dead letters)`);
  const report = outcome.delivery;
  if (report?.outcome === 'answered') {
    if (reached > 0) say('a verification ping (answered, nothing queued) reached the handlers (or the dead letters)');
  } else if (built.batch) {
    const queued = report?.queued ?? 0;
    if (post && ok && (queued < 1 || reached !== queued)) say(`an acknowledged batch that queued ${queued} event(s) was not dispatched (or dead-lettered) once per event`);
  } else if (post && ok && reached !== 1) say('an acknowledged POST was not dispatched (or dead-lettered) exactly once');
  if (answer.status >= 400 && answer.status < 500 && reached > 0) say('a refused (4xx) delivery reached the handlers (or the dead letters)');
}

export interface Delivered {
  built: Built;
  run: RunContext;
  outcome: Outcome;
}

/** Build a spec's delivery and put it through a fresh receiver via `handle()`. */
export async function handleSpec<C>(kit: Kit<C>, spec: DeliverySpec<C>, logger: Logger): Promise<Delivered> {
  const run = runContext();
  const built = await build(kit, spec, run);
  const provider: Provider = kit.provider(built.fixture, run);
  const request = { method: built.method, endpoint: endpointPath(kit.endpoint, spec.endpoint), headers: built.headers, body: bodyInput(built.body, spec.form), query: built.query };
  const outcome = await deliverOnce({ [kit.endpoint]: provider }, request, { logger, maxBodyBytes: spec.maxBodyBytes });
  return { built, run, outcome };
}

/** Log lines as `jsonLogger` writes them, captured from `console.error` while `work` runs. */
export async function withJsonLogger<T>(work: (logger: Logger) => Promise<T>): Promise<{ result: T; lines: string[] }> {
  const lines: string[] = [];
  const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => {
    lines.push(args.map(String).join(' '));
  });
  try {
    const result = await work(jsonLogger('debug'));
    return { result, lines };
  } finally {
    spy.mockRestore();
  }
}

export function checkNoRawSeparators(lines: readonly string[]): void {
  for (const line of lines) {
    const at = line.search(/[\u2028\u2029]/);
    if (at !== -1) {
      throw new PropertyViolation(
        `jsonLogger wrote a raw U+${line.charCodeAt(at).toString(16).toUpperCase()} at ${at}: ${JSON.stringify(line.slice(Math.max(0, at - 120), at + 40))}`,
      );
    }
  }
}

/** A field of the kit's documents set to hostile text (separators, CR/LF, quotes, non-Latin-1), with the correct credential. */
function hostileFieldSpec<C>(kit: Kit<C>): fc.Arbitrary<DeliverySpec<C>> {
  const edit = fc.record({
    op: fc.constant('setPath' as const),
    path: fc.constantFrom(...kit.idPaths),
    value: fc.record({ text: hostileText({ minLength: 1, maxLength: 40 }) }),
  });
  return deliverySpec(kit, {
    wire: false,
    plain: true,
    credential: fc.constant(kit.valid),
    body: fc.record({ kind: fc.constant('fixture' as const), json: fc.array(edit, { minLength: 1, maxLength: 3 }), bytes: fc.constant<ByteEdit[]>([]) }),
  });
}

/**
 * An id or name of the kit's documents made 1 to 5 MB long, with the correct credential; sometimes other fields
 * are broken too, so that the huge value also meets the refusal paths (their messages, their logs).
 */
export function hugeIdSpec<C>(kit: Kit<C>, options: { wire: boolean }): fc.Arbitrary<DeliverySpec<C>> {
  const huge: fc.Arbitrary<JsonEdit> = fc.record({ op: fc.constant('setPath' as const), path: fc.constantFrom(...kit.idPaths), value: hugeText });
  const json = fc.tuple(huge, fc.array(jsonEdit(lightHostile), { maxLength: 2 })).map(([first, rest]) => [first, ...rest]);
  return deliverySpec(kit, {
    wire: options.wire,
    plain: true,
    credential: fc.constant(kit.valid),
    body: fc.record({ kind: fc.constant('fixture' as const), json, bytes: fc.constant<ByteEdit[]>([]) }),
  });
}

/** One of the kit's arrays (or a new one) holding up to 300,000 items, with the correct credential. */
function manyItemsSpec<C>(kit: Kit<C>): fc.Arbitrary<DeliverySpec<C>> {
  const edit = fc.record({ op: fc.constant('setPath' as const), path: fc.constantFrom(...kit.arrayPaths, ...kit.idPaths), value: manyItems });
  return deliverySpec(kit, {
    wire: false,
    plain: true,
    credential: fc.constant(kit.valid),
    body: fc.record({ kind: fc.constant('fixture' as const), json: fc.tuple(edit), bytes: fc.constant<ByteEdit[]>([]) }),
  });
}

/** Mutated deliveries whose credential is the correct one, computed over the mutated bytes. */
function validOverHostile<C>(kit: Kit<C>): fc.Arbitrary<DeliverySpec<C>> {
  return deliverySpec(kit, { wire: false, credential: fc.constant(kit.valid) });
}

/**
 * A configuration arbitrary for the fail-closed property: each value builds the provider from options as an
 * operator might leave them (unset variables, empty strings), and a delivery without any credential.
 */
export interface ConfigCase {
  options: unknown;
  make(): Provider;
}

/** What `process.env.X` may hold: nothing, empty, blank, or a value. */
export const envValue: fc.Arbitrary<string | undefined> = fc.oneof(
  { weight: 3, arbitrary: fc.constant(undefined) },
  { weight: 2, arbitrary: fc.constantFrom('', ' ', '\n', 'undefined') },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 12 }) },
);

/** The properties every provider keeps, through `receiver.handle()`. */
export function providerProperties<C>(kit: Kit<C>, options: { config: fc.Arbitrary<ConfigCase>; credentialless: C; heavy?: boolean }): void {
  const quiet = (): Logger => capturingLogger().logger;

  // The ground the fuzzing stands on: unmutated, correctly credentialed fixtures are accepted, once each.
  it(`${kit.name}: every fixture with the correct credential is accepted and dispatched once`, async () => {
    for (const [fixture] of kit.fixtures.entries()) {
      const spec: DeliverySpec<C> = {
        fixture,
        body: { kind: 'fixture', json: [], bytes: [] },
        headers: [],
        credential: kit.valid,
        op: 'none',
        method: 'POST',
        endpoint: 'plain',
        form: { form: 'bytes', sizes: [1] },
        maxBodyBytes: undefined,
      };
      const { built, outcome } = await handleSpec(kit, spec, quiet());
      expect(built.credentialed).toBe(true);
      expect({ status: outcome.answer.status, dispatched: outcome.dispatched }).toEqual({ status: expect.any(Number), dispatched: 1 });
      expect(outcome.answer.status).toBeGreaterThanOrEqual(200);
      expect(outcome.answer.status).toBeLessThan(300);
    }
  });

  property(`${kit.name}: mutated deliveries settle with a well-formed answer and no undocumented 5xx`, deliverySpec(kit, { wire: false }), async (spec) => {
    const { built, outcome } = await handleSpec(kit, spec, quiet());
    checkAnswer(outcome.answer, built.method);
  });

  property(`${kit.name}: valid credentials over hostile bodies settle with a well-formed answer`, validOverHostile(kit), async (spec) => {
    const { built, outcome } = await handleSpec(kit, spec, quiet());
    checkAnswer(outcome.answer, built.method);
  });

  property(`${kit.name}: every response header is a valid HTTP field`, deliverySpec(kit, { wire: false }), async (spec) => {
    const { outcome } = await handleSpec(kit, spec, quiet());
    checkHeaders(outcome.answer);
  });

  property(`${kit.name}: nothing without the correct credential is dispatched; with it, at most once`, deliverySpec(kit, { wire: false }), async (spec) => {
    const { built, run, outcome } = await handleSpec(kit, spec, quiet());
    checkDispatch(built, outcome, run);
  });

  property(`${kit.name}: log records stay under 4 KiB`, deliverySpec(kit, { wire: false }), async (spec) => {
    const capture = capturingLogger();
    await handleSpec(kit, spec, capture.logger);
    checkLogLines(capture.records.map(serializeRecord));
  });

  property(`${kit.name}: jsonLogger lines carry no raw U+2028/U+2029 and stay under 4 KiB`, hostileFieldSpec(kit), async (spec) => {
    const { lines } = await withJsonLogger((logger) => handleSpec(kit, spec, logger));
    checkNoRawSeparators(lines);
    checkLogLines(lines);
  });

  property(
    `${kit.name}: fail-closed configuration (refused at start-up, or nothing without a credential dispatched)`,
    fc.record({ config: options.config, spec: deliverySpec(kit, { wire: false, plain: true, credential: fc.constant(options.credentialless) }) }),
    async ({ config, spec }) => {
      let provider: Provider;
      try {
        provider = config.make();
      } catch (error) {
        if (isCountersignError(error) && error.code === 'CONFIG_INVALID') return;
        throw new PropertyViolation(`configuring threw something other than CONFIG_INVALID: ${String(error)}`);
      }
      const run = runContext();
      const built = await build(kit, spec, run);
      const outcome = await deliverOnce({ [kit.endpoint]: provider }, { method: 'POST', endpoint: kit.endpoint, headers: built.headers, body: built.body, query: built.query }, { logger: quiet() });
      if (outcome.dispatched + outcome.deadLettered > 0 || outcome.answer.status < 300) {
        throw new PropertyViolation(`an endpoint configured with ${describeOptions(config.options)} accepted a delivery without any credential (HTTP ${outcome.answer.status}, dispatched ${outcome.dispatched}×)`);
      }
    },
  );

  if (options.heavy === false) return;

  property(
    `${kit.name}: 1-5 MB ids and names settle with a well-formed answer, valid headers, at most one dispatch and logs under 4 KiB`,
    hugeIdSpec(kit, { wire: false }),
    async (spec) => {
      const capture = capturingLogger();
      const { built, run, outcome } = await handleSpec(kit, spec, capture.logger);
      checkAll({
        answer: () => checkAnswer(outcome.answer, built.method),
        headers: () => checkHeaders(outcome.answer),
        dispatch: () => checkDispatch(built, outcome, run),
        logs: () => checkLogLines(capture.records.map(serializeRecord)),
      });
    },
    { weight: 'heavy' },
  );

  property(
    `${kit.name}: arrays of up to 300,000 items settle with a well-formed, bounded answer and at most one dispatch`,
    manyItemsSpec(kit),
    async (spec) => {
      const { built, run, outcome } = await handleSpec(kit, spec, quiet());
      checkAll({ answer: () => checkAnswer(outcome.answer, built.method), dispatch: () => checkDispatch(built, outcome, run) });
    },
    { weight: 'heavy' },
  );
}

function describeOptions(options: unknown): string {
  return JSON.stringify(options, (_key, value: unknown) => (value === undefined ? '(unset)' : typeof value === 'function' ? '(function)' : value));
}
