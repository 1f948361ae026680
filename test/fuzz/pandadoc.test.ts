import fc from 'fast-check';
import { describe } from 'vitest';
import { pandadoc } from '@countersign/core';
import { pandadocKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const sharedKeys: fc.Arbitrary<string | Array<string | undefined> | undefined> = fc.oneof(envValue, fc.array(envValue, { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = sharedKeys.map((keys) => ({ options: { sharedKeys: keys }, make: () => pandadoc({ sharedKeys: keys as string[] }) }));

describe('fuzz: PandaDoc (?signature= HMAC of the fuzzed body, arrays of notifications)', () => {
  providerProperties(pandadocKit, { config, credentialless: { mode: 'missing' } });
});
