import fc from 'fast-check';
import { describe } from 'vitest';
import { ignisign, type IgnisignAppEnv } from '@countersign/core';
import { ignisignKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const config: fc.Arbitrary<ConfigCase> = fc
  .record({ appId: envValue, appEnv: fc.oneof(envValue, fc.constantFrom('DEVELOPMENT', 'PRODUCTION')), verifyToken: fc.constantFrom('accept-all', 'unset') })
  .map((options) => ({
    options,
    make: () =>
      ignisign({
        appId: options.appId as string,
        appEnv: options.appEnv as IgnisignAppEnv,
        verifyToken: (options.verifyToken === 'accept-all' ? () => true : undefined) as () => boolean,
      }),
  }));

describe('fuzz: Ignisign (tokens vouched for by a verifier that knows each run\'s token)', () => {
  providerProperties(ignisignKit, { config, credentialless: { token: 'missing', appId: 'valid', appEnv: 'valid', hostile: '' } });
});
