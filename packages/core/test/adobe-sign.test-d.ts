import { describe, expectTypeOf, it } from 'vitest';
import {
  adobeSign,
  createReceiver,
  type AdobeSignTypes,
  type AdobeSignFacts,
  type Provider,
} from '@countersign/core';
import type {
  AdobeSignAgreementEventName,
  AdobeSignBasePayload,
  AdobeSignEventName,
  AdobeSignNotification,
} from '@countersign/core/adobe-sign';

const receiver = createReceiver({ endpoints: { adobe: adobeSign({ clientIds: ['CBJCHBCAABAA5a9c0de1client'] }) } });

describe('adobe-sign types', () => {
  it('is a provider of its event types', () => {
    expectTypeOf(adobeSign({ clientIds: 'x' })).toEqualTypeOf<Provider<AdobeSignTypes, AdobeSignFacts>>();
  });

  it('types each event name with its payload, the resource id a string', () => {
    receiver.on('adobe:AGREEMENT_WORKFLOW_COMPLETED', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'AGREEMENT_WORKFLOW_COMPLETED'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event).toEqualTypeOf<'AGREEMENT_WORKFLOW_COMPLETED'>();
      expectTypeOf(event.payload.agreement.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.webhookNotificationId).toEqualTypeOf<string>();
      expectTypeOf(event.payload.agreement.signedDocumentInfo).toEqualTypeOf<
        { [k: string]: unknown; document?: string | null | undefined } | null | undefined
      >();
      expectTypeOf(event.payload.agreement.status).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.payload.agreement.documentVisibilityEnabled).toEqualTypeOf<boolean | null | undefined>();
      expectTypeOf(event.payload.eventDate).toEqualTypeOf<string | null | undefined>();
      const set = event.payload.agreement.participantSetsInfo?.participantSets?.[0];
      expectTypeOf(set?.order).toEqualTypeOf<number | null | undefined>();
      expectTypeOf(set?.memberInfos?.[0]?.email).toEqualTypeOf<string | null | undefined>();
      // Fields Adobe adds later are there, as unknown.
      expectTypeOf(event.payload['someFutureField']).toBeUnknown();
      expectTypeOf(event.payload.agreement['someFutureField']).toBeUnknown();
    });
    receiver.on('adobe:AGREEMENT_RECALLED', (event) => {
      expectTypeOf(event.payload.agreementCancellationInfo?.notifyOthers).toEqualTypeOf<boolean | null | undefined>();
      expectTypeOf(event.payload.subEvent).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('adobe:WIDGET_CREATED', (event) => {
      expectTypeOf(event.payload.widget.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.widget.completionInfo?.url).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('adobe:WIDGET_SHARED', (event) => {
      // Adobe's template puts the web form under `megaSign`: either may be there.
      expectTypeOf(event.payload.widget?.id).toEqualTypeOf<string | undefined>();
      expectTypeOf(event.payload.megaSign?.id).toEqualTypeOf<string | undefined>();
    });
    receiver.on('adobe:MEGASIGN_REMINDER_SENT', (event) => {
      expectTypeOf(event.payload.megaSign.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.reminderInfo?.note).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('adobe:LIBRARY_DOCUMENT_CREATED', (event) => {
      expectTypeOf(event.payload.libraryDocument.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.libraryDocument.templateTypes).toEqualTypeOf<string[] | null | undefined>();
    });
  });

  it('narrows a list of names to their union', () => {
    receiver.on(['adobe:AGREEMENT_EXPIRED', 'adobe:MEGASIGN_RECALLED'], (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'AGREEMENT_EXPIRED' | 'MEGASIGN_RECALLED'>();
      if (event.name === 'MEGASIGN_RECALLED') expectTypeOf(event.payload.megaSign.id).toEqualTypeOf<string>();
      else expectTypeOf(event.payload.agreement.id).toEqualTypeOf<string>();
    });
  });

  it('types topics as their known events or an unknown one of the family', () => {
    receiver.on('adobe:AGREEMENT', (event) => {
      if (event.known) {
        expectTypeOf(event.name).toEqualTypeOf<AdobeSignAgreementEventName>();
        expectTypeOf(event.payload.agreement.id).toEqualTypeOf<string>();
      } else {
        expectTypeOf(event.name).toEqualTypeOf<string>();
        expectTypeOf(event.payload).toEqualTypeOf<AdobeSignBasePayload>();
      }
    });
    receiver.on('adobe:LIBRARY_DOCUMENT', (event) => {
      if (event.known) expectTypeOf(event.payload.libraryDocument.id).toEqualTypeOf<string>();
    });
  });

  it('passes unknown events through adobe:* with the envelope type', () => {
    receiver.on('adobe:*', (event) => {
      expectTypeOf(event.endpoint).toEqualTypeOf<'adobe'>();
      expectTypeOf(event.payload.webhookNotificationId).toEqualTypeOf<string>();
      expectTypeOf(event.payload.event).toEqualTypeOf<string>();
      if (event.known) expectTypeOf(event.name).toEqualTypeOf<AdobeSignEventName>();
      else expectTypeOf(event.payload['agreement']).toBeUnknown();
    });
    receiver.onAny((event) => {
      if (event.known && event.name === 'AGREEMENT_CREATED') expectTypeOf(event.payload.agreement.id).toEqualTypeOf<string>();
    });
  });

  it('exposes each payload by name', () => {
    expectTypeOf<AdobeSignNotification<'AGREEMENT_CREATED'>['event']>().toEqualTypeOf<'AGREEMENT_CREATED'>();
    expectTypeOf<AdobeSignNotification<'AGREEMENT_CREATED'>['agreement']['id']>().toEqualTypeOf<string>();
    expectTypeOf<AdobeSignNotification<'WIDGET_ENABLED'>['widget']['id']>().toEqualTypeOf<string>();
    expectTypeOf<'AGREEMENT_UNSHARED_AUTO'>().toExtend<AdobeSignEventName>();
    expectTypeOf<'AGREEMENT_TELEPORTED'>().not.toExtend<AdobeSignEventName>();
  });

  it('refuses misspelt names, topics and endpoints', () => {
    // @ts-expect-error COMPLETE is not COMPLETED
    receiver.on('adobe:AGREEMENT_WORKFLOW_COMPLETE', () => undefined);
    // @ts-expect-error event names are upper case
    receiver.on('adobe:agreement_created', () => undefined);
    // @ts-expect-error the topic is AGREEMENT
    receiver.on('adobe:AGREEMENTS', () => undefined);
    // @ts-expect-error the family is MEGASIGN, not MEGA_SIGN
    receiver.on('adobe:MEGA_SIGN_CREATED', () => undefined);
    // @ts-expect-error no such endpoint
    receiver.on('adobee:*', () => undefined);
    // @ts-expect-error one misspelt name in a list is enough
    receiver.on(['adobe:AGREEMENT_CREATED', 'adobe:AGREEMENT_CRAETED'], () => undefined);
    receiver.on('adobe:AGREEMENT_CREATED', (event) => {
      // @ts-expect-error an agreement event has no typed widget
      expectTypeOf(event.payload.widget.id).toEqualTypeOf<string>();
    });
  });

  it('requires clientIds', () => {
    // @ts-expect-error clientIds is required
    adobeSign({});
    adobeSign({ clientIds: ['a', 'b'], oauth: { jwksUrl: new URL('https://auth.example.com/jwks'), audience: ['x'], algorithms: ['RS256'] } });
  });
});
