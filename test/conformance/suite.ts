import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Endpoints } from '@countersign/core';
import { adapters } from './adapters.js';
import { caseContext, type CaseContext, type ConformanceCase } from './cases.js';
import { conformanceReceiver } from './support.js';

/** Endpoints a group needs beside the test ones, and what to stop with them. */
export type ExtraEndpoints = () => Promise<{ endpoints: Endpoints; close(): Promise<void> }>;

/** Run `cases` against every adapter, with one receiver and one server per adapter for the whole group. */
export function describeConformance(title: string, cases: ConformanceCase[], extra?: ExtraEndpoints): void {
  describe.each(adapters)(`$name adapter: ${title}`, (adapter) => {
    let ctx: CaseContext;
    let close: () => Promise<void>;
    beforeAll(async () => {
      const more = await extra?.();
      const harness = conformanceReceiver(more?.endpoints);
      const running = await adapter.start(harness.receiver);
      ctx = caseContext(running.url, harness);
      close = async () => {
        await running.close();
        await harness.close();
        await more?.close();
      };
    });
    afterAll(() => close());
    for (const c of cases) it(c.name, () => c.run(ctx));
  });
}
