import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, yousign } from '@countersign/core';
import { type YousignEventName } from '@countersign/core/yousign';

const receiver = createReceiver({ endpoints: { yousign: yousign({ secrets: ['a', 'b'] }) } });

describe('yousign types', () => {
  it('types the payload from the event name', () => {
    receiver.on('yousign:signature_request.done', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'signature_request.done'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event_name).toEqualTypeOf<'signature_request.done'>();
      expectTypeOf(event.payload.event_id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.signature_request.id).toEqualTypeOf<string>();
    });
    receiver.on('yousign:signer.done', (event) => {
      expectTypeOf(event.payload.data.signer.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.signer.info).exclude<null | undefined>().toHaveProperty('email').toEqualTypeOf<string | null | undefined>();
    });
  });

  it('gives topic handlers the topic events and unknown ones', () => {
    receiver.on('yousign:signer', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<YousignEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
    });
    receiver.on('yousign:*', (event) => {
      expectTypeOf(event.payload.event_id).toEqualTypeOf<string>();
    });
  });

  it('refuses misspelt names; takes a list of secrets or a lookup by subscription', () => {
    // @ts-expect-error Yousign spells it canceled
    receiver.on('yousign:signature_request.cancelled', () => undefined);
    // @ts-expect-error no such topic
    receiver.on('yousign:signature_requests', () => undefined);
    yousign({ secrets: async (subscriptionId: string) => (subscriptionId === 'sub-1' ? ['a', 'b'] : undefined) });
    // @ts-expect-error a lookup answers secrets, not numbers
    yousign({ secrets: () => 42 });
  });
});
