// The public surface of @countersign/core: the root holds what a user types, each built-in provider folder is also
// a subpath export (`@countersign/core/<folder>`) with its event lists, schemas and payload types. A provider folder
// added without its package.json export, or without its factory at the root, fails here (see CONTRIBUTING.md).
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as root from '@countersign/core';

const CORE = new URL('../', import.meta.url);
const pkg = JSON.parse(readFileSync(new URL('package.json', CORE), 'utf8')) as { exports: Record<string, unknown> };
const folders = readdirSync(new URL('src/providers/', CORE), { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();

/** `dropbox-sign` → `dropboxSign`: the factory a provider folder exports. */
const factoryName = (folder: string): string => folder.replace(/-([a-z])/g, (_, letter: string) => letter.toUpperCase());

/** The module `@countersign/core/<folder>` (resolved at run time, through the package's exports). */
async function subpath(folder: string): Promise<Record<string, unknown>> {
  const specifier = `@countersign/core/${folder}`;
  return (await import(/* @vite-ignore */ specifier)) as Record<string, unknown>;
}

const isZodSchema = (value: unknown): boolean => typeof value === 'object' && value !== null && typeof (value as { safeParse?: unknown }).safeParse === 'function';

describe('package exports', () => {
  it('finds the built-in providers', () => {
    expect(folders).toEqual(expect.arrayContaining(['adobe-sign', 'docstudio', 'ignisign', 'signit']));
  });

  it.each(folders)('exports ./%s with its sources, ESM and CommonJS builds and their types', (folder) => {
    expect(pkg.exports[`./${folder}`]).toEqual({
      source: `./src/providers/${folder}/index.ts`,
      import: { types: `./dist/${folder}.d.ts`, default: `./dist/${folder}.js` },
      require: { types: `./dist/${folder}.d.cts`, default: `./dist/${folder}.cjs` },
    });
  });

  it('exports nothing else but the root and package.json', () => {
    expect(Object.keys(pkg.exports).sort()).toEqual(['.', './package.json', ...folders.map((folder) => `./${folder}`)].sort());
  });

  it.each(folders)('the root holds the factory and platform of %s, the same values as its subpath', async (folder) => {
    const sub = await subpath(folder);
    const factory = factoryName(folder);
    expect(typeof sub[factory]).toBe('function');
    expect(typeof sub[`${factory}Platform`]).toBe('object');
    const fromRoot = root as Record<string, unknown>;
    expect(fromRoot[factory]).toBe(sub[factory]);
    expect(fromRoot[`${factory}Platform`]).toBe(sub[`${factory}Platform`]);
    // What the subpath shares with the root is the same value, not a copy.
    for (const [name, value] of Object.entries(sub)) if (name in fromRoot) expect(fromRoot[name]).toBe(value);
  });

  it('keeps per-platform schemas and event lists out of the root', async () => {
    for (const [name, value] of Object.entries(root)) expect(isZodSchema(value), name).toBe(false);
    for (const folder of folders) {
      const sub = await subpath(folder);
      const constants = Object.keys(sub).filter((name) => /^[A-Z][A-Z0-9_]+$/.test(name) && Array.isArray(sub[name]));
      for (const name of constants) expect(root, `${name} of ${folder}`).not.toHaveProperty(name);
    }
  });
});
