/**
 * One kit per provider: its real fixtures (test/fixtures/<platform>/*.json, with the credentials that verify
 * them), how to build the endpoint, how each credential mode is put on a delivery (signatures and Basic
 * credentials computed over the fuzzed bytes), and whether the delivery as sent carries the correct credential.
 */
import { createHmac, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import fc from 'fast-check';
import {
  adobeSign,
  boldsign,
  docstudio,
  docusign,
  dropboxSign,
  ignisign,
  pandadoc,
  readHeaders,
  signit,
  yousign,
  type IgnisignAppEnv,
  type IgnisignTokenVerifier,
  type Provider,
} from '@countersign/core';
import { hostileText, setCredentialHeader, type CredentialHeaderOp, type HeaderRecord } from './mutations.js';

export interface FixtureFile {
  provider: 'adobe-sign' | 'ignisign' | 'signit' | 'docstudio' | 'docusign' | 'dropbox-sign' | 'yousign' | 'pandadoc' | 'boldsign';
  name: string;
  credentials: Record<string, unknown>;
  /** `query`: PandaDoc's `signature=<hex>` (the kit computes its own over the fuzzed bytes). */
  request: { method: string; headers: Record<string, string>; body: string; query?: string };
  expect: { accepted: boolean; event?: string };
}

const root = new URL('../fixtures/', import.meta.url);

/** The accepted fixtures of a platform, without the verification pings it answers without queuing (`skipEvents`). */
export function loadFixtures(platform: FixtureFile['provider'], skipEvents: readonly string[] = []): FixtureFile[] {
  const dir = new URL(`${platform}/`, root);
  return readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort()
    .map((name) => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as FixtureFile)
    .filter((fixture) => fixture.expect.accepted && !skipEvents.includes(fixture.expect.event ?? ''));
}

/** Per-run state a kit may need: the tokens its verifier accepts, and what the verifier was asked. */
export interface RunContext {
  /** Ignisign tokens that are genuine in this run (fresh each run). */
  tokens: Set<string>;
  verifier: { calls: number; accepted: number };
  /** Verifies Ignisign tokens for this run; the default accepts `tokens`. */
  verifyToken: IgnisignTokenVerifier;
}

export function runContext(): RunContext {
  const context: RunContext = {
    tokens: new Set([randomBytes(33).toString('base64url')]),
    verifier: { calls: 0, accepted: 0 },
    verifyToken: ({ token }) => {
      context.verifier.calls += 1;
      const genuine = context.tokens.has(token);
      if (genuine) context.verifier.accepted += 1;
      return genuine;
    },
  };
  return context;
}

export interface CredentialInput<C> {
  fixture: FixtureFile;
  credential: C;
  op: CredentialHeaderOp;
  method: string;
  /** The headers as they will be sent; the kit sets its credential header(s) in it. */
  headers: HeaderRecord;
  body: Uint8Array;
  run: RunContext;
}

export interface Kit<C> {
  readonly name: string;
  /** The endpoint name the kit's provider is mounted under. */
  readonly endpoint: string;
  readonly fixtures: readonly FixtureFile[];
  /** Where ids and names sit in a document (after `expand`). */
  readonly idPaths: ReadonlyArray<ReadonlyArray<string>>;
  /** Arrays of a document, for "many items". */
  readonly arrayPaths: ReadonlyArray<ReadonlyArray<string>>;
  readonly credential: fc.Arbitrary<C>;
  /** The correct credential, for valid signatures over hostile bodies. */
  readonly valid: C;
  /** Headers that carry the credential (left out of the fixture's headers; the kit sets them). */
  readonly credentialHeaders: readonly string[];
  provider(fixture: FixtureFile, run: RunContext): Provider;
  /** The document as edits see it (SignIt's `rawData` decoded), and back. */
  expand?(document: unknown): unknown;
  collapse?(document: unknown, serialize: (value: unknown) => string): unknown;
  /** For credentials carried in the body (Ignisign): put them in the document. */
  bodyCredential?(document: unknown, credential: C, fixture: FixtureFile, run: RunContext): unknown;
  /** For credentials carried in headers: set them, computed over the final bytes and headers. */
  headerCredential?(input: CredentialInput<C>): Promise<void> | void;
  /** For credentials carried in the query string (PandaDoc's `?signature=`): the query, computed over the final bytes. */
  queryCredential?(input: CredentialInput<C>): string | undefined;
  /** The fixture's document when its body is not plain JSON (Dropbox Sign's multipart `json` field). */
  parseBody?(fixture: FixtureFile): unknown;
  /** The body bytes of a serialized document when it is not sent as plain JSON (Dropbox Sign: a multipart form). */
  wrapBody?(json: string, fixture: FixtureFile): string;
  /** Whether one delivery may carry several events (PandaDoc's array), each queued on its own. */
  readonly batch?: boolean;
  /** Whether the delivery as sent carries the correct credential. `false` means it must never be dispatched. */
  credentialed(input: CredentialInput<C>): boolean;
}

const text = (value: unknown): string => (typeof value === 'string' ? value : '');
const strings = (value: unknown): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : []);

// ---------------------------------------------------------------------------------------------------------------
// Adobe Acrobat Sign: the allowed client id in X-AdobeSign-ClientId

export type AdobeCredential =
  | { mode: 'valid' }
  | { mode: 'padded'; pad: ' ' | '\t' | '  ' }
  | { mode: 'missing' }
  | { mode: 'empty' }
  | { mode: 'ui' }
  | { mode: 'case' }
  | { mode: 'unknown'; id: string };

const ADOBE_HEADER = 'x-adobesign-clientid';

export const adobeCredential: fc.Arbitrary<AdobeCredential> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<AdobeCredential>({ mode: 'valid' }) },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('padded' as const), pad: fc.constantFrom(' ' as const, '\t' as const, '  ' as const) }) },
  { weight: 1, arbitrary: fc.constantFrom<AdobeCredential>({ mode: 'missing' }, { mode: 'empty' }, { mode: 'ui' }, { mode: 'case' }) },
  { weight: 2, arbitrary: fc.record({ mode: fc.constant('unknown' as const), id: fc.oneof(hostileText({ minLength: 1 }), fc.stringMatching(/^CBJCHB[A-Za-z0-9]{1,24}$/)) }) },
);

function adobeValue(credential: AdobeCredential, allowed: string): string | undefined {
  switch (credential.mode) {
    case 'valid':
      return allowed;
    case 'padded':
      return `${credential.pad}${allowed}${credential.pad}`;
    case 'missing':
      return undefined;
    case 'empty':
      return '';
    case 'ui':
      return 'UB7E5BXCXY';
    case 'case':
      return allowed.toUpperCase() === allowed ? allowed.toLowerCase() : allowed.toUpperCase();
    case 'unknown':
      return credential.id;
  }
}

function adobeCredentialed(value: string | undefined, allowed: readonly string[], op: CredentialHeaderOp): boolean {
  return value !== undefined && op !== 'remove' && allowed.includes(value.trim());
}

export const adobeKit: Kit<AdobeCredential> = {
  name: 'adobe-sign',
  endpoint: 'adobe',
  fixtures: loadFixtures('adobe-sign'),
  idPaths: [['webhookNotificationId'], ['event'], ['webhookId'], ['agreement', 'id'], ['agreement', 'name'], ['participantUserEmail']],
  arrayPaths: [['agreement', 'participantSetsInfo', 'participantSets'], ['webhookNotificationApplicableUsers'], ['agreement', 'documentsInfo', 'documents']],
  credential: adobeCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [ADOBE_HEADER],
  provider: (fixture) => adobeSign({ clientIds: strings(fixture.credentials.clientIds) }),
  headerCredential({ fixture, credential, op, headers }) {
    const allowed = strings(fixture.credentials.clientIds)[0] ?? '';
    setCredentialHeader(headers, ADOBE_HEADER, adobeValue(credential, allowed), op);
  },
  credentialed: ({ fixture, credential, op }) =>
    adobeCredentialed(adobeValue(credential, strings(fixture.credentials.clientIds)[0] ?? ''), strings(fixture.credentials.clientIds), op),
};

// ---------------------------------------------------------------------------------------------------------------
// Adobe with OAuth: the allowed client id plus `Authorization: Bearer <JWT>` verified with an HMAC key

export const OAUTH_KEY = new Uint8Array(createHmac('sha256', 'countersign-fuzz').update('oauth-key').digest());
const HMAC_ALGS = { HS256: 'sha256', HS384: 'sha384', HS512: 'sha512' } as const;

export interface JwtSpec {
  scheme: 'Bearer' | 'bearer' | 'BEARER' | 'Bearer\t' | 'Basic' | 'Token';
  alg: string;
  /** Names in the protected header's `crit`: hostile text with CR/LF, non-Latin-1, quotes. */
  crit: string[] | undefined;
  /** Also set each `crit` name as a header parameter (so jose sees it present, then not understood). */
  critPresent: boolean;
  header: Record<string, fc.JsonValue>;
  /** `exp` relative to now, in seconds; `null` leaves it out. */
  exp: number | null;
  claims: Record<string, fc.JsonValue>;
  signature: 'valid' | 'random' | 'empty' | 'other-key';
  parts: 'three' | 'two' | 'four';
}

export const jwtSpec = (options: { crit: 'never' | 'sometimes' | 'always' } = { crit: 'sometimes' }): fc.Arbitrary<JwtSpec> => {
  const critNames = fc.array(hostileText({ minLength: 1, maxLength: 24 }), { minLength: 1, maxLength: 3 });
  const crit: fc.Arbitrary<string[] | undefined> =
    options.crit === 'never' ? fc.constant(undefined) : options.crit === 'always' ? critNames : fc.option(critNames, { nil: undefined, freq: 2 });
  return fc.record({
    scheme: fc.oneof({ weight: 8, arbitrary: fc.constant('Bearer' as const) }, { weight: 1, arbitrary: fc.constantFrom('bearer' as const, 'BEARER' as const, 'Bearer\t' as const, 'Basic' as const, 'Token' as const) }),
    alg: fc.oneof({ weight: 8, arbitrary: fc.constant('HS256') }, { weight: 2, arbitrary: fc.constantFrom('HS384', 'HS512', 'none', 'RS256', 'ES256', 'EdDSA', '') }, { weight: 1, arbitrary: hostileText() }),
    crit,
    critPresent: fc.boolean(),
    header: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(hostileText({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) }),
    exp: fc.oneof({ weight: 6, arbitrary: fc.integer({ min: 120, max: 86_400 }) }, { weight: 1, arbitrary: fc.integer({ min: -86_400, max: 86_400 }) }, { weight: 1, arbitrary: fc.constant(null) }),
    claims: fc.oneof({ weight: 4, arbitrary: fc.constant({}) }, { weight: 1, arbitrary: fc.dictionary(hostileText({ minLength: 1, maxLength: 8 }), fc.jsonValue({ maxDepth: 2 }), { maxKeys: 3 }) }),
    signature: fc.oneof({ weight: 6, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('random' as const, 'empty' as const, 'other-key' as const) }),
    parts: fc.oneof({ weight: 10, arbitrary: fc.constant('three' as const) }, { weight: 1, arbitrary: fc.constantFrom('two' as const, 'four' as const) }),
  });
};

const b64url = (value: unknown): string => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/** The `Authorization` value for a JWT spec, signed with `OAUTH_KEY` (or not, as the spec says). */
export function bearerFor(spec: JwtSpec): string {
  const header: Record<string, unknown> = { ...spec.header };
  for (const name of spec.critPresent ? (spec.crit ?? []) : []) header[name] = true;
  header.alg = spec.alg;
  if (spec.crit !== undefined) header.crit = spec.crit;
  delete header.b64;
  const claims: Record<string, unknown> = { ...spec.claims, sub: 'adobe-sign' };
  if (spec.exp !== null) claims.exp = Math.floor(Date.now() / 1000) + spec.exp;
  else delete claims.exp;
  const input = `${b64url(header)}.${b64url(claims)}`;
  const hash = Object.hasOwn(HMAC_ALGS, spec.alg) ? HMAC_ALGS[spec.alg as keyof typeof HMAC_ALGS] : 'sha256';
  const signature =
    spec.signature === 'valid'
      ? createHmac(hash, OAUTH_KEY).update(input).digest('base64url')
      : spec.signature === 'other-key'
        ? createHmac(hash, 'another key').update(input).digest('base64url')
        : spec.signature === 'random'
          ? randomBytes(32).toString('base64url')
          : '';
  const token = spec.parts === 'three' ? `${input}.${signature}` : spec.parts === 'two' ? input : `${input}.${signature}.x`;
  return `${spec.scheme} ${token}`;
}

/** Whether the token may verify: signed with the key, a known HMAC alg, not expired when made, three parts, no `crit` other than `b64`. */
export function jwtMayVerify(spec: JwtSpec): boolean {
  return (
    spec.signature === 'valid' &&
    Object.hasOwn(HMAC_ALGS, spec.alg) &&
    // Expired from the start (exp at or before now) never verifies; anything later may.
    spec.exp !== null &&
    spec.exp > 0 &&
    spec.parts === 'three' &&
    /^bearer\s*$/i.test(spec.scheme) &&
    (spec.crit ?? []).every((name) => name === 'b64')
  );
}

export type OAuthCredential = { clientId: AdobeCredential; jwt: JwtSpec | 'missing' | 'garbage'; garbage: string };

export const oauthCredential = (options: { crit: 'never' | 'sometimes' | 'always' } = { crit: 'sometimes' }): fc.Arbitrary<OAuthCredential> =>
  fc.record({
    clientId: fc.oneof({ weight: 8, arbitrary: fc.constant<AdobeCredential>({ mode: 'valid' }) }, { weight: 1, arbitrary: adobeCredential }),
    jwt: fc.oneof({ weight: 10, arbitrary: jwtSpec(options) }, { weight: 1, arbitrary: fc.constantFrom('missing' as const, 'garbage' as const) }),
    garbage: hostileText({ maxLength: 30 }),
  });

export const adobeOAuthKit: Kit<OAuthCredential> = {
  fixtures: adobeKit.fixtures,
  idPaths: adobeKit.idPaths,
  arrayPaths: adobeKit.arrayPaths,
  name: 'adobe-sign+oauth',
  endpoint: 'adobe-oauth',
  credential: oauthCredential(),
  valid: {
    clientId: { mode: 'valid' },
    jwt: { scheme: 'Bearer', alg: 'HS256', crit: undefined, critPresent: false, header: {}, exp: 3600, claims: {}, signature: 'valid', parts: 'three' },
    garbage: '',
  },
  credentialHeaders: [ADOBE_HEADER, 'authorization'],
  provider: (fixture) => adobeSign({ clientIds: strings(fixture.credentials.clientIds), oauth: { key: OAUTH_KEY } }),
  headerCredential({ fixture, credential, op, headers }) {
    const allowed = strings(fixture.credentials.clientIds)[0] ?? '';
    setCredentialHeader(headers, ADOBE_HEADER, adobeValue(credential.clientId, allowed), 'none');
    const bearer = credential.jwt === 'missing' ? undefined : credential.jwt === 'garbage' ? credential.garbage : bearerFor(credential.jwt);
    setCredentialHeader(headers, 'authorization', bearer, op);
  },
  credentialed: ({ fixture, credential, op }) =>
    adobeCredentialed(adobeValue(credential.clientId, strings(fixture.credentials.clientIds)[0] ?? ''), strings(fixture.credentials.clientIds), 'none') &&
    typeof credential.jwt === 'object' &&
    jwtMayVerify(credential.jwt) &&
    op !== 'remove',
};

// ---------------------------------------------------------------------------------------------------------------
// SignIt: X-Signit-Signature, HMAC-SHA512 over appId, signed headers, method and the raw body

export type SignitCredential =
  | { mode: 'valid' | 'lowerPrefix' | 'missing' | 'wrongSecret' | 'wrongApp' | 'tampered' | 'staleDate' | 'truncated' }
  | { mode: 'garbage'; value: string };

const SIGNIT_HEADER = 'x-signit-signature';

export const signitCredential: fc.Arbitrary<SignitCredential> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<SignitCredential>({ mode: 'valid' }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<SignitCredential>(
      { mode: 'lowerPrefix' },
      { mode: 'missing' },
      { mode: 'wrongSecret' },
      { mode: 'wrongApp' },
      { mode: 'tampered' },
      { mode: 'staleDate' },
      { mode: 'truncated' },
    ),
  },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('garbage' as const), value: hostileText({ maxLength: 60 }) }) },
);

/** SignIt's signature, written from its documented algorithm: each field followed by `\n`, the body only when not empty. */
function signitSignature(appId: string, secret: string, method: string, headers: HeaderRecord, body: Uint8Array, override: Record<string, string> = {}): string {
  const view = readHeaders(headers);
  const get = (name: string): string => override[name] ?? view.get(name) ?? '';
  const mac = createHmac('sha512', secret);
  mac.update([appId, get('content-type'), get('x-signit-date'), get('x-signit-host'), method.toUpperCase(), get('x-signit-nonce'), ''].join('\n'));
  if (body.byteLength > 0) {
    mac.update(body);
    mac.update('\n');
  }
  mac.update(`${get('x-signit-resource')}\n${get('x-signit-scheme')}\n`);
  return mac.digest('base64');
}

export const signitKit: Kit<SignitCredential> = {
  name: 'signit',
  endpoint: 'signit',
  fixtures: loadFixtures('signit'),
  idPaths: [['event'], ['rawData', 'invokeNo'], ['rawData', 'basicEnvelope', 'wsid'], ['rawData', 'basicEnvelope', 'status'], ['rawData', 'receiverParticipant', 'wsid'], ['rawData', 'status']],
  arrayPaths: [['rawData', 'actions'], ['rawData', 'links'], ['rawData', 'senderParticipant', 'contactMetadata', 'contacts']],
  credential: signitCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [SIGNIT_HEADER],
  provider: (fixture) => signit({ appId: text(fixture.credentials.appId), appSecret: text(fixture.credentials.appSecret) }),
  expand(document) {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
    const raw = (document as { rawData?: unknown }).rawData;
    if (typeof raw !== 'string') return document;
    try {
      return { ...document, rawData: JSON.parse(raw) as unknown };
    } catch {
      return document;
    }
  },
  collapse(document, serialize) {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
    const raw = (document as { rawData?: unknown }).rawData;
    return typeof raw === 'object' && raw !== null ? { ...document, rawData: serialize(raw) } : document;
  },
  headerCredential({ fixture, credential, op, method, headers, body }) {
    const appId = text(fixture.credentials.appId);
    const secret = text(fixture.credentials.appSecret);
    let value: string | undefined;
    switch (credential.mode) {
      case 'valid':
        value = `HmacSHA512 ${appId}:${signitSignature(appId, secret, method, headers, body)}`;
        break;
      case 'lowerPrefix':
        value = `hmacsha512 ${appId}:${signitSignature(appId, secret, method, headers, body)}`;
        break;
      case 'missing':
        value = undefined;
        break;
      case 'wrongSecret':
        value = `HmacSHA512 ${appId}:${signitSignature(appId, `${secret}x`, method, headers, body)}`;
        break;
      case 'wrongApp':
        value = `HmacSHA512 ${appId}0:${signitSignature(`${appId}0`, secret, method, headers, body)}`;
        break;
      case 'tampered':
        value = `HmacSHA512 ${appId}:${signitSignature(appId, secret, method, headers, new Uint8Array([...body, 0x20]))}`;
        break;
      case 'staleDate':
        value = `HmacSHA512 ${appId}:${signitSignature(appId, secret, method, headers, body, { 'x-signit-date': 'Thu Jan 01 00:00:00 CST 1970' })}`;
        break;
      case 'truncated':
        value = `HmacSHA512 ${appId}:${signitSignature(appId, secret, method, headers, body).slice(0, 40)}`;
        break;
      case 'garbage':
        value = credential.value;
        break;
    }
    setCredentialHeader(headers, SIGNIT_HEADER, value, op);
  },
  credentialed: ({ credential, op }) => (credential.mode === 'valid' || credential.mode === 'lowerPrefix') && op !== 'remove',
};

// ---------------------------------------------------------------------------------------------------------------
// DocStudio: HTTP Basic with the callback's login and password

export type DocStudioCredential =
  | { mode: 'valid' | 'lowerScheme' | 'urlsafe' | 'missing' | 'wrongPassword' | 'wrongLogin' | 'swapped' | 'noColon' | 'bearer' | 'extraColon' }
  | { mode: 'garbage'; value: string }
  | { mode: 'guess'; login: string; password: string };

export const docstudioCredential: fc.Arbitrary<DocStudioCredential> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<DocStudioCredential>({ mode: 'valid' }) },
  {
    weight: 3,
    arbitrary: fc.constantFrom<DocStudioCredential>(
      { mode: 'lowerScheme' },
      { mode: 'urlsafe' },
      { mode: 'missing' },
      { mode: 'wrongPassword' },
      { mode: 'wrongLogin' },
      { mode: 'swapped' },
      { mode: 'noColon' },
      { mode: 'bearer' },
      { mode: 'extraColon' },
    ),
  },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('garbage' as const), value: hostileText({ maxLength: 60 }) }) },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('guess' as const), login: hostileText({ maxLength: 12 }), password: hostileText({ maxLength: 16 }) }) },
);

const basic = (credentials: string, scheme = 'Basic'): string => `${scheme} ${Buffer.from(credentials, 'utf8').toString('base64')}`;

function docstudioValue(credential: DocStudioCredential, login: string, password: string): string | undefined {
  switch (credential.mode) {
    case 'valid':
      return basic(`${login}:${password}`);
    case 'lowerScheme':
      return basic(`${login}:${password}`, 'basic');
    case 'urlsafe':
      return `Basic ${Buffer.from(`${login}:${password}`, 'utf8').toString('base64url')}`;
    case 'missing':
      return undefined;
    case 'wrongPassword':
      return basic(`${login}:${password}!`);
    case 'wrongLogin':
      return basic(`${login}x:${password}`);
    case 'swapped':
      return basic(`${password}:${login}`);
    case 'noColon':
      return basic(`${login}${password}`);
    case 'bearer':
      return basic(`${login}:${password}`, 'Bearer');
    case 'extraColon':
      return basic(`${login}:${password}:`);
    case 'garbage':
      return credential.value;
    case 'guess':
      return basic(`${credential.login}:${credential.password}`);
  }
}

export const docstudioKit: Kit<DocStudioCredential> = {
  name: 'docstudio',
  endpoint: 'docstudio',
  fixtures: loadFixtures('docstudio'),
  idPaths: [['uuid'], ['status'], ['mailbox'], ['subject'], ['template']],
  arrayPaths: [['label']],
  credential: docstudioCredential,
  valid: { mode: 'valid' },
  credentialHeaders: ['authorization'],
  provider: (fixture) =>
    docstudio({
      login: text(fixture.credentials.login),
      password: text(fixture.credentials.password),
      successCode: typeof fixture.credentials.successCode === 'number' ? fixture.credentials.successCode : 200,
    }),
  headerCredential({ fixture, credential, op, headers }) {
    setCredentialHeader(headers, 'authorization', docstudioValue(credential, text(fixture.credentials.login), text(fixture.credentials.password)), op);
  },
  credentialed: ({ fixture, credential, op }) => {
    if (op === 'remove') return false;
    if (credential.mode === 'valid' || credential.mode === 'lowerScheme' || credential.mode === 'urlsafe') return true;
    // A guess is right only if it is the login and password themselves.
    return credential.mode === 'guess' && credential.login === text(fixture.credentials.login) && credential.password === text(fixture.credentials.password);
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Ignisign: verificationToken, appId and appEnv in the body, the token vouched for by `verifyToken`

export type IgnisignCredential = {
  token: 'valid' | 'unknown' | 'missing' | 'empty' | 'number' | 'hostile';
  appId: 'valid' | 'other' | 'missing' | 'padded';
  appEnv: 'valid' | 'other' | 'lower';
  hostile: string;
};

export const ignisignCredential: fc.Arbitrary<IgnisignCredential> = fc.record({
  token: fc.oneof({ weight: 8, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('unknown' as const, 'missing' as const, 'empty' as const, 'number' as const, 'hostile' as const) }),
  appId: fc.oneof({ weight: 10, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('other' as const, 'missing' as const, 'padded' as const) }),
  appEnv: fc.oneof({ weight: 10, arbitrary: fc.constant('valid' as const) }, { weight: 1, arbitrary: fc.constantFrom('other' as const, 'lower' as const) }),
  hostile: hostileText({ minLength: 1, maxLength: 30 }),
});

function firstToken(run: RunContext): string {
  return run.tokens.values().next().value as string;
}

export const ignisignKit: Kit<IgnisignCredential> = {
  name: 'ignisign',
  endpoint: 'ignisign',
  fixtures: loadFixtures('ignisign'),
  idPaths: [['topic'], ['action'], ['content', 'signatureRequestId'], ['content', 'signerId'], ['content', 'status'], ['content', 'signatureRequestExternalId']],
  arrayPaths: [['content', 'documentIds'], ['content', 'signers', 'signersBySide'], ['content', 'signers', 'signersEmbedded']],
  credential: ignisignCredential,
  valid: { token: 'valid', appId: 'valid', appEnv: 'valid', hostile: 'x' },
  credentialHeaders: [],
  provider: (fixture, run) =>
    ignisign({ appId: text(fixture.credentials.appId), appEnv: text(fixture.credentials.appEnv) as IgnisignAppEnv, verifyToken: run.verifyToken }),
  bodyCredential(document, credential, fixture, run) {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
    const out: Record<string, unknown> = { ...document };
    const tokens = { valid: firstToken(run), unknown: randomBytes(33).toString('base64url'), empty: '', number: 12345, hostile: credential.hostile };
    if (credential.token === 'missing') delete out.verificationToken;
    else out.verificationToken = tokens[credential.token];
    const appId = text(fixture.credentials.appId);
    if (credential.appId === 'missing') delete out.appId;
    else out.appId = { valid: appId, other: `${appId}0`, padded: ` ${appId}` }[credential.appId];
    const appEnv = text(fixture.credentials.appEnv);
    out.appEnv = { valid: appEnv, other: appEnv === 'PRODUCTION' ? 'DEVELOPMENT' : 'PRODUCTION', lower: appEnv.toLowerCase() }[credential.appEnv];
    return out;
  },
  /** Read from the bytes sent, as the receiver reads them: a genuine token, the endpoint's appId and appEnv. */
  credentialed: ({ fixture, body, run }) => {
    let document: unknown;
    try {
      document = JSON.parse(new TextDecoder().decode(body));
    } catch {
      return false;
    }
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return false;
    const { verificationToken, appId, appEnv } = document as Record<string, unknown>;
    return typeof verificationToken === 'string' && run.tokens.has(verificationToken) && appId === fixture.credentials.appId && appEnv === fixture.credentials.appEnv;
  },
};

// ---------------------------------------------------------------------------------------------------------------
// The platforms that sign the raw body with an HMAC (DocuSign, Yousign, PandaDoc, BoldSign) share one credential
// vocabulary: the correct key, another configured key (rotation), or a signature that must not verify.

export type HmacCredential =
  | { mode: 'valid' | 'otherKey' | 'alongsideWrong' | 'missing' | 'wrongKey' | 'tampered' | 'truncated' | 'stale' }
  | { mode: 'garbage'; value: string };

/** Modes whose signature verifies: the last configured key, the first one, or a wrong signature next to a right one. */
const HMAC_VALID = new Set(['valid', 'otherKey', 'alongsideWrong']);

export const hmacCredential: fc.Arbitrary<HmacCredential> = fc.oneof(
  { weight: 8, arbitrary: fc.constantFrom<HmacCredential>({ mode: 'valid' }, { mode: 'otherKey' }, { mode: 'alongsideWrong' }) },
  { weight: 3, arbitrary: fc.constantFrom<HmacCredential>({ mode: 'missing' }, { mode: 'wrongKey' }, { mode: 'tampered' }, { mode: 'truncated' }, { mode: 'stale' }) },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('garbage' as const), value: hostileText({ maxLength: 80 }) }) },
);

const keysOf = (fixture: FixtureFile, name: string): string[] => {
  const value = fixture.credentials[name];
  return typeof value === 'string' ? [value] : strings(value);
};

/** The key a mode signs with (`undefined`: no signature), and whether the body is signed with a byte added. */
function hmacKey(credential: HmacCredential, keys: readonly string[]): { key: string; tamper: boolean } | undefined {
  const last = keys.at(-1) ?? '';
  switch (credential.mode) {
    case 'valid':
    case 'alongsideWrong':
    case 'truncated':
    case 'stale':
      return { key: last, tamper: false };
    case 'otherKey':
      return { key: keys[0] ?? last, tamper: false };
    case 'wrongKey':
      return { key: `${last}x`, tamper: false };
    case 'tampered':
      return { key: last, tamper: true };
    case 'missing':
    case 'garbage':
      return undefined;
  }
}

const withSpace = (body: Uint8Array): Uint8Array => new Uint8Array([...body, 0x20]);
const hmacSha256 = (key: string, ...parts: Array<string | Uint8Array>): Buffer => {
  const mac = createHmac('sha256', key);
  for (const part of parts) mac.update(part);
  return mac.digest();
};

/** Whether the signature verifies; `stale` (an hour-old timestamp) only matters where the signature is timestamped. */
const hmacVerifies = (credential: HmacCredential, timestamped: boolean): boolean => HMAC_VALID.has(credential.mode) || (!timestamped && credential.mode === 'stale');
const hmacCredentialed =
  (timestamped: boolean) =>
  ({ credential, op }: { credential: HmacCredential; op: CredentialHeaderOp }): boolean =>
    hmacVerifies(credential, timestamped) && op !== 'remove';

// ---------------------------------------------------------------------------------------------------------------
// DocuSign Connect: X-DocuSign-Signature-N, base64 HMAC-SHA256 of the raw body with an HMAC key (as UTF-8 text)

const DOCUSIGN_HEADERS = ['x-docusign-signature-1', 'x-docusign-signature-2'];

export const docusignKit: Kit<HmacCredential> = {
  name: 'docusign',
  endpoint: 'docusign',
  fixtures: loadFixtures('docusign'),
  idPaths: [['event'], ['generatedDateTime'], ['data', 'accountId'], ['data', 'envelopeId'], ['data', 'recipientId'], ['data', 'envelopeSummary', 'status']],
  arrayPaths: [['data', 'envelopeSummary', 'recipients', 'signers'], ['data', 'envelopeSummary', 'envelopeDocuments']],
  credential: hmacCredential,
  valid: { mode: 'valid' },
  credentialHeaders: DOCUSIGN_HEADERS,
  provider: (fixture) => docusign({ hmacKeys: keysOf(fixture, 'hmacKeys') }),
  headerCredential({ fixture, credential, op, headers, body }) {
    const signing = hmacKey(credential, keysOf(fixture, 'hmacKeys'));
    let value = signing === undefined ? undefined : hmacSha256(signing.key, signing.tamper ? withSpace(body) : body).toString('base64');
    if (credential.mode === 'truncated') value = value?.slice(0, 20);
    if (credential.mode === 'garbage') value = credential.value;
    // Several keys active: one header per key, any one verifies.
    if (credential.mode === 'alongsideWrong') {
      setCredentialHeader(headers, 'x-docusign-signature-1', hmacSha256('not-a-configured-key', body).toString('base64'), 'none');
      setCredentialHeader(headers, 'x-docusign-signature-2', value, op);
    } else {
      setCredentialHeader(headers, 'x-docusign-signature-1', value, op);
    }
  },
  credentialed: hmacCredentialed(false),
};

// ---------------------------------------------------------------------------------------------------------------
// Yousign: X-Yousign-Signature-256, `sha256=` + hex HMAC-SHA256 of the raw body with the subscription's secret

const YOUSIGN_HEADER = 'x-yousign-signature-256';

export const yousignKit: Kit<HmacCredential> = {
  name: 'yousign',
  endpoint: 'yousign',
  fixtures: loadFixtures('yousign'),
  idPaths: [['event_id'], ['event_name'], ['event_time'], ['subscription_id'], ['data', 'signature_request', 'id'], ['data', 'signer', 'id'], ['data', 'signature_request', 'status']],
  arrayPaths: [['data', 'signature_request', 'signers'], ['data', 'signature_request', 'documents']],
  credential: hmacCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [YOUSIGN_HEADER],
  provider: (fixture) => yousign({ secrets: keysOf(fixture, 'secrets') }),
  headerCredential({ fixture, credential, op, headers, body }) {
    const signing = hmacKey(credential, keysOf(fixture, 'secrets'));
    let value = signing === undefined ? undefined : `sha256=${hmacSha256(signing.key, signing.tamper ? withSpace(body) : body).toString('hex')}`;
    if (credential.mode === 'truncated') value = value?.slice(0, 30);
    if (credential.mode === 'garbage') value = credential.value;
    // Yousign sends one signature: "next to a wrong one" is the right one alone here.
    setCredentialHeader(headers, YOUSIGN_HEADER, value, op);
  },
  credentialed: hmacCredentialed(false),
};

// ---------------------------------------------------------------------------------------------------------------
// PandaDoc: `?signature=` hex HMAC-SHA256 of the raw body with a shared key; the body is an array of notifications

export const pandadocKit: Kit<HmacCredential> = {
  name: 'pandadoc',
  endpoint: 'pandadoc',
  fixtures: loadFixtures('pandadoc'),
  idPaths: [['0', 'event'], ['0', 'data', 'id'], ['0', 'data', 'status'], ['0', 'data', 'name'], ['0', 'data', 'date_modified'], ['1', 'event']],
  arrayPaths: [['0', 'data', 'recipients'], ['0', 'data', 'tokens'], ['0', 'data', 'fields']],
  credential: hmacCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [],
  batch: true,
  provider: (fixture) => pandadoc({ sharedKeys: keysOf(fixture, 'sharedKeys') }),
  queryCredential({ fixture, credential, body }) {
    const signing = hmacKey(credential, keysOf(fixture, 'sharedKeys'));
    let value = signing === undefined ? undefined : hmacSha256(signing.key, signing.tamper ? withSpace(body) : body).toString('hex');
    if (credential.mode === 'truncated') value = value?.slice(0, 40);
    if (credential.mode === 'garbage') return new URLSearchParams({ signature: credential.value }).toString();
    if (value === undefined) return undefined;
    // A URL registered with a signature of its own: PandaDoc's is the second.
    if (credential.mode === 'alongsideWrong') return `signature=${hmacSha256('not-a-shared-key', body).toString('hex')}&signature=${value}`;
    return `signature=${value}`;
  },
  credentialed: ({ credential }) => hmacVerifies(credential, false),
};

// ---------------------------------------------------------------------------------------------------------------
// BoldSign: X-BoldSign-Signature `t=<unix>, s0=<hex HMAC-SHA256 of "<t>.<body>">[, s1=...]`, t within 300 s

const BOLDSIGN_HEADER = 'x-boldsign-signature';
/** The clock the kit's endpoint runs on: each fixture's own `now`. */
const boldsignNow = (fixture: FixtureFile): number => (typeof fixture.credentials.now === 'number' ? fixture.credentials.now : 1_742_020_000);

export const boldsignKit: Kit<HmacCredential> = {
  name: 'boldsign',
  endpoint: 'boldsign',
  // The dashboard's Verification ping is answered and never queued: the properties are about events.
  fixtures: loadFixtures('boldsign', ['Verification']),
  idPaths: [['event', 'id'], ['event', 'eventType'], ['event', 'clientId'], ['data', 'documentId'], ['data', 'status'], ['data', 'messageTitle'], ['context', 'actor', 'id']],
  arrayPaths: [['data', 'signerDetails'], ['data', 'documentFiles'], ['data', 'labels']],
  credential: hmacCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [BOLDSIGN_HEADER],
  provider: (fixture) => boldsign({ secrets: keysOf(fixture, 'secrets'), now: () => boldsignNow(fixture) * 1000 }),
  headerCredential({ fixture, credential, op, headers, body }) {
    const t = credential.mode === 'stale' ? boldsignNow(fixture) - 3600 : boldsignNow(fixture) - 2;
    const signing = hmacKey(credential, keysOf(fixture, 'secrets'));
    const sign = (key: string, bytes: Uint8Array): string => hmacSha256(key, `${t}.`, bytes).toString('hex');
    let value: string | undefined;
    if (credential.mode === 'garbage') value = credential.value;
    else if (signing !== undefined) {
      const s = sign(signing.key, signing.tamper ? withSpace(body) : body);
      // While a secret is rolled, s0 is the new secret's and s1 the previous one's: either verifies.
      value = credential.mode === 'alongsideWrong' ? `t=${t}, s0=${sign('not-a-configured-secret', body)}, s1=${s}` : `t=${t}, s0=${credential.mode === 'truncated' ? s.slice(0, 32) : s}`;
    }
    setCredentialHeader(headers, BOLDSIGN_HEADER, value, op);
  },
  credentialed: hmacCredentialed(true),
};

// ---------------------------------------------------------------------------------------------------------------
// Dropbox Sign: `event.event_hash` = hex HMAC-SHA256 of `event_time + event_type` with the API key, inside the
// callback document sent as the `json` field of a multipart form. The hash does not cover the rest of the body.

export type DropboxSignCredential = { mode: 'valid' | 'missing' | 'wrongKey' | 'otherEvent' | 'number' } | { mode: 'garbage'; value: string };

export const dropboxSignCredential: fc.Arbitrary<DropboxSignCredential> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<DropboxSignCredential>({ mode: 'valid' }) },
  { weight: 3, arbitrary: fc.constantFrom<DropboxSignCredential>({ mode: 'missing' }, { mode: 'wrongKey' }, { mode: 'otherEvent' }, { mode: 'number' }) },
  { weight: 1, arbitrary: fc.record({ mode: fc.constant('garbage' as const), value: hostileText({ maxLength: 80 }) }) },
);

const MULTIPART_JSON = /\r\nContent-Disposition: form-data; name="json"\r\n\r\n([\s\S]*?)\r\n--/;
const boundaryOf = (fixture: FixtureFile): string => /boundary=(.+)$/.exec(fixture.request.headers['content-type'] ?? '')?.[1] ?? 'CountersignFuzzBoundary';

export const dropboxSignKit: Kit<DropboxSignCredential> = {
  name: 'dropbox-sign',
  endpoint: 'dropbox-sign',
  fixtures: loadFixtures('dropbox-sign'),
  idPaths: [['event', 'event_type'], ['event', 'event_time'], ['account_guid'], ['event', 'event_metadata', 'related_signature_id'], ['signature_request', 'signature_request_id'], ['signature_request', 'title']],
  arrayPaths: [['signature_request', 'signatures'], ['signature_request', 'custom_fields'], ['signature_request', 'cc_email_addresses']],
  credential: dropboxSignCredential,
  valid: { mode: 'valid' },
  credentialHeaders: [],
  provider: (fixture) => dropboxSign({ apiKey: text(fixture.credentials.apiKey) }),
  parseBody(fixture) {
    const json = MULTIPART_JSON.exec(fixture.request.body)?.[1];
    return JSON.parse(json ?? fixture.request.body) as unknown;
  },
  wrapBody: (json, fixture) => `--${boundaryOf(fixture)}\r\nContent-Disposition: form-data; name="json"\r\n\r\n${json}\r\n--${boundaryOf(fixture)}--\r\n`,
  bodyCredential(document, credential, fixture) {
    if (typeof document !== 'object' || document === null || Array.isArray(document)) return document;
    const event = (document as { event?: unknown }).event;
    if (typeof event !== 'object' || event === null || Array.isArray(event)) return document;
    const out: Record<string, unknown> = { ...event };
    const apiKey = text(fixture.credentials.apiKey);
    const hash = (key: string, type: unknown): string => hmacSha256(key, `${String(out.event_time)}${String(type)}`).toString('hex');
    switch (credential.mode) {
      case 'valid':
        out.event_hash = hash(apiKey, out.event_type);
        break;
      case 'missing':
        delete out.event_hash;
        break;
      case 'wrongKey':
        out.event_hash = hash(`${apiKey}x`, out.event_type);
        break;
      case 'otherEvent':
        out.event_hash = hash(apiKey, `${String(out.event_type)}_x`);
        break;
      case 'number':
        out.event_hash = 12345;
        break;
      case 'garbage':
        out.event_hash = credential.value;
        break;
    }
    return { ...document, event: out };
  },
  credentialed: ({ credential }) => credential.mode === 'valid',
};
