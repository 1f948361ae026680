import fc from 'fast-check';
import { describe } from 'vitest';
import { boldsign } from '@countersign/core';
import { boldsignKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const secrets: fc.Arbitrary<string | Array<string | undefined> | undefined> = fc.oneof(envValue, fc.array(envValue, { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = fc
  .record({ secrets, toleranceSeconds: fc.oneof(fc.constant(undefined), fc.integer({ min: -10, max: 100_000 })) })
  .map((options) => ({ options, make: () => boldsign({ secrets: options.secrets as string[], ...(options.toleranceSeconds === undefined ? {} : { toleranceSeconds: options.toleranceSeconds }) }) }));

describe('fuzz: BoldSign (t=..., s0=... over "<t>.<fuzzed body>", 300 s tolerance)', () => {
  providerProperties(boldsignKit, { config, credentialless: { mode: 'missing' } });
});
