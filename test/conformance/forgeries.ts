/**
 * Forgeries of every signed fixture, through every adapter: the same delivery with one byte of the body changed,
 * signed with a key the endpoint does not have, or without its signature, is refused with 401 and nothing is queued;
 * a BoldSign delivery signed (with the right secret) outside the tolerance is refused too. Dropbox Sign's hash
 * covers only the event's time and type, not the body: its forgeries change what the hash covers.
 */
import { expect } from 'vitest';
import { dropboxSignEventHash } from '@countersign/core/dropbox-sign';
import { boldsignSignatureHeader, docusignSignature, pandadocSignature, yousignSignature } from '@countersign/testing';
import type { ConformanceCase } from './cases.js';
import type { FixtureCase } from './fixtures.js';

const WRONG_KEY = 'a-key-this-endpoint-does-not-have';

/** The request as sent: path (with PandaDoc's query), headers and body. */
interface Wire {
  path: string;
  headers: Record<string, string>;
  body: string;
}

interface Forger {
  /** The same delivery signed with `key`. */
  signedWith(wire: Wire, key: string, f: FixtureCase): Promise<Wire>;
  /** The same delivery without its signature. */
  unsigned(wire: Wire): Wire;
  /** One byte changed where the signature covers it. */
  tampered(wire: Wire): Wire;
}

const withoutHeader = (wire: Wire, name: string): Wire => ({ ...wire, headers: Object.fromEntries(Object.entries(wire.headers).filter(([k]) => k.toLowerCase() !== name)) });
const withHeader = (wire: Wire, name: string, value: string): Wire => ({ ...withoutHeader(wire, name), headers: { ...withoutHeader(wire, name).headers, [name]: value } });
/** The body with its last character changed (any byte the HMAC covers will do). */
const lastByteChanged = (wire: Wire): Wire => ({ ...wire, body: `${wire.body.slice(0, -1)}${wire.body.endsWith(' ') ? '\n' : ' '}` });
const withQuery = (wire: Wire, query: string | undefined): Wire => ({ ...wire, path: `${wire.path.split('?')[0]}${query === undefined ? '' : `?${query}`}` });

/** Dropbox Sign: `event_hash` sits in the `json` document (multipart field, or the whole JSON body). */
function dropboxDocument(wire: Wire, change: (event: Record<string, unknown>) => Promise<void> | void): Promise<Wire> {
  const json = /name="json"\r\n\r\n([\s\S]*?)\r\n--/.exec(wire.body)?.[1] ?? wire.body;
  const document = JSON.parse(json) as { event: Record<string, unknown> };
  return Promise.resolve(change(document.event)).then(() => ({ ...wire, body: wire.body.replace(json, JSON.stringify(document)) }));
}

const forgers: Partial<Record<FixtureCase['provider'], Forger>> = {
  docusign: {
    signedWith: async (wire, key) => withHeader(withoutHeader(withoutHeader(wire, 'x-docusign-signature-2'), 'x-docusign-signature-3'), 'x-docusign-signature-1', await docusignSignature(key, wire.body)),
    unsigned: (wire) => ({ ...wire, headers: Object.fromEntries(Object.entries(wire.headers).filter(([k]) => !/^x-docusign-signature-\d+$/i.test(k))) }),
    tampered: lastByteChanged,
  },
  yousign: {
    signedWith: async (wire, key) => withHeader(wire, 'x-yousign-signature-256', await yousignSignature(key, wire.body)),
    unsigned: (wire) => withoutHeader(wire, 'x-yousign-signature-256'),
    tampered: lastByteChanged,
  },
  pandadoc: {
    signedWith: async (wire, key) => withQuery(wire, `signature=${await pandadocSignature(key, wire.body)}`),
    unsigned: (wire) => withQuery(wire, undefined),
    tampered: lastByteChanged,
  },
  boldsign: {
    signedWith: async (wire, key, f) => withHeader(wire, 'x-boldsign-signature', await boldsignSignatureHeader(wire.body, { secret: key, timestamp: f.credentials.now as number })),
    unsigned: (wire) => withoutHeader(wire, 'x-boldsign-signature'),
    tampered: lastByteChanged,
  },
  'dropbox-sign': {
    signedWith: (wire, key) =>
      dropboxDocument(wire, async (event) => {
        event.event_hash = await dropboxSignEventHash(key, String(event.event_time), String(event.event_type));
      }),
    unsigned: (wire) => {
      const json = /name="json"\r\n\r\n([\s\S]*?)\r\n--/.exec(wire.body)?.[1] ?? wire.body;
      const document = JSON.parse(json) as { event: Record<string, unknown> };
      delete document.event.event_hash;
      return { ...wire, body: wire.body.replace(json, JSON.stringify(document)) };
    },
    // What the hash covers: the event's time, one second later.
    tampered: (wire) => {
      const json = /name="json"\r\n\r\n([\s\S]*?)\r\n--/.exec(wire.body)?.[1] ?? wire.body;
      const document = JSON.parse(json) as { event: { event_time: string } };
      document.event.event_time = String(Number(document.event.event_time) + 1);
      return { ...wire, body: wire.body.replace(json, JSON.stringify(document)) };
    },
  },
};

function refusal(f: FixtureCase, what: string, forge: (wire: Wire) => Promise<Wire> | Wire): ConformanceCase {
  return {
    name: `${f.files[0]}: ${what} is refused with 401, nothing queued`,
    async run(ctx) {
      const wire: Wire = { path: f.request.query === undefined ? `/${f.endpoint}` : `/${f.endpoint}?${f.request.query}`, headers: f.request.headers, body: f.request.body };
      const forged = await forge(wire);
      const before = ctx.harness.enqueuedTotal(f.endpoint);
      const res = await ctx.send({ method: f.request.method, ...forged });
      expect(res.status, res.body).toBe(401);
      expect(res.error?.code).toMatch(/^AUTH_(MISSING|INVALID)$/);
      expect(ctx.harness.enqueuedTotal(f.endpoint)).toBe(before);
    },
  };
}

/** The forgeries of one fixture (none for platforms that sign nothing of the body here). */
export function forgeryCases(f: FixtureCase): ConformanceCase[] {
  const forger = forgers[f.provider];
  if (forger === undefined) return [];
  const cases = [
    refusal(f, f.provider === 'dropbox-sign' ? 'the same callback with its event_time changed' : 'the same body with one byte changed', forger.tampered),
    refusal(f, 'the same delivery signed with a wrong key', (wire) => forger.signedWith(wire, WRONG_KEY, f)),
    refusal(f, 'the same delivery without its signature', forger.unsigned),
  ];
  if (f.provider === 'boldsign') {
    const [secret] = f.credentials.secrets as string[];
    cases.push(
      refusal(f, 'the same body signed with the right secret 301 s before the endpoint\'s clock', async (wire) =>
        withHeader(wire, 'x-boldsign-signature', await boldsignSignatureHeader(wire.body, { secret: secret as string, timestamp: (f.credentials.now as number) - 301 })),
      ),
    );
  }
  return cases;
}
