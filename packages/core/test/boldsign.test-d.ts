import { describe, expectTypeOf, it } from 'vitest';
import { boldsign, createReceiver } from '@countersign/core';
import { type BoldSignEventName } from '@countersign/core/boldsign';

const receiver = createReceiver({ endpoints: { boldsign: boldsign({ secrets: 'secret', toleranceSeconds: 600, now: () => Date.now() }) } });

describe('boldsign types', () => {
  it('types document events, times as Date', () => {
    receiver.on('boldsign:Completed', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'Completed'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.event.created).toEqualTypeOf<Date | null | undefined>();
      expectTypeOf(event.payload.data.documentId).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.signerDetails).exclude<null | undefined>().items.toHaveProperty('signerEmail').toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.payload.data.expiryDate).toEqualTypeOf<Date | null | undefined>();
    });
    receiver.on(['boldsign:Signed', 'boldsign:Declined'], (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'Signed' | 'Declined'>();
      expectTypeOf(event.payload.context).exclude<null | undefined>().toHaveProperty('actor');
    });
    receiver.on('boldsign:TemplateCreated', (event) => {
      expectTypeOf(event.payload.data).toEqualTypeOf<Record<string, unknown> | null | undefined>();
    });
  });

  it('gives topic and catch-all handlers the topic events and unknown ones', () => {
    receiver.on('boldsign:document', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<BoldSignEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
    });
    receiver.on('boldsign:*', (event) => {
      expectTypeOf(event.payload.event.eventType).toEqualTypeOf<string>();
    });
  });

  it('refuses misspelt names, the Verification (never dispatched) and a missing secret', () => {
    // @ts-expect-error BoldSign writes PascalCase
    receiver.on('boldsign:completed', () => undefined);
    // @ts-expect-error the Verification is answered, never dispatched
    receiver.on('boldsign:Verification', () => undefined);
    // @ts-expect-error secrets is required
    boldsign({ toleranceSeconds: 300 });
    // @ts-expect-error the clock returns epoch milliseconds
    boldsign({ secrets: 's', now: () => new Date() });
  });
});
