import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recipes, here } from './harness.js';

// packages/fetch/README.md shows the recipes the runtime tests run, each as one code block equal to the file.
// The runtime-specific blocks are marked `fragment` for the docs checker: their runtimes type-check them (types.test.ts).
const readme = readFileSync(join(here, '..', '..', 'packages', 'fetch', 'README.md'), 'utf8');
const blocks = [...readme.matchAll(/```ts[^\n]*\n([\s\S]*?)```/g)].map((m) => m[1]);
const files = ['receiver.ts', 'next/app/api/webhooks/[endpoint]/route.ts', 'next/app/api/edge/webhooks/[endpoint]/route.ts', 'worker.ts', 'hono.ts', 'bun.ts', 'deno.ts'];

describe('packages/fetch/README.md shows the tested recipes as they are', () => {
  for (const file of files) {
    it(file, () => {
      expect(blocks).toContain(readFileSync(join(recipes, file), 'utf8'));
    });
  }
});
