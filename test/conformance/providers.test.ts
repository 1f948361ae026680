import { adobeCases, fixtureCase } from './cases.js';
import { loadFixtures } from './fixtures.js';
import { forgeryCases } from './forgeries.js';
import { describeConformance } from './suite.js';

const fixtures = loadFixtures();
const adobeSample = fixtures.cases.find((f) => f.provider === 'adobe-sign');
if (adobeSample === undefined) throw new Error('test/fixtures/adobe-sign has no accepted delivery to build the Adobe protocol cases on');
const cases = [...fixtures.cases.map(fixtureCase), ...fixtures.cases.flatMap(forgeryCases), ...adobeCases(adobeSample)];

describeConformance('every provider fixture', cases, async () => {
  // Ignisign tokens are single use: each adapter gets its own stand-in for the verification API.
  const ignisignApi = await fixtures.startIgnisignApi();
  return { endpoints: fixtures.endpoints(ignisignApi), close: () => ignisignApi.close() };
});
