// One build for every package (run from the package folder): ESM + CommonJS + type declarations of each entry point
// the package's `exports` declare. An export `"./x": { "source": "./src/…/index.ts", "import": { "default":
// "./dist/x.js" }, … }` builds `src/…/index.ts` into `dist/x.js`, `x.cjs`, `x.d.ts` and `x.d.cts`: a new subpath
// export (e.g. a provider of @countersign/core) needs no change here.
import { readFileSync, rmSync } from 'node:fs';
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
const declared = entriesOf(pkg);
const entry: Record<string, string> = Object.keys(declared).length > 0 ? declared : { index: 'src/index.ts' };

// The builds below run at once and none of them cleans: dist/ is emptied here, once, before any of them starts.
rmSync('dist', { recursive: true, force: true });

const common = { format: ['esm', 'cjs'] as ('esm' | 'cjs')[], target: 'es2022' };

export default defineConfig([
  {
    ...common,
    entry,
    dts: false,
    sourcemap: true,
    // Several entry points share their modules through chunks (CommonJS too), so `@countersign/core` and
    // `@countersign/core/adobe-sign` loaded together hold one copy of each class (`instanceof CountersignError`).
    splitting: true,
  },
  // One declaration build per entry point, so each `.d.ts` stands alone: declaration chunks would be imported as
  // `./chunk-….js`, which TypeScript maps to the `.d.ts` but a runtime that reads the files as they are (Deno on a
  // linked workspace package) cannot.
  ...Object.entries(entry).map(([name, source]) => ({ ...common, entry: { [name]: source }, dts: { only: true } })),
]);
