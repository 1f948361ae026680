/**
 * Regression tests of the hardening findings (issue 9): what a hostile sender, a flood or a careless operator could
 * do to a receiver. Each test is named after what it protects.
 */
import { validateHeaderValue } from 'node:http';
import { SignJWT, base64url } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  adobeSign,
  boldsign,
  createReceiver,
  docstudio,
  docusign,
  dropboxSign,
  forwardedFor,
  ignisign,
  jsonLogger,
  memoryDedupe,
  memoryQueue,
  pandadoc,
  signit,
  yousign,
  type DedupeStore,
  type Logger,
  silentLogger,
} from '@countersign/core';
import { adobeSignDelivery } from '../../testing/src/adobe-sign.js';
import { boldsignDelivery } from '../../testing/src/boldsign.js';
import { docstudioDelivery } from '../../testing/src/docstudio.js';
import { docusignDelivery } from '../../testing/src/docusign.js';
import { dropboxSignDelivery } from '../../testing/src/dropbox-sign.js';
import { pandadocDelivery } from '../../testing/src/pandadoc.js';
import { signitDelivery } from '../../testing/src/signit.js';
import { yousignDelivery } from '../../testing/src/yousign.js';
import { errorOf } from './provider-harness.js';

const CLIENT_ID = 'CBJCHBCAABAAhardening';
const SIGNIT = { appId: 'app-1', appSecret: 'signit-secret' };
const DOCSTUDIO = { login: 'hooks', password: 'docstudio-password' };

/** A logger that keeps every record as the JSON line a structured logger would write. */
function recordingLogger() {
  const lines: string[] = [];
  const errors = (_key: string, value: unknown) => (value instanceof Error ? { message: value.message } : value);
  const write = (level: string) => (obj: object, msg?: string) => void lines.push(JSON.stringify({ level, ...obj, msg }, errors));
  const logger: Logger = { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
  return { logger, lines };
}

describe('hardening: an unbounded id cannot exhaust memory, the store or the log', () => {
  it('refuses a 10 MB Adobe webhookNotificationId with 400, keeps nothing and logs a bounded line', async () => {
    const { logger, lines } = recordingLogger();
    const claimed: string[] = [];
    const dedupe = memoryDedupe();
    const recording: DedupeStore = { ...dedupe, claim: (key, lease) => (claimed.push(key), dedupe.claim(key, lease)) };
    const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) }, dedupe: recording, logger });
    const res = await receiver.handle({ endpoint: 'adobe', ...adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'x'.repeat(10_000_000) }) });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('PAYLOAD_INVALID');
    expect(res.body.length).toBeLessThan(2000);
    expect(claimed).toEqual([]);
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThan(4096);
  });

  it('refuses an event name over 128 characters, whatever the provider accepts as unknown', async () => {
    const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) } });
    const res = await receiver.handle({ endpoint: 'adobe', ...adobeSignDelivery({ event: `AGREEMENT_${'X'.repeat(5000)}`, clientId: CLIENT_ID }) });
    expect(res.status).toBe(400);
    expect(errorOf(res).code).toBe('PAYLOAD_INVALID');
  });

  it('hashes a long derived key to a fixed size before it reaches the store or the handlers', async () => {
    const claimed: string[] = [];
    const dedupe = memoryDedupe();
    const recording: DedupeStore = { ...dedupe, claim: (key, lease) => (claimed.push(key), dedupe.claim(key, lease)) };
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { signit: signit(SIGNIT) }, dedupe: recording, queue });
    const ids: string[] = [];
    receiver.onAny((event) => void ids.push(event.key));
    const long = await signitDelivery({ ...SIGNIT, event: 'envelopeCompleted', rawData: { invokeNo: 'i'.repeat(100_000), basicEnvelope: { wsid: 'w', status: 'COMPLETED' } } });
    expect((await receiver.handle({ endpoint: 'signit', ...long })).status).toBe(200);
    expect((await receiver.handle({ endpoint: 'signit', ...long })).status).toBe(200);
    await queue.idle();
    expect(ids).toHaveLength(1);
    expect(ids[0]!.length).toBeLessThanOrEqual(200);
    expect(ids[0]).toMatch(/#[0-9a-f]{64}$/);
    expect(claimed.every((key) => key.length <= 'signit:'.length + 200)).toBe(true);
  });
});

describe('hardening: the newer platforms bound ids and event names too, after their signature verified', () => {
  const HUGE = 'x'.repeat(10_000_000);
  const NAME = `EVENT_${'X'.repeat(5000)}`;
  const SECRET = 'hardening-secret';
  const endpoints = {
    docusign: docusign({ hmacKeys: SECRET }),
    'dropbox-sign': dropboxSign({ apiKey: SECRET }),
    yousign: yousign({ secrets: SECRET }),
    pandadoc: pandadoc({ sharedKeys: SECRET }),
    boldsign: boldsign({ secrets: SECRET }),
  };
  const signatureRequest = (id: string) => ({ signature_request_id: id, title: 'Lease', signatures: [] });
  // Each delivery is correctly signed: the refusal is the size of what it names, not the credential.
  const cases: Array<[string, keyof typeof endpoints, () => Promise<{ method: string; headers: Record<string, string>; body: string; query?: string }>]> = [
    // 4 MB: Connect writes the envelope id twice (in `uri` too), and 20 MB would be refused as too large (413) first.
    ['a 4 MB DocuSign envelopeId', 'docusign', () => docusignDelivery({ hmacKeys: SECRET, event: 'envelope-completed', data: { envelopeId: HUGE.slice(0, 4_000_000) } })],
    ['a 5000-character DocuSign event', 'docusign', () => docusignDelivery({ hmacKeys: SECRET, event: NAME.toLowerCase() })],
    ['a 10 MB Dropbox Sign signature_request_id', 'dropbox-sign', () => dropboxSignDelivery({ apiKey: SECRET, eventType: 'signature_request_all_signed', signatureRequest: signatureRequest(HUGE) })],
    ['a 5000-character Dropbox Sign event_type', 'dropbox-sign', () => dropboxSignDelivery({ apiKey: SECRET, eventType: NAME.toLowerCase() })],
    ['a 10 MB Yousign event_id', 'yousign', () => yousignDelivery({ secret: SECRET, eventName: 'signature_request.done', eventId: HUGE })],
    ['a 5000-character Yousign event_name', 'yousign', () => yousignDelivery({ secret: SECRET, eventName: `signer.${NAME}` })],
    ['a 10 MB PandaDoc document id', 'pandadoc', () => pandadocDelivery({ sharedKey: SECRET, notifications: [{ event: 'document_state_changed', data: { id: HUGE, status: 'document.sent' } }] })],
    ['a 5000-character PandaDoc event', 'pandadoc', () => pandadocDelivery({ sharedKey: SECRET, notifications: [{ event: NAME, data: { id: 'doc-1', status: 'document.sent' } }] })],
    ['a 10 MB BoldSign event id', 'boldsign', () => boldsignDelivery({ secret: SECRET, eventType: 'Completed', id: HUGE, data: { documentId: 'doc-1' } })],
    ['a 5000-character BoldSign eventType', 'boldsign', () => boldsignDelivery({ secret: SECRET, eventType: NAME, data: { documentId: 'doc-1' } })],
  ];

  it.each(cases)('refuses %s with 400, claims and queues nothing, and logs bounded lines', async (_case, endpoint, build) => {
    const { logger, lines } = recordingLogger();
    const claimed: string[] = [];
    const dedupe = memoryDedupe();
    const recording: DedupeStore = { ...dedupe, claim: (key, lease) => (claimed.push(key), dedupe.claim(key, lease)) };
    const queue = memoryQueue();
    const receiver = createReceiver({ endpoints, dedupe: recording, queue, logger });
    let handled = 0;
    receiver.onAny(() => void handled++);
    const res = await receiver.handle({ endpoint, ...(await build()) });
    await queue.idle();
    expect([res.status, errorOf(res).code]).toEqual([400, 'PAYLOAD_INVALID']);
    expect(res.body.length).toBeLessThan(2000);
    expect([claimed, handled]).toEqual([[], 0]);
    expect(Math.max(0, ...lines.map((l) => l.length))).toBeLessThan(4096);
    await receiver.close();
  });

  it('never asks a per-account DocuSign key lookup about an accountId longer than 256 characters', async () => {
    const asked: number[] = [];
    const receiver = createReceiver({
      logger: silentLogger,
      endpoints: { docusign: docusign({ hmacKeys: (account: string) => (asked.push(account.length), account.length <= 256 ? SECRET : undefined) }) },
    });
    const res = await receiver.handle({ endpoint: 'docusign', ...(await docusignDelivery({ hmacKeys: SECRET, event: 'envelope-completed', data: { accountId: HUGE } })) });
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(asked.every((length) => length <= 256)).toBe(true);
    expect(res.body.length).toBeLessThan(2000);
    await receiver.close();
  });
});

describe('hardening: a flood on one endpoint does not erase dedupe for the others', () => {
  it("keeps SignIt's and DocStudio's keys while Adobe's traffic overflows its own share, and tells the operator", async () => {
    const { logger, lines } = recordingLogger();
    const dedupe = memoryDedupe({ maxEntries: 50, logger });
    const queue = memoryQueue();
    const receiver = createReceiver({
      logger: silentLogger,
      endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }), signit: signit(SIGNIT), docstudio: docstudio(DOCSTUDIO) },
      dedupe,
      queue,
    });
    let handled = 0;
    receiver.onAny(() => void handled++);
    const signitEvent = await signitDelivery({ ...SIGNIT, event: 'envelopeCompleted', rawData: { invokeNo: 'inv-1', basicEnvelope: { wsid: 'w-1', status: 'COMPLETED' } } });
    const docstudioEvent = docstudioDelivery({ ...DOCSTUDIO, status: 'COMPLETED' });
    const firstAdobe = adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: 'first' });
    for (const [endpoint, request] of [['signit', signitEvent], ['docstudio', docstudioEvent], ['adobe', firstAdobe]] as const) {
      expect((await receiver.handle({ endpoint, ...request })).status).toBe(200);
    }
    for (let i = 0; i < 120; i++) {
      await receiver.handle({ endpoint: 'adobe', ...adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, notificationId: `flood-${i}` }) });
    }
    await queue.idle();
    const before = handled;
    // Byte-identical replays of the other endpoints' deliveries are still duplicates.
    expect((await receiver.handle({ endpoint: 'signit', ...signitEvent })).status).toBe(200);
    expect((await receiver.handle({ endpoint: 'docstudio', ...docstudioEvent })).status).toBe(200);
    await queue.idle();
    expect(handled).toBe(before);
    // Adobe's own share evicted its oldest keys early: counted, logged and in the readiness report.
    expect(dedupe.stats().evictedEarly).toEqual({ adobe: 71 });
    expect(lines.some((line) => line.includes('"level":"warn"') && line.includes('dedupe store full'))).toBe(true);
    const report = await receiver.ready();
    expect(report.ready).toBe(true);
    expect(report.checks.dedupe.warning).toContain('71 accepted key(s) were evicted');
  });
});

describe('hardening: configuration fails closed', () => {
  const unset = process.env['COUNTERSIGN_SURELY_UNSET'];
  it.each([
    ['adobeSign without client ids', () => adobeSign({ clientIds: unset as unknown as string })],
    ['ignisign without an app id', () => ignisign({ appId: unset as unknown as string, appEnv: 'PRODUCTION', verifyToken: () => true })],
    ['signit without a secret', () => signit({ appId: 'app', appSecret: unset as unknown as string })],
    ['docstudio without login and password', () => docstudio({ login: unset, password: unset })],
  ])('%s refuses to start with CONFIG_INVALID', (_case, build) => {
    expect(build).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});

describe('hardening: the in-memory queue is bounded', () => {
  it('answers 503 QUEUE_FULL with Retry-After past maxEvents, says why in readiness, and takes events again once handlers catch up', async () => {
    const queue = memoryQueue({ maxEvents: 3 });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { signit: signit(SIGNIT) }, queue });
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let handled = 0;
    receiver.onAny(async () => {
      await gate;
      handled++;
    });
    const send = async (n: number) =>
      receiver.handle({ endpoint: 'signit', ...(await signitDelivery({ ...SIGNIT, event: 'envelopeStarted', rawData: { invokeNo: `inv-${n}` } })) });
    for (let n = 0; n < 3; n++) expect((await send(n)).status).toBe(200);
    const refused = await send(3);
    expect(refused.status).toBe(503);
    expect(errorOf(refused).code).toBe('QUEUE_FULL');
    expect(refused.headers['retry-after']).toBe('30');
    const report = await receiver.ready();
    expect(report.ready).toBe(false);
    expect(report.checks.queue.error).toContain('maxEvents');
    release();
    await queue.idle();
    expect(handled).toBe(3);
    expect((await send(3)).status).toBe(200); // the platform's retry is accepted: nothing was lost
    await queue.idle();
    expect(handled).toBe(4);
  });

  it('counts bytes too: past maxBytes a delivery is refused, not buffered', async () => {
    const queue = memoryQueue({ maxBytes: 4000 });
    const receiver = createReceiver({ logger: silentLogger, endpoints: { signit: signit(SIGNIT) }, queue });
    receiver.onAny(() => new Promise(() => undefined)); // handlers that never finish
    const big = (n: number) => signitDelivery({ ...SIGNIT, event: 'envelopeStarted', rawData: { invokeNo: `inv-${n}`, padding: 'p'.repeat(1500) } });
    const statuses: number[] = [];
    for (let n = 0; n < 4; n++) statuses.push((await receiver.handle({ endpoint: 'signit', ...(await big(n)) })).status);
    expect(statuses).toEqual([200, 200, 503, 503]);
  });
});

describe('hardening: validation cannot freeze the server or flood the answer', () => {
  it('dead-letters 280 000 invalid items with a short error, after checking a bounded number of them', async () => {
    const queue = memoryQueue();
    const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID }) }, queue });
    const participantSets = Array.from({ length: 280_000 }, () => 1);
    const res = await receiver.handle({
      endpoint: 'adobe',
      ...adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, extra: { agreement: { id: 'a', participantSetsInfo: { participantSets } } } }),
    });
    // The envelope is fine: acknowledged (Acrobat Sign would retry a 4xx for 72 h), then validated before the handlers.
    expect(res.status).toBe(200);
    await queue.idle();
    const [letter] = await receiver.deadLetters();
    const error = letter!.error;
    expect(error.code).toBe('PAYLOAD_INVALID');
    expect(error.details).toHaveLength(21); // 20 issues and one line counting the rest
    expect(JSON.stringify(error.details)).toContain('more issues');
    expect(error.message.length).toBeLessThan(5000);
    expect(error.message).toContain('and ');
  });
});

describe('hardening: every header countersign writes is valid, whatever the input', () => {
  it('answers a bearer JWT whose crit header holds CR/LF and non-Latin-1 text with 401 JSON and writable headers', async () => {
    const key = new Uint8Array(32).fill(7);
    const receiver = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID, oauth: { key } }) } });
    for (const crit of ['x\r\nSet-Cookie: a=b', 'привіт', 'e\u2028f']) {
      const header = base64url.encode(JSON.stringify({ alg: 'HS256', crit: [crit], [crit]: true }));
      const signed = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m').sign(key);
      const token = `${header}.${signed.split('.')[1]}.${signed.split('.')[2]}`;
      const res = await receiver.handle({ endpoint: 'adobe', ...adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: token }) });
      expect(res.status).toBe(401);
      expect(errorOf(res).code).toBe('AUTH_INVALID');
      for (const [name, value] of Object.entries(res.headers)) expect(() => validateHeaderValue(name, value)).not.toThrow();
    }
  });
});

describe('hardening: answers never tell the sender internal addresses', () => {
  it('keeps a dedupe store failure and an unreachable JWKS out of the answer, and in the log', async () => {
    const { logger, lines } = recordingLogger();
    const failing: DedupeStore = { claim: () => Promise.reject(new Error('connect ECONNREFUSED 10.1.2.3:6379')), commit: async () => undefined, release: async () => undefined };
    const receiver = createReceiver({ endpoints: { signit: signit(SIGNIT) }, dedupe: failing, logger });
    const res = await receiver.handle({ endpoint: 'signit', ...(await signitDelivery({ ...SIGNIT, event: 'envelopeStarted', rawData: { invokeNo: 'i' } })) });
    expect(res.status).toBe(503);
    expect(errorOf(res).code).toBe('DEDUPE_UNAVAILABLE');
    expect(res.body).not.toContain('10.1.2.3');
    expect(lines.join('\n')).toContain('10.1.2.3');

    const jwks = createReceiver({ logger: silentLogger, endpoints: { adobe: adobeSign({ clientIds: CLIENT_ID, oauth: { jwksUrl: 'http://127.0.0.1:9/jwks.json' } }) } });
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid: 'k' }).setExpirationTime('5m').sign(new Uint8Array(32)).catch(() => 'a.b.c');
    const unreachable = await jwks.handle({ endpoint: 'adobe', ...adobeSignDelivery({ event: 'AGREEMENT_CREATED', clientId: CLIENT_ID, accessToken: token }) });
    expect(unreachable.body).not.toContain('127.0.0.1');
  });
});

describe('hardening: log lines stay single lines of bounded length', () => {
  it('jsonLogger escapes U+2028/U+2029, clips long strings and writes errors with message and stack', () => {
    const written: string[] = [];
    const original = console.error;
    console.error = (line: string) => void written.push(line);
    try {
      jsonLogger('info').warn({ event: `a\u2028b\u2029c${'x'.repeat(100_000)}`, err: Object.assign(new Error('boom'), { code: 'E_BOOM' }) }, 'refused');
    } finally {
      console.error = original;
    }
    expect(written).toHaveLength(1);
    const line = written[0] as string;
    expect(line).not.toMatch(/[\u2028\u2029]/);
    expect(line.length).toBeLessThan(10_000);
    const record = JSON.parse(line) as { event: string; err: { message: string; code: string; stack: string } };
    expect(record.event.startsWith('a\u2028b\u2029c')).toBe(true);
    expect(record.err).toMatchObject({ message: 'boom', code: 'E_BOOM', stack: expect.stringContaining('boom') });
  });
});

describe('hardening: password guessing can be bounded per sender address (opt-in)', () => {
  it('answers 429 with Retry-After after too many failed authentications from one address, others unaffected', async () => {
    const receiver = createReceiver({ logger: silentLogger, endpoints: { docstudio: docstudio(DOCSTUDIO) }, authFailureLimit: { max: 3 } });
    const guess = (password: string, remoteAddress: string) =>
      receiver.handle({ endpoint: 'docstudio', remoteAddress, ...docstudioDelivery({ login: 'hooks', password, status: 'COMPLETED' }) });
    for (let i = 0; i < 3; i++) expect((await guess(`guess-${i}`, '203.0.113.9')).status).toBe(401);
    const limited = await guess(DOCSTUDIO.password, '203.0.113.9');
    expect(limited.status).toBe(429);
    expect(errorOf(limited).code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await guess(DOCSTUDIO.password, '198.51.100.7')).status).toBe(200);
  });

  it('counts by the forwarded address behind a trusted proxy', async () => {
    const receiver = createReceiver({ logger: silentLogger, endpoints: { docstudio: docstudio(DOCSTUDIO) }, authFailureLimit: { max: 1, clientAddress: forwardedFor(1) } });
    const send = (password: string, forwarded: string) => {
      const delivery = docstudioDelivery({ login: 'hooks', password, status: 'COMPLETED' });
      return receiver.handle({ endpoint: 'docstudio', remoteAddress: '10.0.0.1', ...delivery, headers: { ...delivery.headers, 'x-forwarded-for': forwarded } });
    };
    expect((await send('wrong', 'spoofed, 203.0.113.9')).status).toBe(401);
    expect((await send(DOCSTUDIO.password, 'other, 203.0.113.9')).status).toBe(429);
    expect((await send(DOCSTUDIO.password, '198.51.100.7')).status).toBe(200);
  });
});
