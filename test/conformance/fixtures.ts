/**
 * Every provider fixture in test/fixtures/** as a conformance case, and the endpoints that verify them:
 * one endpoint per provider and credential set, named `<provider>-<n>`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { fakeIgnisignApi, type FakeIgnisignApi } from '@countersign/testing';
import { adobeSign, boldsign, docstudio, docusign, dropboxSign, ignisign, ignisignApi, pandadoc, signit, yousign, type Endpoints, type IgnisignAppEnv, type Provider } from '@countersign/core';

interface FixtureFile {
  provider: 'adobe-sign' | 'ignisign' | 'signit' | 'docstudio' | 'dropbox-sign' | 'docusign' | 'yousign' | 'pandadoc' | 'boldsign';
  name: string;
  credentials: Record<string, unknown>;
  /** `query`: the query string the platform signs with (PandaDoc's `signature=<hex>`), sent after the path. */
  request: { method: string; headers: Record<string, string>; body: string; query?: string };
  expect: {
    accepted: boolean;
    event?: string;
    topic?: string;
    action?: string;
    status?: string;
    dedupeKey?: string | string[];
    /** The exact answer the platform requires (Dropbox Sign: 200 `Hello API Event Received`). */
    responseStatus?: number;
    responseBody?: string;
  };
}

export interface FixtureCase {
  /** `<provider>/<file>`; byte-identical deliveries (the same event sent twice) are one case with several files. */
  files: string[];
  provider: FixtureFile['provider'];
  endpoint: string;
  request: FixtureFile['request'];
  /** The status the platform counts as delivered. */
  status: number;
  /** The exact body the platform requires of the answer, where it requires one. */
  body: string | undefined;
  /** The event name as used in `on()`. */
  name: string;
  /** The dedupe key: exactly this (string), containing each part (array), or any non-empty key (undefined). */
  id: string | string[] | undefined;
  /** A verification ping (BoldSign's `Verification`): answered with `status`, nothing queued under `id`. */
  answeredOnly?: boolean;
  /** The fixture's credentials (keys, secrets, the pinned clock), for cases that sign variants of it. */
  credentials: Record<string, unknown>;
}

export interface Fixtures {
  cases: FixtureCase[];
  /** A local stand-in for Ignisign's verification API that accepts every fixture's token, once each. */
  startIgnisignApi(): Promise<FakeIgnisignApi>;
  /** Endpoints that verify every fixture; Ignisign tokens are checked by the API at `ignisign.url`. */
  endpoints(ignisign: { url: string; apiKey: string }): Endpoints;
}

const root = new URL('../fixtures/', import.meta.url);

function expectedName(f: FixtureFile): string {
  if (f.provider === 'ignisign') return `${f.expect.topic}.${f.expect.action}`;
  if (f.provider === 'docstudio') return f.expect.status as string;
  return f.expect.event as string;
}

/**
 * The expected dedupe key. PandaDoc's fixtures record the unsigned `X-PandaDoc-Webhook-Event-Id` for reference; the
 * key is derived from the signed notification instead: it must contain its event, document id and status.
 */
function expectedId(f: FixtureFile): FixtureCase['id'] {
  if (f.provider !== 'pandadoc') return f.expect.dedupeKey;
  const [notification] = JSON.parse(f.request.body) as Array<{ event: string; data: { id: string; status: string } }>;
  if (notification === undefined) throw new Error(`${f.name}: a PandaDoc fixture holds at least one notification`);
  return [`${notification.event}:`, `:${notification.data.id}:`, `:${notification.data.status}:`];
}

function provider(f: FixtureFile, ignisignVerifier: { url: string; apiKey: string }): Provider {
  const c = f.credentials;
  switch (f.provider) {
    case 'adobe-sign':
      return adobeSign({ clientIds: c.clientIds as string[] });
    case 'ignisign':
      return ignisign({
        appId: c.appId as string,
        appEnv: c.appEnv as IgnisignAppEnv,
        verifyToken: ignisignApi({ apiKey: ignisignVerifier.apiKey, baseUrl: ignisignVerifier.url }),
      });
    case 'signit':
      return signit({ appId: c.appId as string, appSecret: c.appSecret as string });
    case 'docstudio':
      return docstudio({ login: c.login as string, password: c.password as string, successCode: c.successCode as number });
    case 'dropbox-sign':
      return dropboxSign({ apiKey: c.apiKey as string });
    case 'docusign':
      return docusign({ hmacKeys: c.hmacKeys as string[] });
    case 'yousign':
      // The conformance suite runs every adapter over real HTTP on a shared machine: Yousign's 400 ms default
      // budget is for production, not for a loaded CI runner.
      return yousign({ secrets: c.secrets as string[], timeoutMs: 10_000 });
    case 'pandadoc':
      return pandadoc({ sharedKeys: c.sharedKeys as string[] });
    case 'boldsign':
      // The fixtures are signed at a fixed time: the endpoint's clock is pinned to it.
      return boldsign({ secrets: c.secrets as string[], now: () => (c.now as number) * 1000 });
  }
}

export function loadFixtures(): Fixtures {
  const files: Array<{ file: string; fixture: FixtureFile }> = [];
  for (const dir of readdirSync(root).sort()) {
    for (const name of readdirSync(new URL(`${dir}/`, root)).sort()) {
      if (!name.endsWith('.json')) continue;
      files.push({ file: `${dir}/${name}`, fixture: JSON.parse(readFileSync(new URL(`${dir}/${name}`, root), 'utf8')) as FixtureFile });
    }
  }
  // Ignisign tokens are per delivery, not per endpoint: they do not split endpoints.
  const credentialKey = ({ fixture }: (typeof files)[number]): string => {
    const { validTokens: _tokens, ...rest } = fixture.credentials;
    return `${fixture.provider}:${JSON.stringify(rest)}`;
  };
  const endpointNames = new Map<string, string>();
  for (const entry of files) {
    const key = credentialKey(entry);
    if (!endpointNames.has(key)) endpointNames.set(key, `${entry.fixture.provider}-${endpointNames.size}`);
  }
  const cases = new Map<string, FixtureCase>();
  for (const entry of files.filter(({ fixture }) => fixture.expect.accepted)) {
    const endpoint = endpointNames.get(credentialKey(entry)) as string;
    const same = `${endpoint}:${JSON.stringify(entry.fixture.request)}`;
    const known = cases.get(same);
    if (known) {
      known.files.push(entry.file);
      continue;
    }
    cases.set(same, {
      files: [entry.file],
      provider: entry.fixture.provider,
      endpoint,
      request: entry.fixture.request,
      status: entry.fixture.expect.responseStatus ?? (entry.fixture.credentials.successCode as number | undefined) ?? 200,
      body: entry.fixture.expect.responseBody,
      name: expectedName(entry.fixture),
      id: expectedId(entry.fixture),
      answeredOnly: entry.fixture.provider === 'boldsign' && entry.fixture.expect.event === 'Verification',
      credentials: entry.fixture.credentials,
    });
  }
  return {
    cases: [...cases.values()],
    startIgnisignApi: () => fakeIgnisignApi({ validTokens: files.flatMap(({ fixture }) => (fixture.credentials.validTokens as string[] | undefined) ?? []) }),
    endpoints(ignisignVerifier) {
      const endpoints: Record<string, Provider> = {};
      for (const entry of files) endpoints[endpointNames.get(credentialKey(entry)) as string] ??= provider(entry.fixture, ignisignVerifier);
      return endpoints;
    },
  };
}
