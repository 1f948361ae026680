import { describe, expectTypeOf, it } from 'vitest';
import {
  createReceiver,
  ignisign,
  ignisignApi,
} from '@countersign/core';
import type { IgnisignEnvelope, IgnisignEventName, IgnisignPayload } from '@countersign/core/ignisign';

const receiver = createReceiver({
  endpoints: { ignisign: ignisign({ appId: 'appId_x', appEnv: 'PRODUCTION', verifyToken: ignisignApi({ apiKey: 'k' }) }) },
});

describe('ignisign event types', () => {
  it('types the payload of an event from its name', () => {
    receiver.on('ignisign:SIGNATURE_REQUEST.LAUNCHED', (e) => {
      expectTypeOf(e.name).toEqualTypeOf<'SIGNATURE_REQUEST.LAUNCHED'>();
      expectTypeOf(e.known).toEqualTypeOf<true>();
      expectTypeOf(e.payload.topic).toEqualTypeOf<'SIGNATURE_REQUEST'>();
      expectTypeOf(e.payload.action).toEqualTypeOf<'LAUNCHED'>();
      expectTypeOf(e.payload.appEnv).toEqualTypeOf<'DEVELOPMENT' | 'STAGING' | 'PRODUCTION'>();
      expectTypeOf(e.payload.msgNature).toEqualTypeOf<'INFO' | 'SUCCESS' | 'WARNING' | 'ERROR'>();
      expectTypeOf(e.payload.content.signatureRequestId).toEqualTypeOf<string>();
      expectTypeOf(e.payload.content.status).toEqualTypeOf<string | undefined>();
      const embedded = e.payload.content.signers?.signersEmbedded ?? [];
      for (const signer of embedded) {
        expectTypeOf(signer.token).toEqualTypeOf<string>();
        expectTypeOf(signer.signerId).toEqualTypeOf<string>();
      }
      for (const signer of e.payload.content.signers?.signersBySide ?? []) {
        expectTypeOf(signer.token).toEqualTypeOf<string | undefined>();
      }
      expectTypeOf(e.payload.error).toEqualTypeOf<{ errorCode: string; message?: string | undefined; context?: unknown; [k: string]: unknown } | undefined>();
    });
    receiver.on('ignisign:SIGNATURE.FINALIZED', (e) => {
      expectTypeOf(e.payload.content.signatureId).toEqualTypeOf<string>();
      expectTypeOf(e.payload.content.signerExternalId).toEqualTypeOf<string | undefined>();
    });
  });

  it('types proofs as a union on msgNature', () => {
    receiver.on('ignisign:SIGNATURE_PROOF.GENERATED', (e) => {
      if (e.payload.msgNature === 'ERROR') {
        expectTypeOf(e.payload.content.documentId).toEqualTypeOf<string | undefined>();
        // @ts-expect-error an error proof has no documents
        void e.payload.content.documents.length;
      } else {
        expectTypeOf(e.payload.msgNature).toEqualTypeOf<'INFO' | 'SUCCESS' | 'WARNING'>();
        expectTypeOf(e.payload.content.documents[0]).toEqualTypeOf<
          { documentId: string; documentExternalId?: string | undefined; token: string; url: string; [k: string]: unknown } | undefined
        >();
      }
    });
  });

  it('gives a topic handler the events of the topic, plus unknown ones', () => {
    receiver.on('ignisign:SIGNATURE_REQUEST', (e) => {
      if (e.known) {
        expectTypeOf(e.name).toEqualTypeOf<
          | 'SIGNATURE_REQUEST.INITIALIZED'
          | 'SIGNATURE_REQUEST.UPDATED'
          | 'SIGNATURE_REQUEST.READY'
          | 'SIGNATURE_REQUEST.LAUNCHED'
          | 'SIGNATURE_REQUEST.FAILED'
          | 'SIGNATURE_REQUEST.CANCELLED'
          | 'SIGNATURE_REQUEST.EXPIRED'
          | 'SIGNATURE_REQUEST.COMPLETED'
          | 'SIGNATURE_REQUEST.CHILDREN_GENERATED'
          | 'SIGNATURE_REQUEST.APPROVER_STEP'
        >();
        expectTypeOf(e.payload.content.signatureRequestId).toEqualTypeOf<string>();
        if (e.name === 'SIGNATURE_REQUEST.LAUNCHED') expectTypeOf(e.payload.content.signers).not.toBeAny();
      } else {
        expectTypeOf(e.payload).toEqualTypeOf<IgnisignEnvelope>();
        expectTypeOf(e.payload.content).toEqualTypeOf<unknown>();
      }
    });
  });

  it('gives * handlers known and unknown events', () => {
    receiver.on('ignisign:*', (e) => {
      expectTypeOf(e.endpoint).toEqualTypeOf<'ignisign'>();
      expectTypeOf(e.payload.appId).toEqualTypeOf<string>();
      expectTypeOf(e.payload.verificationToken).toEqualTypeOf<string>();
    });
  });

  it('exports the event names and payloads', () => {
    expectTypeOf<'SIGNER.INPUTS_ADDED'>().toExtend<IgnisignEventName>();
    expectTypeOf<'SIGNER.DELETED'>().not.toExtend<IgnisignEventName>();
    expectTypeOf<IgnisignPayload<'SIGNER.CREATED'>['content']['signerId']>().toEqualTypeOf<string>();
    expectTypeOf<IgnisignPayload<'SIGNATURE_PROFILE.CREATED'>['content']['signatureProfileId']>().toEqualTypeOf<string>();
  });

  it('rejects misspelt names and bad options at compile time', () => {
    // @ts-expect-error misspelt action
    receiver.on('ignisign:SIGNATURE_REQUEST.LAUNCH', () => undefined);
    // @ts-expect-error misspelt topic
    receiver.on('ignisign:SIGNATURES', () => undefined);
    // @ts-expect-error the topic and action are joined with a dot
    receiver.on('ignisign:SIGNATURE_REQUEST_LAUNCHED', () => undefined);
    // @ts-expect-error reserved topics are not known events
    receiver.on('ignisign:ID_PROOFING', () => undefined);
    // @ts-expect-error appEnv is one of three values
    ignisign({ appId: 'a', appEnv: 'PROD', verifyToken: () => true });
    // @ts-expect-error verifyToken is required
    ignisign({ appId: 'a', appEnv: 'PRODUCTION' });
  });
});
