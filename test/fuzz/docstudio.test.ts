import fc from 'fast-check';
import { describe } from 'vitest';
import { docstudio } from '@countersign/core';
import { docstudioKit } from './kits.js';
import { envValue, providerProperties, type ConfigCase } from './properties.js';

const config: fc.Arbitrary<ConfigCase> = fc.record({ login: envValue, password: envValue }).map((options) => ({
  options,
  make: () => docstudio(options),
}));

describe('fuzz: DocStudio (HTTP Basic computed for each delivery)', () => {
  providerProperties(docstudioKit, { config, credentialless: { mode: 'missing' } });
});
