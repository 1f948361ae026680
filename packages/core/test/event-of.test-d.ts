import { describe, expectTypeOf, it } from 'vitest';
import {
  adobeSign,
  createReceiver,
  docstudio,
  ignisign,
  ignisignApi,
  signit,
  type EventFor,
  type EventOf,
  type Handler,
  type KnownEvent,
  type UnknownEvent,
} from '@countersign/core';
import type { AdobeSignEvents, AdobeSignNotification } from '@countersign/core/adobe-sign';
import type { DocStudioPayload } from '@countersign/core/docstudio';
import type { IgnisignEnvelope, IgnisignPayload, IgnisignTopicEvents } from '@countersign/core/ignisign';
import type { SignitEnvelopePayload } from '@countersign/core/signit';

const receiver = createReceiver({
  endpoints: {
    'adobe-sign': adobeSign({ clientIds: ['UB7E5BXCXY'] }),
    ignisign: ignisign({ appId: 'appId_x', appEnv: 'PRODUCTION', verifyToken: ignisignApi({ apiKey: 'k' }) }),
    signit: signit({ appId: 'app', appSecret: 'secret' }),
    docstudio: docstudio({ login: 'hooks', password: 'secret' }),
  },
});

describe('EventOf<typeof receiver, name>: a handler typed outside on()', () => {
  it('is exactly what on() gives the handler of that name', () => {
    type Completed = EventOf<typeof receiver, 'adobe-sign:AGREEMENT_WORKFLOW_COMPLETED'>;
    expectTypeOf<Completed>().toEqualTypeOf<EventFor<typeof receiver.endpoints, 'adobe-sign:AGREEMENT_WORKFLOW_COMPLETED'>>();
    expectTypeOf<Completed>().toEqualTypeOf<
      KnownEvent<'adobe-sign', 'AGREEMENT_WORKFLOW_COMPLETED', AdobeSignNotification<'AGREEMENT_WORKFLOW_COMPLETED'>>
    >();
    expectTypeOf<Completed['payload']>().toEqualTypeOf<AdobeSignEvents['AGREEMENT_WORKFLOW_COMPLETED']>();
    expectTypeOf<Completed['payload']['agreement']['id']>().toEqualTypeOf<string>();

    async function archive(event: Completed): Promise<void> {
      expectTypeOf(event.name).toEqualTypeOf<'AGREEMENT_WORKFLOW_COMPLETED'>();
    }
    receiver.on('adobe-sign:AGREEMENT_WORKFLOW_COMPLETED', archive);
    expectTypeOf(archive).toExtend<Handler<Completed>>();
  });

  it('names the per-platform payload types', () => {
    expectTypeOf<EventOf<typeof receiver, 'ignisign:SIGNATURE_REQUEST.LAUNCHED'>['payload']>().toEqualTypeOf<
      IgnisignPayload<'SIGNATURE_REQUEST.LAUNCHED'>
    >();
    expectTypeOf<EventOf<typeof receiver, 'signit:envelopeCompleted'>['payload']>().toExtend<SignitEnvelopePayload>();
    expectTypeOf<EventOf<typeof receiver, 'docstudio:COMPLETED'>['payload']>().toExtend<DocStudioPayload>();
  });

  it('gives topics and `*` the union with unknown events', () => {
    type Topic = EventOf<typeof receiver, 'ignisign:SIGNATURE_REQUEST'>;
    expectTypeOf<Extract<Topic, { known: false }>>().toEqualTypeOf<UnknownEvent<'ignisign', IgnisignEnvelope>>();
    expectTypeOf<Extract<Topic, { known: true }>['name']>().toEqualTypeOf<IgnisignTopicEvents['SIGNATURE_REQUEST']>();
    type All = EventOf<typeof receiver, 'docstudio:*'>;
    expectTypeOf<All['endpoint']>().toEqualTypeOf<'docstudio'>();
  });

  it('refuses names the receiver does not have', () => {
    // @ts-expect-error misspelt event
    expectTypeOf<EventOf<typeof receiver, 'adobe-sign:AGREEMENT_COMPLETE'>>().not.toBeNever();
    // @ts-expect-error unknown endpoint
    expectTypeOf<EventOf<typeof receiver, 'adobe:AGREEMENT_CREATED'>>().not.toBeNever();
    // @ts-expect-error not a receiver
    expectTypeOf<EventOf<{ on(): void }, 'adobe-sign:*'>>().not.toBeNever();
  });
});
