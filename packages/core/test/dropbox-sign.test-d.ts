import { describe, expectTypeOf, it } from 'vitest';
import { createHandlers, createReceiver, dropboxSign, dropboxSignPlatform, type Lifecycle } from '@countersign/core';
import { type DropboxSignEventName } from '@countersign/core/dropbox-sign';

const receiver = createReceiver({ endpoints: { 'dropbox-sign': dropboxSign({ apiKey: 'key' }) } });

describe('dropbox-sign types', () => {
  it('types the payload from the event name', () => {
    receiver.on('dropbox-sign:signature_request_all_signed', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'signature_request_all_signed'>();
      expectTypeOf(event.known).toEqualTypeOf<true>();
      expectTypeOf(event.payload.event.event_type).toEqualTypeOf<string>();
      expectTypeOf(event.payload.event.event_time).toEqualTypeOf<string>();
      // Signature request events always carry their signature request.
      expectTypeOf(event.payload.signature_request.signature_request_id).toEqualTypeOf<string>();
      expectTypeOf(event.payload.signature_request.is_complete).toEqualTypeOf<boolean | null | undefined>();
      const signatures = event.payload.signature_request.signatures;
      expectTypeOf(signatures).exclude<null | undefined>().items.toHaveProperty('signer_email_address').toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('dropbox-sign:template_created', (event) => {
      expectTypeOf(event.payload.template).toEqualTypeOf<
        | { [k: string]: unknown; template_id: string; title?: string | null | undefined; message?: string | null | undefined; is_creator?: boolean | null | undefined; can_edit?: boolean | null | undefined; is_locked?: boolean | null | undefined; metadata?: Record<string, unknown> | null | undefined }
        | null
        | undefined
      >();
      expectTypeOf(event.payload.event.event_metadata).exclude<null | undefined>().toHaveProperty('reported_for_app_id').toEqualTypeOf<string | null | undefined>();
    });
    receiver.on('dropbox-sign:account_confirmed', (event) => {
      expectTypeOf(event.payload.account_guid).toEqualTypeOf<string | null | undefined>();
    });
  });

  it('gives topic and catch-all handlers the topic events and unknown ones', () => {
    receiver.on('dropbox-sign:signature_request', (event) => {
      if (event.known) expectTypeOf(event.name).toExtend<DropboxSignEventName>();
      else expectTypeOf(event.name).toEqualTypeOf<string>();
      expectTypeOf(event.payload.signature_request).exclude<null | undefined>().toHaveProperty('signature_request_id').toEqualTypeOf<string>();
    });
    receiver.on('dropbox-sign:*', (event) => {
      expectTypeOf(event.payload.event.event_hash).toEqualTypeOf<string>();
    });
    receiver.on('lifecycle:completed', (event) => {
      expectTypeOf(event.lifecycle.stage).toEqualTypeOf<'completed'>();
      expectTypeOf(event.lifecycle).toExtend<Lifecycle>();
    });
    createHandlers({ 'dropbox-sign': dropboxSignPlatform }).on('dropbox-sign:signature_request_signed', (event) => {
      expectTypeOf(event.payload.signature_request.signature_request_id).toEqualTypeOf<string>();
    });
  });

  it('refuses misspelt names, unqueued events and bad options', () => {
    // @ts-expect-error Dropbox Sign spells it canceled
    receiver.on('dropbox-sign:signature_request_cancelled', () => undefined);
    // @ts-expect-error callback_test is answered, never queued
    receiver.on('dropbox-sign:callback_test', () => undefined);
    // @ts-expect-error apiKey is required
    dropboxSign({});
    // @ts-expect-error the answer is always 200 "Hello API Event Received"
    dropboxSign({ apiKey: 'k', successStatus: 204 });
    dropboxSign({ apiKey: ['new', 'old'], refetch: { baseUrl: 'https://api.hellosign.com', timeoutMs: 5000 } });
    dropboxSign({ apiKey: async (account: string) => (account === 'a' ? 'k' : undefined), refetch: true });
  });
});
