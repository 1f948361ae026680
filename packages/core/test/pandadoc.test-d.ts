import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, pandadoc } from '@countersign/core';
import { type PandaDocEventName } from '@countersign/core/pandadoc';

const receiver = createReceiver({ endpoints: { pandadoc: pandadoc({ sharedKeys: ['key', 'old key'] }) } });

describe('pandadoc types', () => {
  it('types each notification from its event name, times as Date', () => {
    receiver.on('pandadoc:document_state_changed', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'document_state_changed'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.status).toEqualTypeOf<string | null | undefined>();
      expectTypeOf(event.payload.data.date_modified).toEqualTypeOf<Date | null | undefined>();
      expectTypeOf(event.payload.data.recipients).exclude<null | undefined>().items.toHaveProperty('email').toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('pandadoc:recipient_completed', (event) => {
      expectTypeOf(event.payload.data.action_date).toEqualTypeOf<Date | null | undefined>();
      expectTypeOf(event.payload.data.action_by).exclude<null | undefined>().toHaveProperty('email').toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('pandadoc:template_created', (event) => {
      expectTypeOf(event.payload.data.id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.data.name).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('pandadoc:quote_updated', (event) => {
      expectTypeOf(event.payload.data.id).toEqualTypeOf<string | undefined>();
    });
  });

  it('gives topic and catch-all handlers the topic events and unknown ones', () => {
    receiver.on('pandadoc:document', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<PandaDocEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
    });
    receiver.on('pandadoc:*', (event) => {
      expectTypeOf(event.payload.event).toEqualTypeOf<string>();
    });
    receiver.on('lifecycle:signed', (event) => {
      expectTypeOf(event.lifecycle.stage).toEqualTypeOf<'signed'>();
    });
  });

  it('refuses misspelt names and a missing key', () => {
    // @ts-expect-error PandaDoc writes snake_case
    receiver.on('pandadoc:documentStateChanged', () => undefined);
    // @ts-expect-error no such topic
    receiver.on('pandadoc:documents', () => undefined);
    // @ts-expect-error sharedKeys is required
    pandadoc({});
    // @ts-expect-error a lookup is not accepted: PandaDoc names no account
    pandadoc({ sharedKeys: () => 'key' });
  });
});
