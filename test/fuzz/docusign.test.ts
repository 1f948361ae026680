import fc from 'fast-check';
import { describe } from 'vitest';
import { docusign } from '@countersign/core';
import { docusignKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const hmacKeys: fc.Arbitrary<string | Array<string | undefined> | undefined> = fc.oneof(envValue, fc.array(envValue, { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = hmacKeys.map((keys) => ({ options: { hmacKeys: keys }, make: () => docusign({ hmacKeys: keys as string[] }) }));

describe('fuzz: DocuSign Connect (HMAC-SHA256 of the fuzzed body, one header per key)', () => {
  providerProperties(docusignKit, { config, credentialless: { mode: 'missing' } });
});
