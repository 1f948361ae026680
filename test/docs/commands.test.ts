/**
 * The commands the docs and comments tell people to type work on a machine with only Node.js and npm:
 * npx never stops to ask (`-y`), pnpm is the version the repository pins, and no shell block assumes a global pnpm.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { codeBlocks, markdownFiles, ROOT, where } from './markdown.js';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '.snippets', 'profiles']);
const SOURCE = /\.(ts|mts|cts|js|mjs|cjs|json|sh)$/;

/** Markdown, sources and scripts of the repository (relative paths), lockfile excluded. */
function textFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...textFiles(path));
    } else if ((SOURCE.test(entry.name) || entry.name.endsWith('.md') || relative(ROOT, path) === '.ci/run') && entry.name !== 'pnpm-lock.yaml') {
      found.push(relative(ROOT, path));
    }
  }
  return found.sort();
}

const pinned = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { packageManager: string }).packageManager;

/** Every line of every text file matching `pattern`, as `file:line: text`. */
function linesMatching(pattern: RegExp): string[] {
  return textFiles().flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split('\n')
      .flatMap((text, i) => (pattern.test(text) ? [`${file}:${i + 1}: ${text.trim()}`] : [])),
  );
}

describe('commands in the docs and comments', () => {
  it('finds the files it checks', () => {
    expect(textFiles()).toEqual(expect.arrayContaining(['README.md', '.ci/run', 'examples/express/src/demo.ts', 'docs/production.md']));
  });

  it('run npx with -y, so a fresh npm cache (or yes=false) does not stop at a prompt', () => {
    // `npx` followed by anything but -y / --yes; test files may spell it out as data.
    expect(linesMatching(/\bnpx (?!-y\b|--yes\b)[\w@$"'-]/).filter((line) => !line.startsWith('test/docs/commands.test.ts'))).toEqual([]);
  });

  it(`ask for ${pinned}, the pnpm the repository pins`, () => {
    const other = linesMatching(/\bpnpm@\d/).filter((line) => [...line.matchAll(/pnpm@\d+\.\d+\.\d+(?:-[\w.]+)?/g)].some(([version]) => version !== pinned));
    expect(other).toEqual([]);
  });

  it('never start a shell command with a pnpm that is not installed (npx -y pnpm@... instead)', () => {
    const bare = markdownFiles().flatMap((doc) =>
      codeBlocks(doc)
        .filter((b) => b.lang === 'sh' || b.lang === 'bash' || b.lang === 'shell')
        .flatMap((b) =>
          b.code
            .split('\n')
            .flatMap((line) => line.split(/&&|\|\||;|\|/))
            .filter((command) => /^\s*(\w+=\S+\s+)*pnpm\s/.test(command))
            .map((command) => `${where(b)}: ${command.trim()}`),
        ),
    );
    expect(bare).toEqual([]);
  });
});
