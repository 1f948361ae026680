import { CountersignError, defineProvider, jsonResponse } from '@countersign/core';

export type ToyPayload = { event: string; id: string; value?: number };

/** A minimal provider for pipeline tests: `x-token: let-me-in`, body `{event, id}`. */
export function toy(options: { timeoutMs?: number; maxBodyBytes?: number; slowAuth?: Promise<void> } = {}) {
  return defineProvider<{
    events: { PING: ToyPayload & { event: 'PING' }; PONG: ToyPayload & { event: 'PONG' } };
    topics: { TABLE_TENNIS: 'PING' | 'PONG' };
    base: ToyPayload;
  }>({
    kind: 'toy',
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    async authenticate(ctx) {
      if (options.slowAuth) await options.slowAuth;
      if (ctx.headers.get('x-token') !== 'let-me-in') throw new CountersignError('AUTH_INVALID', 'bad token');
    },
    parse(ctx) {
      const body = ctx.json();
      if (typeof body.id !== 'string' || typeof body.event !== 'string') {
        throw new CountersignError('PAYLOAD_INVALID', 'id and event must be strings');
      }
      const known = body.event === 'PING' || body.event === 'PONG';
      return { name: body.event, topic: known ? 'TABLE_TENNIS' : undefined, known, key: body.id, payload: body };
    },
    acknowledge: (_ctx, outcome) => jsonResponse(200, { outcome }),
  });
}

export const headers = { 'x-token': 'let-me-in', 'content-type': 'application/json' };

export function delivery(id: string, event = 'PING', extra: Record<string, unknown> = {}) {
  return { method: 'POST', endpoint: 'toy', headers, body: JSON.stringify({ event, id, ...extra }) };
}
