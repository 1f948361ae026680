import { describe, expect, it } from 'vitest';
import { createReceiver, defineProvider, jsonResponse, memoryQueue } from '@countersign/core';

const toy = defineProvider<{ events: { PING: { event: 'PING'; id: string } }; topics: {}; base: { event: string; id: string } }>({
  kind: 'toy',
  authenticate() {},
  parse(ctx) {
    const body = ctx.json() as { event: string; id: string };
    return { name: body.event, key: body.id, known: body.event === 'PING', payload: body };
  },
  acknowledge: (_ctx, outcome) => jsonResponse(200, { outcome }),
});

describe('smoke', () => {
  it('accepts and dispatches', async () => {
    const queue = memoryQueue();
    const r = createReceiver({ endpoints: { toy }, queue });
    const seen: string[] = [];
    r.on('toy:PING', (e) => {
      seen.push(e.payload.id);
    });
    const res = await r.handle({ method: 'POST', endpoint: '/webhooks/toy', headers: {}, body: '{"event":"PING","id":"1"}' });
    expect(res.status).toBe(200);
    await queue.idle();
    expect(seen).toEqual(['1']);
  });
});
