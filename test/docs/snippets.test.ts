/**
 * Every TypeScript code block of the repository's Markdown (README, docs/, the package READMEs, CONTRIBUTING...)
 * is extracted at test time into test/docs/.snippets/ (gitignored), type-checked with the project's TypeScript
 * against the workspace packages, and the blocks marked `run` are run. How to mark a block: CONTRIBUTING.md,
 * "Code blocks in the docs".
 *
 * - ```ts                     a complete module: type-checked.
 * - ```ts run                 type-checked, then run with Node (tsx): it must exit 0 by itself, or listen and then
 *                             answer every `probe="METHOD /path [Header:value ...] STATUS"` and exit on SIGTERM.
 *                             Servers get a free port on 127.0.0.1 and may reach local servers only
 *                             (test/docs/snippet-hook.mjs); the environment is SNIPPET_ENV below.
 * - ```ts fragment            an excerpt that cannot stand alone: only parsed (syntax errors fail).
 * - ```ts continues           the previous TypeScript block of the same file, followed by this one.
 * - ```ts file=app.ts         written as app.ts, so other blocks of the same file can `import './app.js'`.
 *                             A first line `// app.ts` (or `// app.ts: ...`) names the file the same way.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import ts from 'typescript';
import { afterAll, describe, expect, it } from 'vitest';
import { REDIS_URL, requireRedis, uniqueName } from '../production/redis-available.js';
import { codeBlocks, markdownFiles, ROOT, where, type CodeBlock } from './markdown.js';

const OUT = join(ROOT, 'test/docs/.snippets');
const HOOK = pathToFileURL(fileURLToPath(new URL('./snippet-hook.mjs', import.meta.url))).href;
const TS_LANGS = new Set(['ts', 'typescript']);
const KNOWN_FLAGS = new Set(['run', 'fragment', 'continues']);
const KNOWN_VALUES = new Set(['file', 'probe']);

/** The BullMQ queue name runnable snippets get through COUNTERSIGN_QUEUE: every key under it is removed afterwards. */
const QUEUE = uniqueName('cs-snippets');

/**
 * The environment of every runnable snippet (besides PATH and the like). Listed in CONTRIBUTING.md: a snippet
 * that needs another variable gets it here.
 */
export const SNIPPET_ENV: Record<string, string> = {
  ADOBE_CLIENT_ID: 'UB7E5BXCXY',
  IGNISIGN_APP_ID: 'appId_snippets',
  IGNISIGN_API_KEY: 'snippets-ignisign-api-key',
  SIGNIT_APP_ID: 'snippets-signit-app',
  SIGNIT_APP_SECRET: 'snippets-signit-secret',
  DOCSTUDIO_PASSWORD: 'snippets-docstudio-password',
  // The Standard Webhooks test-vector secret; BILLING_OLD_SECRET stays unset, as outside a key rotation.
  BILLING_SECRET: 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw',
  REDIS_URL,
  COUNTERSIGN_QUEUE: QUEUE,
};

interface Probe {
  method: string;
  path: string;
  headers: Record<string, string>;
  status: number;
}

/** One block as written to disk: its code may start with the blocks it `continues`. */
interface Snippet {
  block: CodeBlock;
  /** Absolute path of the file written, or undefined for fragments. */
  file: string | undefined;
  code: string;
  /** The blocks whose code makes up `code`, with the 0-based line of `code` each starts at. */
  parts: Array<{ block: CodeBlock; from: number }>;
  run: boolean;
  probes: Probe[];
}

function parseProbe(text: string, block: CodeBlock): Probe {
  const tokens = text.trim().split(/\s+/);
  const method = tokens.shift();
  const path = tokens.shift();
  const status = Number(tokens.pop());
  if (method === undefined || path === undefined || !path.startsWith('/') || !Number.isInteger(status)) {
    throw new Error(`${where(block)}: probe="${text}" must be "METHOD /path [Header:value ...] STATUS"`);
  }
  const headers: Record<string, string> = {};
  for (const token of tokens) {
    const colon = token.indexOf(':');
    if (colon <= 0) throw new Error(`${where(block)}: probe header "${token}" must be Name:value`);
    headers[token.slice(0, colon)] = token.slice(colon + 1);
  }
  return { method, path, headers, status };
}

/** The directory a Markdown file's blocks are written to: `docs/production.md` -> `docs__production`. */
function dirFor(doc: string): string {
  return join(OUT, doc.replace(/\.md$/, '').replace(/[\\/]/g, '__'));
}

/** Every TypeScript block of every Markdown file, resolved into snippets (throws on a malformed marker). */
function collectSnippets(): Map<string, Snippet[]> {
  const byDoc = new Map<string, Snippet[]>();
  for (const doc of markdownFiles()) {
    const snippets: Snippet[] = [];
    const names = new Set<string>();
    let previous: Snippet | undefined;
    for (const block of codeBlocks(doc).filter((b) => TS_LANGS.has(b.lang))) {
      for (const flag of block.flags) if (!KNOWN_FLAGS.has(flag)) throw new Error(`${where(block)}: unknown code block flag "${flag}"`);
      for (const name of block.values.keys()) if (!KNOWN_VALUES.has(name)) throw new Error(`${where(block)}: unknown code block attribute "${name}"`);
      if (block.flags.has('fragment')) {
        if (block.flags.size > 1 || block.values.size > 0) throw new Error(`${where(block)}: a fragment takes no other attribute`);
        snippets.push({ block, file: undefined, code: block.code, parts: [{ block, from: 0 }], run: false, probes: [] });
        continue;
      }
      if (block.flags.has('continues') && previous === undefined) throw new Error(`${where(block)}: "continues" needs a TypeScript block before it`);
      const base = block.flags.has('continues') ? previous : undefined;
      const named = block.values.get('file')?.[0] ?? /^\/\/ ([\w.-]+\.ts)(?::|\s|$)/.exec(block.code)?.[1];
      const name = named ?? `block-${block.line}.ts`;
      if (names.has(name)) throw new Error(`${where(block)}: a second block named ${name} in ${doc}`);
      names.add(name);
      const code = base === undefined ? block.code : `${base.code}\n${block.code}`;
      const from = base === undefined ? 0 : base.code.split('\n').length;
      const snippet: Snippet = {
        block,
        file: join(dirFor(doc), name),
        code,
        parts: [...(base?.parts ?? []), { block, from }],
        run: block.flags.has('run'),
        probes: (block.values.get('probe') ?? []).map((text) => parseProbe(text, block)),
      };
      if (snippet.probes.length > 0 && !snippet.run) throw new Error(`${where(block)}: a probe needs "run"`);
      snippets.push(snippet);
      previous = snippet;
    }
    if (snippets.length > 0) byDoc.set(doc, snippets);
  }
  return byDoc;
}

const snippetsByDoc = collectSnippets();

function writeSnippets(): void {
  rmSync(OUT, { recursive: true, force: true });
  for (const snippets of snippetsByDoc.values()) {
    for (const { file, code } of snippets) {
      if (file === undefined) continue;
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, `${code}\n`);
    }
  }
}

/** `docs/production.md:40` for a line of a snippet file (0-based). */
function sourceLine(snippet: Snippet, line: number): string {
  const part = [...snippet.parts].reverse().find((p) => p.from <= line) ?? (snippet.parts[0] as Snippet['parts'][number]);
  return `${part.block.doc}:${part.block.line + line - part.from}`;
}

function format(diagnostic: ts.Diagnostic, snippet: Snippet | undefined): string {
  const message = ts.flattenDiagnosticMessageText(diagnostic.messageText, '\n');
  if (diagnostic.file === undefined || diagnostic.start === undefined) return `TS${diagnostic.code}: ${message}`;
  const { line } = diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start);
  const at = snippet === undefined ? `${relative(ROOT, diagnostic.file.fileName)}:${line + 1}` : sourceLine(snippet, line);
  return `${at}: TS${diagnostic.code}: ${message}`;
}

let checked: Map<string, string[]> | undefined;

/** Type-check every written snippet in one program; the errors by Markdown file. */
function typeCheck(): Map<string, string[]> {
  if (checked !== undefined) return checked;
  writeSnippets();
  const config = ts.readConfigFile(join(ROOT, 'tsconfig.base.json'), (path) => ts.sys.readFile(path));
  const { options } = ts.parseJsonConfigFileContent(config.config, ts.sys, ROOT);
  const byFile = new Map<string, Snippet>();
  for (const snippets of snippetsByDoc.values()) for (const s of snippets) if (s.file !== undefined) byFile.set(s.file, s);
  const program = ts.createProgram([...byFile.keys()], {
    ...options,
    noEmit: true,
    types: ['node'],
    // Each block is its own module, even one without import or export.
    moduleDetection: ts.ModuleDetectionKind.Force,
  });
  const errors = new Map<string, string[]>();
  const add = (doc: string, text: string): void => {
    errors.set(doc, [...(errors.get(doc) ?? []), text]);
  };
  for (const diagnostic of [...program.getGlobalDiagnostics(), ...program.getOptionsDiagnostics()]) add('(program)', format(diagnostic, undefined));
  for (const [file, snippet] of byFile) {
    const source = program.getSourceFile(file);
    if (source === undefined) {
      add(snippet.block.doc, `${where(snippet.block)}: not compiled`);
      continue;
    }
    for (const diagnostic of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      add(snippet.block.doc, format(diagnostic, snippet));
    }
  }
  checked = errors;
  return errors;
}

/** Whether a snippet, or a block of its file it imports, talks to Redis. */
function needsRedis(snippet: Snippet, all: readonly Snippet[]): boolean {
  const redisy = /from '(@countersign\/redis|@countersign\/bullmq|ioredis|bullmq)'/;
  if (redisy.test(snippet.code)) return true;
  for (const match of snippet.code.matchAll(/from '\.\/([\w.-]+)\.js'/g)) {
    const imported = all.find((s) => s.file !== undefined && s.file.endsWith(`/${match[1]}.ts`));
    if (imported !== undefined && redisy.test(imported.code)) return true;
  }
  return false;
}

interface RunResult {
  output: string;
}

/** The environment of a run: the test's own, without the variables snippets read, then SNIPPET_ENV. */
function runEnvironment(): Record<string, string> {
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => entry[1] !== undefined && !/^(ADOBE|IGNISIGN|SIGNIT|DOCSTUDIO|BILLING|REDIS|COUNTERSIGN|PORT$|HOST$)/.test(entry[0]),
    ),
  );
  return { ...inherited, ...SNIPPET_ENV };
}

/** Run one snippet as described at the top of this file; reject with its output when it does not behave. */
async function runSnippet(snippet: Snippet): Promise<RunResult> {
  const file = snippet.file as string;
  const child = spawn(process.execPath, ['--conditions=source', '--import', 'tsx', '--import', HOOK, file], {
    cwd: dirname(file),
    env: runEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  const listening = new Promise<number>((resolve) => {
    let buffer = '';
    (child.stdio[3] as NodeJS.ReadableStream).setEncoding('utf8');
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: string) => {
      buffer += chunk;
      const line = /\{"listening":(\d+)\}\n/.exec(buffer);
      if (line) resolve(Number(line[1]));
    });
  });
  const output = (): string => `${where(snippet.block)} (${relative(ROOT, file)})\n----- stdout -----\n${stdout}\n----- stderr -----\n${stderr}`;
  const fail = (why: string): Error => new Error(`${why}\n${output()}`);
  const timeout = (ms: number): Promise<'timeout'> => new Promise((resolve) => setTimeout(() => resolve('timeout'), ms).unref());

  try {
    const first = await Promise.race([exited, listening, timeout(30_000)]);
    if (first === 'timeout') throw fail('neither exited nor listened within 30 s');
    if (typeof first === 'object') {
      if (snippet.probes.length > 0) throw fail(`exited (${JSON.stringify(first)}) before listening; its probes need a server`);
      if (first.code !== 0) throw fail(`exited with ${JSON.stringify(first)}, not 0`);
      return { output: output() };
    }
    const port = first;
    for (const probe of snippet.probes) {
      const res = await fetch(`http://127.0.0.1:${port}${probe.path}`, { method: probe.method, headers: probe.headers, signal: AbortSignal.timeout(10_000) });
      const body = await res.text();
      if (res.status !== probe.status) throw fail(`${probe.method} ${probe.path} answered ${res.status}, not ${probe.status}: ${body.slice(0, 500)}`);
    }
    child.kill('SIGTERM');
    const end = await Promise.race([exited, timeout(10_000)]);
    if (end === 'timeout') throw fail('kept running 10 s after SIGTERM: a server must close and the process exit');
    if (!(end.code === 0 || (end.code === null && end.signal === 'SIGTERM'))) throw fail(`ended with ${JSON.stringify(end)} after SIGTERM`);
    return { output: output() };
  } finally {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
  }
}

const redisUp = [...snippetsByDoc.values()].some((snippets) => snippets.some((s) => s.run && needsRedis(s, snippets)))
  ? await requireRedis('the doc snippets that use Redis')
  : false;

afterAll(async () => {
  if (!redisUp) return;
  const redis = new Redis(REDIS_URL);
  try {
    for (const pattern of [`bull:${QUEUE}:*`, `${QUEUE}:*`]) {
      const keys = await redis.keys(pattern);
      if (keys.length > 0) await redis.del(...keys);
      expect(await redis.keys(pattern)).toEqual([]);
    }
  } finally {
    redis.disconnect();
  }
});

describe('code blocks in the Markdown', () => {
  it('all name their language (```ts, ```sh, ```text...), so a lost fence cannot turn prose into code unnoticed', () => {
    const unnamed = markdownFiles().flatMap((doc) => codeBlocks(doc).filter((b) => b.lang === '').map(where));
    expect(unnamed).toEqual([]);
  });

  it('are found: README, docs/ and every package README have TypeScript blocks', () => {
    const docs = [...snippetsByDoc.keys()];
    for (const doc of ['README.md', 'docs/production.md', 'docs/custom-providers.md', 'packages/core/README.md', 'packages/testing/README.md']) {
      expect(docs).toContain(doc);
    }
  });
});

describe.each([...snippetsByDoc.keys()])('%s', (doc) => {
  const snippets = snippetsByDoc.get(doc) as Snippet[];

  it('type-checks every block that is not a fragment', () => {
    expect(typeCheck().get(doc) ?? []).toEqual([]);
    expect(typeCheck().get('(program)') ?? []).toEqual([]);
  }, 180_000);

  const fragments = snippets.filter((s) => s.file === undefined);
  if (fragments.length > 0) it('parses its fragments', () => {
    const errors = fragments.flatMap((s) => {
      const { diagnostics = [] } = ts.transpileModule(s.code, { reportDiagnostics: true, compilerOptions: { module: ts.ModuleKind.ESNext } });
      return diagnostics.map((d) => format(d, s));
    });
    expect(errors).toEqual([]);
  });

  for (const snippet of snippets.filter((s) => s.run)) {
    const redis = needsRedis(snippet, snippets);
    it.skipIf(redis && !redisUp)(`runs the block at line ${snippet.block.line}${snippet.probes.length > 0 ? ` and gets ${snippet.probes.map((p) => `${p.method} ${p.path} ${p.status}`).join(', ')}` : ''}`, async () => {
      const errors = typeCheck().get(doc) ?? [];
      expect(errors, 'type errors first').toEqual([]);
      await runSnippet(snippet);
    }, 90_000);
  }
});
