/**
 * Links in the Markdown resolve. Package READMEs are also shown on the npm registry, where a relative link leads
 * nowhere: theirs must be absolute, and those into this repository must name a file that exists.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { describe, expect, it } from 'vitest';
import { markdownFiles, ROOT } from './markdown.js';

const REPOSITORY = 'https://github.com/countersign/countersign';

/** The Markdown without fenced blocks and (unless kept) inline code, where `[x](y)` is not a link. */
function prose(doc: string, keepInlineCode = false): string {
  let fence: string | undefined;
  const kept: string[] = [];
  for (const line of readFileSync(join(ROOT, doc), 'utf8').split('\n')) {
    const marker = /^ {0,3}(`{3,}|~{3,})/.exec(line)?.[1];
    if (fence === undefined && marker !== undefined) fence = marker;
    else if (fence !== undefined && marker !== undefined && marker[0] === fence[0] && marker.length >= fence.length && line.trim() === marker) fence = undefined;
    else if (fence === undefined) kept.push(keepInlineCode ? line : line.replace(/`[^`]*`/g, ''));
  }
  return kept.join('\n');
}

function links(doc: string): string[] {
  return [...prose(doc).matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)].map((m) => m[1] as string);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to dashes. */
function anchors(doc: string): Set<string> {
  const found = new Set<string>();
  for (const m of prose(doc, true).matchAll(/^#{1,6} (.+)$/gm)) {
    found.add((m[1] as string).trim().toLowerCase().replace(/[^\p{L}\p{N} _-]/gu, '').replace(/ /g, '-'));
  }
  return found;
}

/** Why a repository path (with an optional heading anchor) does not resolve, or undefined. */
function broken(path: string, anchor: string | undefined): string | undefined {
  if (!existsSync(join(ROOT, path))) return `${path} does not exist`;
  if (anchor !== undefined && anchor !== 'readme' && path.endsWith('.md') && statSync(join(ROOT, path)).isFile() && !anchors(path).has(anchor)) {
    return `${path} has no heading #${anchor}`;
  }
  return undefined;
}

const docs = markdownFiles();
const packageReadmes = docs.filter((doc) => /^packages\/[^/]+\/README\.md$/.test(doc));

describe('links in the Markdown', () => {
  it.each(docs)('%s: every relative link and every link into this repository resolves', (doc) => {
    const problems: string[] = [];
    for (const target of links(doc)) {
      const [path = '', anchor] = target.split('#') as [string, string | undefined];
      if (target.startsWith(`${REPOSITORY}/blob/main/`) || target.startsWith(`${REPOSITORY}/tree/main/`)) {
        const why = broken(path.slice(`${REPOSITORY}/blob/main/`.length), anchor);
        if (why) problems.push(`${target}: ${why}`);
      } else if (target === REPOSITORY || target.startsWith(`${REPOSITORY}#`)) {
        continue;
      } else if (!/^[a-z]+:/.test(target)) {
        const why = broken(path === '' ? doc : normalize(join(dirname(doc), path)), anchor);
        if (why) problems.push(`${target}: ${why}`);
      }
    }
    expect(problems).toEqual([]);
  });

  it.each(packageReadmes)('%s: links are absolute, so they work on the npm registry page', (doc) => {
    expect(links(doc).filter((target) => !/^https:\/\//.test(target))).toEqual([]);
  });
});
