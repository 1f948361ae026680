import { sha256Hex } from '../../crypto.js';

/** Longest readable head of a key (`TOPIC.ACTION.MSGNATURE`); the hash after it covers the whole event anyway. */
const MAX_LABEL_LENGTH = 120;

/**
 * The JSON text of `root` with every object's keys sorted (arrays keep their order), so two bodies that say the
 * same thing in another key order give the same text. Iterative, so a deeply nested document cannot exhaust the
 * call stack. Meant for what `JSON.parse` returns (null, booleans, numbers, strings, arrays, plain objects).
 */
export function canonicalJson(root: unknown): string {
  let out = '';
  // A stack of values still to write and of literal text (brackets, commas, `"key":`) between them.
  const stack: Array<{ value: unknown } | string> = [{ value: root }];
  for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
    if (typeof item === 'string') {
      out += item;
      continue;
    }
    const { value } = item;
    if (Array.isArray(value)) {
      stack.push(']');
      for (let i = value.length - 1; i >= 0; i--) {
        stack.push({ value: value[i] as unknown });
        if (i > 0) stack.push(',');
      }
      stack.push('[');
    } else if (typeof value === 'object' && value !== null) {
      const record = value as Record<string, unknown>;
      const keys = Object.keys(record)
        .filter((key) => record[key] !== undefined)
        .sort();
      stack.push('}');
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string;
        stack.push({ value: record[key] });
        stack.push(`${i > 0 ? ',' : ''}${JSON.stringify(key)}:`);
      }
      stack.push('{');
    } else {
      // undefined, functions and symbols do not come out of JSON.parse; write them as JSON.stringify does in arrays.
      out += JSON.stringify(value) ?? 'null';
    }
  }
  return out;
}

/** The readable head of a key: the event's name and nature, in key-safe characters and bounded. */
function label(topic: string, action: string, msgNature: string): string {
  return `${topic}.${action}.${msgNature}`.replace(/[^A-Za-z0-9_.-]/g, '_').slice(0, MAX_LABEL_LENGTH);
}

/**
 * Ignisign sends no event id, so the dedupe key is derived from the whole event: `TOPIC.ACTION.MSGNATURE:` then
 * the SHA-256 (hex) of the canonical JSON (keys sorted at every depth) of `topic`, `action`, `msgNature`,
 * `content` and `error`. Any difference in what the event says, at any depth, gives another key, so two distinct
 * events are never merged; the platform's retry of an event carries the same content and gets the same key. The
 * delivery's credentials (`verificationToken`, which a retry may renew, `appId`, `appEnv`) are not part of it.
 * The key is at most 185 characters: the readable head keeps `A-Z a-z 0-9 _ . -` (others become `_`) and is cut
 * at 120 characters; the hash covers the full values.
 */
export async function ignisignDedupeKey(event: {
  topic: string;
  action: string;
  msgNature: string;
  content?: unknown;
  error?: unknown;
}): Promise<string> {
  const { topic, action, msgNature, content, error } = event;
  const described: Record<string, unknown> = { topic, action, msgNature };
  if (content !== undefined) described.content = content;
  if (error !== undefined) described.error = error;
  return `${label(topic, action, msgNature)}:${await sha256Hex(canonicalJson(described))}`;
}
