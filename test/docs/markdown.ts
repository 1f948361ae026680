/**
 * The repository's Markdown and the code blocks in it, as the doc tests see them (test/docs/*.test.ts).
 *
 * A block's info string is its language followed by optional attributes (CONTRIBUTING.md, "Code blocks in the
 * docs"): flags (`run`, `fragment`, `continues`) and `name=value` pairs (`file=app.ts`, `probe="GET /ready 200"`),
 * which GitHub and npm ignore when rendering.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export interface CodeBlock {
  /** The Markdown file, relative to the repository root (`docs/production.md`). */
  doc: string;
  /** 1-based line of the first line of code (the line after the opening fence). */
  line: number;
  /** The language: the first word of the info string (`ts`, `sh`), or `''`. */
  lang: string;
  /** Attributes without a value (`run`, `fragment`, `continues`). */
  flags: ReadonlySet<string>;
  /** Attributes with a value, each possibly repeated (`probe`). */
  values: ReadonlyMap<string, readonly string[]>;
  code: string;
}

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', 'coverage', '.snippets']);

/** Every Markdown file of the repository (relative paths, sorted), outside node_modules, dist and build output. */
export function markdownFiles(dir = ROOT): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIP_DIRS.has(entry.name)) found.push(...markdownFiles(join(dir, entry.name)));
    } else if (entry.name.endsWith('.md')) {
      found.push(relative(ROOT, join(dir, entry.name)));
    }
  }
  return found.sort();
}

/** Split an info string into its language, flags and `name=value` / `name="a value"` attributes. */
export function parseInfo(info: string): Pick<CodeBlock, 'lang' | 'flags' | 'values'> {
  const lang = info.trim().split(/\s+/)[0] ?? '';
  const flags = new Set<string>();
  const values = new Map<string, string[]>();
  const attributes = info.trim().slice(lang.length);
  for (const match of attributes.matchAll(/([A-Za-z][\w-]*)(?:=(?:"([^"]*)"|(\S+)))?/g)) {
    const [, name, quoted, bare] = match as unknown as [string, string, string | undefined, string | undefined];
    const value = quoted ?? bare;
    if (value === undefined) flags.add(name);
    else values.set(name, [...(values.get(name) ?? []), value]);
  }
  return { lang, flags, values };
}

/** The fenced code blocks of one Markdown file (CommonMark fences: ``` or ~~~, a longer fence nests shorter ones). */
export function codeBlocks(doc: string): CodeBlock[] {
  const lines = readFileSync(join(ROOT, doc), 'utf8').split('\n');
  const blocks: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})(.*)$/.exec(lines[i] as string);
    if (open === null) continue;
    const fence = open[1] as string;
    const info = open[2] as string;
    if (fence[0] === '`' && info.includes('`')) continue; // not a fence (inline code)
    const start = i + 1;
    let end = start;
    while (end < lines.length && !new RegExp(`^ {0,3}${fence[0] === '`' ? '`' : '~'}{${fence.length},}\\s*$`).test(lines[end] as string)) end++;
    blocks.push({ doc, line: start + 1, ...parseInfo(info), code: lines.slice(start, end).join('\n') });
    i = end;
  }
  return blocks;
}

/** Where a block is, for messages: `docs/production.md:25`. */
export function where(block: Pick<CodeBlock, 'doc' | 'line'>): string {
  return `${block.doc}:${block.line}`;
}
