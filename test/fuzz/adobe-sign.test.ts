import fc from 'fast-check';
import { describe } from 'vitest';
import { adobeSign } from '@countersign/core';
import { adobeKit, adobeOAuthKit, OAUTH_KEY, oauthCredential } from './kits.js';
import { hostileText } from './mutations.js';
import { checkDispatch, deliverySpec, envValue, handleSpec, providerProperties, type ConfigCase } from './properties.js';
import { capturingLogger, checkAnswer, checkHeaders, errorOf, property, PropertyViolation } from './support.js';

const clientIds: fc.Arbitrary<string | string[] | undefined> = fc.oneof(envValue, fc.array(fc.oneof(fc.constantFrom('', ' '), fc.string({ minLength: 1, maxLength: 12 })), { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = clientIds.map((ids) => ({ options: { clientIds: ids }, make: () => adobeSign({ clientIds: ids as string[] }) }));

const oauthConfig: fc.Arbitrary<ConfigCase> = fc
  .record({ ids: clientIds, key: fc.constantFrom<'key' | 'empty' | 'unset'>('key', 'empty', 'unset') })
  .map(({ ids, key }) => {
    const oauth = { key: key === 'key' ? OAUTH_KEY : key === 'empty' ? new Uint8Array(0) : undefined };
    return { options: { clientIds: ids, oauth: { key } }, make: () => adobeSign({ clientIds: ids as string[], oauth }) };
  });

describe('fuzz: Adobe Acrobat Sign (client id)', () => {
  providerProperties(adobeKit, { config, credentialless: { mode: 'missing' } });
});

describe('fuzz: Adobe Acrobat Sign with OAuth (bearer JWT)', () => {
  // The body-size properties are the client-id endpoint's: the bearer check adds nothing to them.
  providerProperties(adobeOAuthKit, { config: oauthConfig, credentialless: { clientId: { mode: 'missing' }, jwt: 'missing', garbage: '' }, heavy: false });

  property(
    'adobe-sign+oauth: a JWT whose protected header has a hostile `crit` gets a 401 JSON answer with valid headers',
    deliverySpec(adobeOAuthKit, {
      wire: false,
      plain: true,
      credential: oauthCredential({ crit: 'always' }).map((credential) => ({ ...credential, clientId: { mode: 'valid' as const } })).filter((c) => c.jwt !== 'missing' && c.jwt !== 'garbage' && c.jwt.parts === 'three' && /^bearer\s*$/i.test(c.jwt.scheme)),
    }),
    async (spec) => {
      const { built, run, outcome } = await handleSpec(adobeOAuthKit, spec, capturingLogger().logger);
      checkHeaders(outcome.answer);
      checkAnswer(outcome.answer, built.method);
      checkDispatch(built, outcome, run);
      const { code } = errorOf(outcome.answer);
      if (outcome.answer.status !== 401 || !code.startsWith('AUTH_')) throw new PropertyViolation(`expected a 401 AUTH_* refusal, got HTTP ${outcome.answer.status} ${code}`);
    },
  );

  property(
    'adobe-sign+oauth: hostile Authorization values get a well-formed answer with valid headers',
    deliverySpec(adobeOAuthKit, {
      wire: false,
      credential: fc.record({ clientId: fc.constant({ mode: 'valid' as const }), jwt: fc.constant('garbage' as const), garbage: fc.oneof(hostileText({ maxLength: 80 }), hostileText().map((t) => `Bearer ${t}`)) }),
    }),
    async (spec) => {
      const { built, run, outcome } = await handleSpec(adobeOAuthKit, spec, capturingLogger().logger);
      checkHeaders(outcome.answer);
      checkAnswer(outcome.answer, built.method);
      checkDispatch(built, outcome, run);
    },
  );
});
