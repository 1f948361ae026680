import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, signit } from '@countersign/core';
import type { SignitEventName } from '@countersign/core/signit';

const receiver = createReceiver({ endpoints: { signit: signit({ appId: 'app', appSecret: 'secret' }) } });

describe('signit types', () => {
  it('types the payload from the event name', () => {
    receiver.on('signit:envelopeStarted', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'envelopeStarted'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event).toEqualTypeOf<string>();
      expectTypeOf(event.payload.rawData.basicEnvelope).exclude<null | undefined>().toHaveProperty('wsid').toEqualTypeOf<string>();
      expectTypeOf(event.payload.rawData.receiverParticipant).exclude<null | undefined>().toHaveProperty('status').toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('signit:personVerificationCompleted', (event) => {
      expectTypeOf(event.payload.rawData.submitDatetime).toEqualTypeOf<number | null | undefined>();
    });
    receiver.on('signit:countersignatureSignCompleted', (event) => {
      expectTypeOf(event.payload.rawData.url).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('signit:recipientConfirm', (event) => {
      expectTypeOf(event.payload.rawData.invokeNo).toEqualTypeOf<string | null | undefined>();
    });
  });

  it('gives topic handlers the topic events and unknown ones', () => {
    receiver.on('signit:participant', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<SignitEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
      expectTypeOf(event.payload.rawData.invokeNo).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('signit:*', (event) => {
      expectTypeOf(event.payload.rawData).toHaveProperty('customTag');
    });
  });

  it('refuses misspelt names and half a configuration', () => {
    // @ts-expect-error the canonical spelling is envelopeStarted
    receiver.on('signit:EnvelopeStarted', () => undefined);
    // @ts-expect-error no such topic
    receiver.on('signit:envelopes', () => undefined);
    // @ts-expect-error appSecret is required with appId
    signit({ appId: 'app' });
    // @ts-expect-error apps and appId are exclusive
    signit({ apps: [], appId: 'app', appSecret: 's' });
  });
});
