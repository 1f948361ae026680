import { describe, expect, it } from 'vitest';
import { createReceiver, docstudio, memoryQueue, secretSource, signit, type WebhookResponse } from '@countersign/core';
import { docstudioDelivery } from '../../testing/src/docstudio.js';
import { signitDelivery } from '../../testing/src/signit.js';

const codeOf = (res: WebhookResponse) => (JSON.parse(res.body) as { error: { code: string } }).error.code;

describe('secrets: several at once, and looked up per delivery', () => {
  it('signit: a lookup per app id verifies known apps, refuses unknown ones (401), answers 503 when it fails, and is cached', async () => {
    const calls: string[] = [];
    let failing = false;
    const provider = signit({
      secrets: async (appId) => {
        calls.push(appId);
        if (failing) throw new Error('vault sealed');
        return appId === 'customer-1' ? ['new-secret', 'old-secret'] : undefined;
      },
    });
    const queue = memoryQueue();
    const receiver = createReceiver({ endpoints: { signit: provider }, queue });
    const accounts: Array<string | undefined> = [];
    receiver.onAny((event) => void accounts.push(event.delivery.account));
    const send = async (appId: string, appSecret: string, invokeNo: string) =>
      receiver.handle({ endpoint: 'signit', ...(await signitDelivery({ appId, appSecret, event: 'envelopeStarted', rawData: { invokeNo } })) });

    expect((await send('customer-1', 'new-secret', 'a')).status).toBe(200);
    expect((await send('customer-1', 'old-secret', 'b')).status).toBe(200); // rotation: either verifies
    const wrong = await send('customer-1', 'guess', 'c');
    expect([wrong.status, codeOf(wrong)]).toEqual([401, 'AUTH_INVALID']);
    const unknown = await send('customer-2', 'new-secret', 'd');
    expect([unknown.status, codeOf(unknown)]).toEqual([401, 'AUTH_INVALID']);
    expect(calls).toEqual(['customer-1', 'customer-2']); // cached per app id
    failing = true;
    const down = await send('customer-3', 'x', 'e');
    expect([down.status, codeOf(down)]).toEqual([503, 'VERIFICATION_UNAVAILABLE']);
    expect(down.body).not.toContain('vault sealed');
    await queue.idle();
    expect(accounts).toEqual(['customer-1', 'customer-1']);
  });

  it('docstudio: several passwords during a rotation, or a lookup per login', async () => {
    const rotating = createReceiver({ endpoints: { d: docstudio({ login: 'hooks', password: ['new', 'old'] }) } });
    for (const password of ['new', 'old']) {
      expect((await rotating.handle({ endpoint: 'd', ...docstudioDelivery({ login: 'hooks', password, status: 'SENT' }) })).status).toBe(200);
    }
    expect((await rotating.handle({ endpoint: 'd', ...docstudioDelivery({ login: 'hooks', password: 'other', status: 'SENT' }) })).status).toBe(401);

    const perLogin = createReceiver({ endpoints: { d: docstudio({ credentials: (login) => (login === 'acme' ? 'acme-password' : undefined) }) } });
    expect((await perLogin.handle({ endpoint: 'd', ...docstudioDelivery({ login: 'acme', password: 'acme-password', status: 'SENT' }) })).status).toBe(200);
    expect((await perLogin.handle({ endpoint: 'd', ...docstudioDelivery({ login: 'other', password: 'acme-password', status: 'SENT' }) })).status).toBe(401);
    expect(() => docstudio({ credentials: () => 'x', login: 'l', password: 'p' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('secretSource: a fixed list is checked at start; a lookup shares concurrent calls and does not cache failures', async () => {
    expect(() => secretSource([], { name: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(() => secretSource(['a', ''], { name: 'x' })).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    let calls = 0;
    let fail = true;
    const resolve = secretSource(
      async () => {
        calls++;
        if (fail) throw new Error('down');
        return 's';
      },
      { name: 'x' },
    );
    const signal = new AbortController().signal;
    await expect(resolve('acct', signal)).rejects.toMatchObject({ code: 'VERIFICATION_UNAVAILABLE' });
    fail = false;
    const [a, b] = await Promise.all([resolve('acct', signal), resolve('acct', signal)]);
    expect(a).toEqual(['s']);
    expect(b).toEqual(['s']);
    expect(calls).toBe(2); // the failure was not remembered; the two concurrent calls shared one lookup
  });
});
