import fc from 'fast-check';
import { describe } from 'vitest';
import { dropboxSign } from '@countersign/core';
import { dropboxSignKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const apiKey: fc.Arbitrary<string | Array<string | undefined> | undefined> = fc.oneof(envValue, fc.array(envValue, { maxLength: 2 }));

const config: fc.Arbitrary<ConfigCase> = apiKey.map((key) => ({ options: { apiKey: key }, make: () => dropboxSign({ apiKey: key as string[] }) }));

describe('fuzz: Dropbox Sign (event_hash in a multipart json field; the hash does not cover the body)', () => {
  providerProperties(dropboxSignKit, { config, credentialless: { mode: 'missing' } });
});
