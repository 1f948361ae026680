import { afterAll, beforeAll, describe, it } from 'vitest';
import { adapters, type RunningAdapter } from './adapters.js';
import { caseContext, pipelineCases, type CaseContext } from './cases.js';
import { conformanceReceiver } from './support.js';

describe.each(adapters)('$name adapter: pipeline', (adapter) => {
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
  for (const c of pipelineCases) it(c.name, () => c.run(ctx));
});
