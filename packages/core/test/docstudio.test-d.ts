import { describe, expectTypeOf, it } from 'vitest';
import { createReceiver, docstudio } from '@countersign/core';
import type { DocStudioStatus } from '@countersign/core/docstudio';

const receiver = createReceiver({ endpoints: { docstudio: docstudio({ login: 'l', password: 'p', successCode: 202 }) } });

describe('docstudio types', () => {
  it('types each status as an event with dates as Date', () => {
    receiver.on('docstudio:COMPLETED', (event) => {
      expectTypeOf(event.name).toEqualTypeOf<'COMPLETED'>();
      expectTypeOf(event.payload.status).toEqualTypeOf<'COMPLETED'>();
      expectTypeOf(event.payload.uuid).toEqualTypeOf<string>();
      expectTypeOf(event.payload.label).toEqualTypeOf<string[]>();
      expectTypeOf(event.payload.receiveDate).toEqualTypeOf<Date | null | undefined>();
      expectTypeOf(event.payload.expireDate).toEqualTypeOf<Date | null | undefined>();
      expectTypeOf(event.payload.mailbox).toEqualTypeOf<string | null | undefined>();
    });
    receiver.on(['docstudio:EXPIRED', 'docstudio:CANCELLED'], (event) => {
      expectTypeOf(event.payload.status).toEqualTypeOf<'EXPIRED' | 'CANCELLED'>();
    });
  });

  it('passes unknown statuses through as strings', () => {
    receiver.on('docstudio:*', (event) => {
      if (event.known) expectTypeOf(event.name).toEqualTypeOf<DocStudioStatus>();
      else expectTypeOf(event.payload.status).toEqualTypeOf<string>();
    });
  });

  it('refuses misspelt statuses', () => {
    // @ts-expect-error COMPLETE is not a status
    receiver.on('docstudio:COMPLETE', () => undefined);
    // @ts-expect-error statuses are upper case
    receiver.on('docstudio:completed', () => undefined);
  });
});
