import { describe, expect, it } from 'vitest';
import { adobeSign, createReceiver, docstudio, ignisign, signit } from '@countersign/core';

const endpoints = { s: signit({ appId: 'app', appSecret: 'secret' }) };

describe('options are checked once, in one place, with the offending value', () => {
  it.each([
    ['ignisign timeoutMs -5', () => ignisign({ appId: 'a', appEnv: 'PRODUCTION', verifyToken: () => true, timeoutMs: -5 }), '`timeoutMs`', '-5'],
    ['signit maxBodyBytes 1.5', () => signit({ appId: 'a', appSecret: 's', maxBodyBytes: 1.5 }), '`maxBodyBytes`', '1.5'],
    ['adobeSign successStatus 302', () => adobeSign({ clientIds: 'x', successStatus: 302 }), '`successStatus`', '302'],
    ['adobeSign timeoutMs Infinity', () => adobeSign({ clientIds: 'x', timeoutMs: Infinity }), '`timeoutMs`', 'null'],
    ['docstudio retentionMs 0', () => docstudio({ login: 'l', password: 'p', retentionMs: 0 }), '`retentionMs`', '0'],
    ['createReceiver maxBodyBytes -1', () => createReceiver({ endpoints, maxBodyBytes: -1 }), '`maxBodyBytes`', '-1'],
    ['createReceiver timeoutMs "4000"', () => createReceiver({ endpoints, timeoutMs: '4000' as unknown as number }), '`timeoutMs`', '"4000"'],
    ['createReceiver claimTtlMs 0', () => createReceiver({ endpoints, claimTtlMs: 0 }), '`claimTtlMs`', '0'],
  ])('%s: CONFIG_INVALID naming the option and the value', (_case, build, option, value) => {
    expect(build).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining(option) }));
    expect(build).toThrow(expect.objectContaining({ message: expect.stringContaining(`(got ${value})`) }));
  });

  it('sets budgets and retention from the platform: Acrobat Sign 4 s within its 5, 72 h of retries; DocStudio its callback timeout', () => {
    const adobe = adobeSign({ clientIds: 'x' });
    expect([adobe.timeoutMs, adobe.retentionMs]).toEqual([4000, 72 * 60 * 60 * 1000]);
    expect(adobeSign({ clientIds: 'x', timeoutMs: 2500, retentionMs: 1000 })).toMatchObject({ timeoutMs: 2500, retentionMs: 1000 });
    expect(docstudio({ login: 'l', password: 'p', callbackTimeoutMs: 2000 }).timeoutMs).toBe(1800);
    expect(signit({ appId: 'a', appSecret: 's' }).timeoutMs).toBeUndefined(); // the receiver's default
  });

  it("docstudio: the callback's timeout (callbackTimeoutMs, DocStudio's setting) is not countersign's budget (timeoutMs)", () => {
    const legacy = docstudio({ login: 'l', password: 'p', timeoutMs: 2000 });
    expect(legacy.timeoutMs).toBe(1800); // alone, the deprecated name of callbackTimeoutMs, as before: and a warning
    expect(legacy.warnings).toEqual([expect.stringContaining('rename it `callbackTimeoutMs`')]);
    expect(docstudio({ login: 'l', password: 'p', callbackTimeoutMs: 2000 }).warnings).toBeUndefined();
    const both = docstudio({ login: 'l', password: 'p', callbackTimeoutMs: 10_000, timeoutMs: 3000 });
    expect([both.timeoutMs, both.warnings]).toEqual([3000, undefined]); // with it, the budget, as on every endpoint
    expect(() => docstudio({ login: 'l', password: 'p', callbackTimeoutMs: 2000, timeoutMs: 2500 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('must not exceed `callbackTimeoutMs`') }),
    );
    expect(() => docstudio({ login: 'l', password: 'p', timeoutMs: 50 })).toThrow(
      expect.objectContaining({ code: 'CONFIG_INVALID', message: expect.stringContaining('`timeoutMs` (read as `callbackTimeoutMs`)') }),
    );
  });

  it('docstudio: successStatus is the one name; successCode stays as a deprecated alias, and the two must agree', async () => {
    const answer = async (options: Parameters<typeof docstudio>[0]) => {
      const receiver = createReceiver({ endpoints: { d: docstudio(options) } });
      const auth = `Basic ${btoa('l:p')}`;
      return (await receiver.handle({ method: 'POST', endpoint: 'd', headers: { authorization: auth }, body: '{"uuid":"u","status":"SENT"}' })).status;
    };
    expect(await answer({ login: 'l', password: 'p', successStatus: 202 })).toBe(202);
    expect(await answer({ login: 'l', password: 'p', successCode: 204 })).toBe(204);
    expect(() => docstudio({ login: 'l', password: 'p', successStatus: 202, successCode: 204 })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });
});
