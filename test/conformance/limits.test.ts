import { afterAll, beforeAll, describe, it } from 'vitest';
import { adapters, type RunningAdapter } from './adapters.js';
import { caseContext, limitCases, type CaseContext } from './cases.js';
import { conformanceReceiver } from './support.js';

describe.each(adapters)('$name adapter: body limits', (adapter) => {
  const harness = conformanceReceiver();
  let running: RunningAdapter;
  let ctx: CaseContext;
  beforeAll(async () => {
    running = await adapter.start(harness.receiver);
    ctx = caseContext(running.url, harness);
  });
  afterAll(async () => {
    await running.close();
    await harness.close();
  });
  for (const c of limitCases) it(c.name, () => c.run(ctx));
});
