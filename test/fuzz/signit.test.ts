import fc from 'fast-check';
import { describe } from 'vitest';
import { signit, type SignitOptions } from '@countersign/core';
import { signitKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const config: fc.Arbitrary<ConfigCase> = fc.record({ appId: envValue, appSecret: envValue }).map((options) => ({
  options,
  make: () => signit(options as SignitOptions),
}));

describe('fuzz: SignIt (HMAC-SHA512 over the fuzzed body)', () => {
  providerProperties(signitKit, { config, credentialless: { mode: 'missing' } });
});
