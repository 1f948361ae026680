/**
 * The same fuzzed deliveries of every platform's kit over real HTTP, through every adapter of the conformance suite
 * (Express 5 and 4, Fastify, node:http, Fetch), each listening on 127.0.0.1:0, with a fresh receiver per delivery. Ignisign tokens
 * are checked by the stand-in of Ignisign's verification API from @countersign/testing.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe } from 'vitest';
import { createReceiver, ignisignApi, silentLogger, type AnyReceiver, type WebhookRequest, type WebhookResponse } from '@countersign/core';
import { fakeIgnisignApi, type FakeIgnisignApi } from '@countersign/testing';
import { adapters, type RunningAdapter } from '../conformance/adapters.js';
import {
  adobeKit,
  adobeOAuthKit,
  boldsignKit,
  docstudioKit,
  docusignKit,
  dropboxSignKit,
  ignisignKit,
  oauthCredential,
  pandadocKit,
  runContext,
  signitKit,
  yousignKit,
  type Kit,
  type RunContext,
} from './kits.js';
import type { HeaderRecord } from './mutations.js';
import { build, checkDispatch, deliverySpec, hugeIdSpec, type Built, type DeliverySpec } from './properties.js';
import {
  bounded,
  capturingLogger,
  checkAll,
  checkAnswer,
  checkHeaders,
  deliveryReporter,
  errorOf,
  httpAgent,
  httpRequest,
  property,
  PropertyViolation,
  type DeliveryReport,
  type WireAnswer,
} from './support.js';

const kits = {
  adobe: adobeKit,
  'adobe-oauth': adobeOAuthKit,
  signit: signitKit,
  docstudio: docstudioKit,
  ignisign: ignisignKit,
  docusign: docusignKit,
  'dropbox-sign': dropboxSignKit,
  yousign: yousignKit,
  pandadoc: pandadocKit,
  boldsign: boldsignKit,
} as const;
type KitName = keyof typeof kits;

interface WireCase {
  adapter: string;
  kit: KitName;
  spec: DeliverySpec<unknown>;
}

const adapterName = fc.constantFrom(...adapters.map((adapter) => adapter.name));

function wireCase<C>(name: KitName, kit: Kit<C>, spec: (kit: Kit<C>) => fc.Arbitrary<DeliverySpec<C>>): fc.Arbitrary<WireCase> {
  return fc.record({ adapter: adapterName, kit: fc.constant(name), spec: spec(kit) as fc.Arbitrary<DeliverySpec<unknown>> });
}

const anyKit = (spec: <C>(kit: Kit<C>) => fc.Arbitrary<DeliverySpec<C>>): fc.Arbitrary<WireCase> =>
  fc.oneof(
    wireCase('adobe', adobeKit, spec),
    wireCase('adobe-oauth', adobeOAuthKit, spec),
    wireCase('signit', signitKit, spec),
    wireCase('docstudio', docstudioKit, spec),
    wireCase('ignisign', ignisignKit, spec),
    wireCase('docusign', docusignKit, spec),
    wireCase('dropbox-sign', dropboxSignKit, spec),
    wireCase('yousign', yousignKit, spec),
    wireCase('pandadoc', pandadocKit, spec),
    wireCase('boldsign', boldsignKit, spec),
  );

let current: AnyReceiver | undefined;
/** What the adapters hold: it hands each request to the receiver of the run in progress. */
const proxy: Pick<AnyReceiver, 'handle' | 'logger'> = {
  logger: silentLogger,
  handle(request: WebhookRequest): Promise<WebhookResponse> {
    if (current === undefined) return Promise.reject(new Error('no receiver for this request'));
    return current.handle(request);
  },
};

const running = new Map<string, RunningAdapter>();
let api: FakeIgnisignApi;
const agent = httpAgent();

beforeAll(async () => {
  api = await fakeIgnisignApi();
  for (const adapter of adapters) running.set(adapter.name, await adapter.start(proxy));
});

afterAll(async () => {
  agent.destroy();
  await Promise.all([...running.values()].map((adapter) => adapter.close()));
  await api.close();
});

/** An Ignisign verifier asking the stand-in API, which knows (and consumes) this run's token. */
function viaStandIn(run: RunContext): void {
  const token = run.tokens.values().next().value as string;
  api.addToken(token);
  const remote = ignisignApi({ apiKey: api.apiKey, baseUrl: api.url });
  run.verifyToken = async (check) => {
    run.verifier.calls += 1;
    const genuine = await remote(check);
    if (genuine) run.verifier.accepted += 1;
    return genuine;
  };
}

/**
 * Header values as bytes on the wire: a value an HTTP client cannot send as is (a hostile credential with CR/LF
 * or text beyond Latin-1) goes as its UTF-8 bytes, controls replaced, as a raw client would send it.
 */
function sendable(headers: HeaderRecord): HeaderRecord {
  const control = (code: number): boolean => (code < 0x20 && code !== 0x09) || code === 0x7f;
  const one = (value: string): string => {
    if ([...value].every((c) => c.charCodeAt(0) <= 0xff && !control(c.charCodeAt(0)))) return value;
    return [...Buffer.from(value, 'utf8').toString('latin1')].map((c) => (control(c.charCodeAt(0)) ? '?' : c)).join('');
  };
  // The client writes its own Host (a repeated or foreign one would be refused by the server before any adapter).
  const entries = Object.entries(headers).filter(([name]) => name.toLowerCase() !== 'host');
  return Object.fromEntries(entries.map(([name, value]) => [name, typeof value === 'string' ? one(value) : value.map(one)]));
}

async function overHttp(wire: WireCase): Promise<{ built: Built; run: RunContext; answer: WireAnswer; dispatched: number; deadLettered: number; delivery: DeliveryReport }> {
  const kit = kits[wire.kit] as unknown as Kit<unknown>;
  const adapter = running.get(wire.adapter) as RunningAdapter;
  const run = runContext();
  if (wire.kit === 'ignisign') viaStandIn(run);
  const built = await build(kit, wire.spec, run);
  const { observer, report } = deliveryReporter();
  const receiver = createReceiver({ endpoints: { [kit.endpoint]: kit.provider(built.fixture, run) }, logger: capturingLogger().logger, observers: [observer] });
  let dispatched = 0;
  let deadLettered = 0;
  receiver.onAny(() => {
    dispatched += 1;
  });
  receiver.onError(() => {
    deadLettered += 1;
  });
  current = receiver;
  let answer: WireAnswer;
  try {
    // PandaDoc's signature travels in the query string, after the path.
    const url = `${adapter.url}/${kit.endpoint}${built.query === undefined ? '' : `?${built.query}`}`;
    answer = await httpRequest(agent, url, { method: built.method, headers: sendable(built.headers), body: built.body });
  } finally {
    current = undefined;
    await bounded('receiver.close()', receiver.close(), 30_000);
  }
  return { built, run, answer, dispatched, deadLettered, delivery: report };
}

const mutated = anyKit((kit) => deliverySpec(kit, { wire: true }));

describe('fuzz: every adapter over real HTTP', () => {
  property('http: mutated deliveries get a well-formed JSON answer with valid headers (no dropped socket, no HTML page)', mutated, async (wire) => {
    const { built, answer } = await overHttp(wire);
    checkAnswer(answer, built.method);
    checkHeaders(answer);
  });

  property('http: nothing without the correct credential is dispatched; with it, at most once', mutated, async (wire) => {
    const { built, run, answer, dispatched, deadLettered, delivery } = await overHttp(wire);
    checkDispatch(built, { answer, dispatched, deadLettered, delivery }, run);
  });

  property(
    'http: an Adobe OAuth JWT with a hostile `crit` gets a 401 JSON answer',
    fc.record({
      adapter: adapterName,
      kit: fc.constant<KitName>('adobe-oauth'),
      spec: deliverySpec(adobeOAuthKit, {
        wire: true,
        plain: true,
        credential: oauthCredential({ crit: 'always' })
          .map((credential) => ({ ...credential, clientId: { mode: 'valid' as const } }))
          .filter((c) => c.jwt !== 'missing' && c.jwt !== 'garbage' && c.jwt.parts === 'three' && /^bearer\s*$/i.test(c.jwt.scheme)),
      }) as fc.Arbitrary<DeliverySpec<unknown>>,
    }),
    async (wire) => {
      const { answer } = await overHttp(wire);
      const { code } = errorOf(answer);
      if (answer.status !== 401 || !code.startsWith('AUTH_')) throw new PropertyViolation(`expected a 401 AUTH_* refusal, got HTTP ${answer.status} ${code}`);
      checkHeaders(answer);
    },
  );

  property(
    'http: 1-5 MB ids and names get a well-formed answer with valid headers, dispatched at most once',
    anyKit((kit) => hugeIdSpec(kit, { wire: true })),
    async (wire) => {
      const { built, run, answer, dispatched, deadLettered, delivery } = await overHttp(wire);
      checkAll({
        answer: () => checkAnswer(answer, built.method),
        headers: () => checkHeaders(answer),
        dispatch: () => checkDispatch(built, { answer, dispatched, deadLettered, delivery }, run),
      });
    },
    { weight: 'heavy' },
  );
});
