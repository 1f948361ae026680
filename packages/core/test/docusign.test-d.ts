import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, docusign } from '@countersign/core';
import { type DocusignEventName, type DocusignRecipient } from '@countersign/core/docusign';

const receiver = createReceiver({ endpoints: { docusign: docusign({ hmacKeys: 'key' }) } });

describe('docusign types', () => {
  it('types the payload from the event name', () => {
    receiver.on('docusign:envelope-completed', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'envelope-completed'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event).toEqualTypeOf<'envelope-completed'>();
      expectTypeOf(event.payload.data.envelopeId).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.accountId).toEqualTypeOf<string>();
      expectTypeOf(event.payload.generatedDateTime).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.envelopeSummary).exclude<null | undefined>().toHaveProperty('status').toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.payload.data.envelopeSummary).exclude<null | undefined>().toHaveProperty('recipients').exclude<null | undefined>().toHaveProperty('signers').toEqualTypeOf<DocusignRecipient[] | null | undefined>();
    });
    receiver.on('docusign:recipient-completed', (event) => {
      expectTypeOf(event.payload.data.recipientId).toEqualTypeOf<string | number | null | undefined>();
    });
  });

  it('gives topic handlers the topic events and unknown ones', () => {
    receiver.on('docusign:recipient', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<DocusignEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
    });
    receiver.on('docusign:*', (event) => {
      expectTypeOf(event.payload).toHaveProperty('event');
    });
    receiver.on('lifecycle:completed', (event) => {
      expectTypeOf(event.lifecycle.stage).toEqualTypeOf<'completed'>();
    });
  });

  it('refuses misspelt names and a missing key', () => {
    // @ts-expect-error JSON SIM names are kebab-case
    receiver.on('docusign:envelopeCompleted', () => undefined);
    // @ts-expect-error no such topic
    receiver.on('docusign:envelopes', () => undefined);
    // @ts-expect-error hmacKeys is required
    docusign({});
  });
});
