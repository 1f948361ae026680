import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, type EventName } from '@countersign/core';
import { toy, type ToyPayload } from './toy-provider.js';

describe('handler typing', () => {
  const receiver = createReceiver({ endpoints: { toy: toy(), other: toy() } });

  it('types payloads by event name', () => {
    receiver.on('toy:PING', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'PING'>();
      expectTypeOf(event.payload.event).toEqualTypeOf<'PING'>();
      expectTypeOf(event.endpoint).toEqualTypeOf<'toy'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
    });
  });

  it('gives topic handlers the union of the topic and unknown events', () => {
    receiver.on('toy:TABLE_TENNIS', (event) => {
      if (event.known) expectTypeOf(event.name).toEqualTypeOf<'PING' | 'PONG'>();
      else expectTypeOf(event.payload).toEqualTypeOf<ToyPayload>();
    });
  });

  it('narrows wildcard and onAny events by endpoint, known and name', () => {
    receiver.onAny((event) => {
      if (event.endpoint === 'other' && event.known && event.name === 'PONG') {
        expectTypeOf(event.payload.event).toEqualTypeOf<'PONG'>();
      }
    });
    receiver.on(['toy:PING', 'toy:PONG'], (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'PING' | 'PONG'>();
    });
  });

  it('rejects misspelt names at compile time', () => {
    // @ts-expect-error misspelt event
    receiver.on('toy:PIGN', () => undefined);
    // @ts-expect-error unknown endpoint
    receiver.on('toys:PING', () => undefined);
    // @ts-expect-error a name needs its endpoint
    receiver.on('PING', () => undefined);
    expectTypeOf<'toy:*'>().toMatchTypeOf<EventName<typeof receiver.endpoints>>();
  });
});
