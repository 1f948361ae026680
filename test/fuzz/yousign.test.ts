import fc from 'fast-check';
import { describe } from 'vitest';
import { yousign } from '@countersign/core';
import { yousignKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const secrets: fc.Arbitrary<string | Array<string | undefined> | undefined> = fc.oneof(envValue, fc.array(envValue, { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = secrets.map((value) => ({ options: { secrets: value }, make: () => yousign({ secrets: value as string[] }) }));

describe('fuzz: Yousign (sha256= HMAC of the fuzzed body)', () => {
  providerProperties(yousignKit, { config, credentialless: { mode: 'missing' } });
});
