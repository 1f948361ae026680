// One build for every package (run from the package folder): ESM + CommonJS + type declarations of each entry point
// the package's `exports` declare. An export `"./x": { "source": "./src/…/index.ts", "import": { "default":
// "./dist/x.js" }, … }` builds `src/…/index.ts` into `dist/x.js`, `x.cjs`, `x.d.ts` and `x.d.cts`: a new subpath
// export (e.g. a provider of @countersign/core) needs no change here.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { defineConfig } from 'tsup';

interface ExportConditions {
  source?: string;
  import?: { default?: string };
}

/** `{ <dist file name without extension>: <source file> }` for every export of ./package.json that has a `source`. */
export function entriesOf(pkg: { exports?: Record<string, ExportConditions | string> }): Record<string, string> {
  const entries: Record<string, string> = {};
  for (const [subpath, conditions] of Object.entries(pkg.exports ?? {})) {
    if (typeof conditions !== 'object' || conditions.source === undefined) continue;
    const output = conditions.import?.default;
    if (output === undefined || !output.startsWith('./dist/') || !output.endsWith('.js')) {
      throw new Error(`exports["${subpath}"]: import.default must be ./dist/<name>.js, not ${String(output)}`);
    }
    entries[basename(output, '.js')] = conditions.source;
  }
  return entries;
}

const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as Parameters<typeof entriesOf>[0];
const entry = entriesOf(pkg);

export default defineConfig({
  entry: Object.keys(entry).length > 0 ? entry : ['src/index.ts'],
  format: ['esm', 'cjs'],
  dts: true,
  clean: true,
  sourcemap: true,
  target: 'es2022',
  // Several entry points share their modules through chunks (CommonJS too), so `@countersign/core` and
  // `@countersign/core/adobe-sign` loaded together hold one copy of each class (`instanceof CountersignError`).
  splitting: true,
});
