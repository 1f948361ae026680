import { afterAll, beforeAll, describe, it } from 'vitest';
import { adapters, type Adapter } from './adapters.js';
import { adobeCases, caseContext, fixtureCase, type CaseContext } from './cases.js';
import { loadFixtures } from './fixtures.js';
import { conformanceReceiver } from './support.js';

const fixtures = loadFixtures();
const adobeSample = fixtures.cases.find((f) => f.provider === 'adobe-sign');
const cases = [...fixtures.cases.map(fixtureCase), ...(adobeSample ? adobeCases(adobeSample) : [])];

async function start(adapter: Adapter) {
  // Ignisign tokens are single use: each adapter gets its own stand-in for the verification API.
  const ignisignApi = await fixtures.startIgnisignApi();
  const harness = conformanceReceiver(fixtures.endpoints(ignisignApi));
  const running = await adapter.start(harness.receiver);
  return {
    ctx: caseContext(running.url, harness),
    async close() {
      await running.close();
      await harness.close();
      await ignisignApi.close();
    },
  };
}

describe.each(adapters)('$name adapter: every provider fixture', (adapter) => {
  let started: Awaited<ReturnType<typeof start>>;
  let ctx: CaseContext;
  beforeAll(async () => {
    started = await start(adapter);
    ctx = started.ctx;
  });
  afterAll(() => started.close());
  for (const c of cases) it(c.name, () => c.run(ctx));
});
