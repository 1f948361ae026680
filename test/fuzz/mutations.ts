/**
 * Mutations of real deliveries, as small specs fast-check can shrink and print (a 5 MB id is `{ huge: 5000000 }`,
 * never the string itself), and the builders that turn a spec into bytes, headers and a body input.
 */
import { Readable } from 'node:stream';
import fc from 'fast-check';
import type { BodyInput } from '@countersign/core';

// ---------------------------------------------------------------------------------------------------------------
// Text

/** Characters that break naive code: line and paragraph separators, CR/LF, quotes, NUL, lone surrogates, non-Latin-1. */
export const NASTY_CHARS = [
  '\u2028',
  '\u2029',
  '\r',
  '\n',
  '\r\n',
  '"',
  "'",
  '\\',
  '\u0000',
  '\u001b',
  '\u007f',
  '\u0085',
  '\u00ff',
  '\u0100',
  '€',
  '𝄞',
  '\ud800',
  '\udfff',
  '\ufeff',
  '\t',
  ' ',
  '%0d%0a',
  '<script>',
  '${x}',
  '__proto__',
] as const;

/** A short string rich in nasty characters. */
export const hostileText = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(fc.constantFrom(...NASTY_CHARS), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 1 })),
    minLength: constraints.minLength ?? 0,
    maxLength: constraints.maxLength ?? 24,
  });

/** A header value an HTTP client can send: HTAB, visible ASCII, SP and obs-text (Latin-1). */
export const wireText = (maxLength = 40): fc.Arbitrary<string> =>
  fc.string({
    unit: fc.oneof(fc.integer({ min: 0x20, max: 0x7e }), fc.integer({ min: 0x80, max: 0xff }), fc.constant(0x09)).map((code) => String.fromCharCode(code)),
    maxLength,
  });

// ---------------------------------------------------------------------------------------------------------------
// Values put into JSON bodies

/** Repeated to make a huge string of about `bytes` UTF-8 bytes. */
export const HUGE_UNITS = ['a', '7', 'é', '€', '𝄞', '\u2028', '"', '\\', '\n', '<', ' '] as const;

export type Hostile =
  | { json: fc.JsonValue }
  | { text: string }
  | { huge: number; unit: (typeof HUGE_UNITS)[number] }
  | { deep: number; open: '[' | '{' }
  | { many: number; item: fc.JsonValue };

export const lightHostile: fc.Arbitrary<Hostile> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ json: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 4, arbitrary: fc.record({ text: hostileText({ maxLength: 40 }) }) },
  { weight: 1, arbitrary: fc.record({ huge: fc.integer({ min: 1, max: 64 * 1024 }), unit: fc.constantFrom(...HUGE_UNITS) }) },
  { weight: 1, arbitrary: fc.record({ deep: fc.integer({ min: 1, max: 100_000 }), open: fc.constantFrom('[' as const, '{' as const) }) },
  { weight: 1, arbitrary: fc.record({ many: fc.integer({ min: 0, max: 2000 }), item: fc.jsonValue({ maxDepth: 1 }) }) },
);

/** A huge id: 1 to 5 MB. */
export const hugeText: fc.Arbitrary<{ huge: number; unit: (typeof HUGE_UNITS)[number] }> = fc.record({
  huge: fc.integer({ min: 1_000_000, max: 5_000_000 }),
  unit: fc.constantFrom(...HUGE_UNITS),
});

/** Many items: up to 300,000, each wrong in its own way. */
export const manyItems: fc.Arbitrary<{ many: number; item: fc.JsonValue }> = fc.record({
  many: fc.integer({ min: 1000, max: 300_000 }),
  item: fc.oneof(
    fc.constantFrom<fc.JsonValue>({}, { id: 5 }, { memberInfos: 'x' }, null, 1, 'x', [], { email: null, role: 7 }),
    fc.jsonValue({ maxDepth: 1 }),
  ),
});

function repeatTo(unit: string, bytes: number): string {
  const size = new TextEncoder().encode(unit).byteLength;
  return unit.repeat(Math.max(1, Math.floor(bytes / size)));
}

/** A placeholder replaced by deep nesting after serialization (a 100,000-deep object would overflow the serializer). */
const DEEP_MARK = 'fuzz-deep-';

/** The value to put in a document; deep nesting is a placeholder string, expanded by `serialize`. */
export function materialize(value: Hostile, deep: string[]): unknown {
  // Copies: later edits change the document in place, never the generated value (fast-check replays and shrinks it).
  if ('json' in value) return structuredClone(value.json);
  if ('text' in value) return value.text;
  if ('huge' in value) return repeatTo(value.unit, value.huge);
  if ('many' in value) return Array.from({ length: value.many }, () => structuredClone(value.item));
  const close = value.open === '[' ? ']' : '}';
  deep.push(value.open === '[' ? `${'['.repeat(value.deep)}${close.repeat(value.deep)}` : `${'{"a":'.repeat(value.deep - 1)}{}${'}'.repeat(value.deep - 1)}`);
  return `${DEEP_MARK}${deep.length - 1}`;
}

/** `JSON.stringify`, with the deep-nesting placeholders expanded. */
export function serialize(document: unknown, deep: readonly string[]): string {
  const text = JSON.stringify(document) ?? 'null';
  if (deep.length === 0) return text;
  return text.replace(new RegExp(`"${DEEP_MARK}(\\d+)"`, 'g'), (_match, index: string) => deep[Number(index)] ?? 'null');
}

// ---------------------------------------------------------------------------------------------------------------
// JSON edits of a fixture's document

export type JsonEdit =
  | { op: 'set'; at: number; value: Hostile }
  | { op: 'delete'; at: number }
  | { op: 'add'; at: number; key: string; value: Hostile }
  /** Set a named field (an id, an event name), creating what leads to it. */
  | { op: 'setPath'; path: readonly string[]; value: Hostile };

export const jsonEdit = (value: fc.Arbitrary<Hostile>): fc.Arbitrary<JsonEdit> =>
  fc.oneof(
    { weight: 5, arbitrary: fc.record({ op: fc.constant('set' as const), at: fc.nat(), value }) },
    { weight: 2, arbitrary: fc.record({ op: fc.constant('delete' as const), at: fc.nat() }) },
    {
      weight: 2,
      arbitrary: fc.record({
        op: fc.constant('add' as const),
        at: fc.nat(),
        key: fc.oneof(fc.constantFrom('__proto__', 'constructor', 'id', 'event', 'status', ''), hostileText({ maxLength: 12 })),
        value,
      }),
    },
  );

type Path = ReadonlyArray<string | number>;

/** Every path in a document, the root (`[]`) first. */
export function pathsOf(value: unknown, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((item, i) => pathsOf(item, [...prefix, i], out));
  else if (typeof value === 'object' && value !== null) for (const [key, item] of Object.entries(value)) pathsOf(item, [...prefix, key], out);
  return out;
}

function isContainer(value: unknown): value is Record<string | number, unknown> {
  return typeof value === 'object' && value !== null;
}

/** Set `path` in `root` (creating objects on the way), returning the new root (the root itself may be replaced). */
export function setPath(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const top: unknown = isContainer(root) ? root : {};
  let node = top as Record<string | number, unknown>;
  for (const [i, key] of path.entries()) {
    if (i === path.length - 1) {
      Object.defineProperty(node, key, { value, enumerable: true, writable: true, configurable: true });
      break;
    }
    const next = Object.hasOwn(node, key) ? node[key] : undefined;
    if (!isContainer(next)) Object.defineProperty(node, key, { value: {}, enumerable: true, writable: true, configurable: true });
    node = node[key] as Record<string | number, unknown>;
  }
  return top;
}

function deletePath(root: unknown, path: Path): unknown {
  if (path.length === 0) return undefined;
  let node: unknown = root;
  for (const key of path.slice(0, -1)) node = isContainer(node) ? node[key] : undefined;
  const last = path[path.length - 1] as string | number;
  if (Array.isArray(node) && typeof last === 'number') node.splice(last, 1);
  else if (isContainer(node)) delete node[last];
  return root;
}

/** Apply edits to a document (a deep copy of it), returning the new one. */
export function applyJsonEdits(document: unknown, edits: readonly JsonEdit[], deep: string[]): unknown {
  let root: unknown = document;
  for (const edit of edits) {
    if (edit.op === 'setPath') {
      root = setPath(root, edit.path, materialize(edit.value, deep));
      continue;
    }
    const paths = pathsOf(root);
    const path = paths[edit.at % paths.length] as Path;
    if (edit.op === 'delete') {
      root = deletePath(root, path);
      continue;
    }
    const value = materialize(edit.value, deep);
    if (edit.op === 'set') {
      root = setPath(root, path, value);
      continue;
    }
    let node: unknown = root;
    for (const key of path) node = isContainer(node) ? node[key] : undefined;
    if (Array.isArray(node)) node.push(value);
    else if (isContainer(node)) Object.defineProperty(node, edit.key, { value, enumerable: true, writable: true, configurable: true });
    else root = setPath(root, path, { [edit.key]: value });
  }
  return root;
}

// ---------------------------------------------------------------------------------------------------------------
// Byte edits

/** Byte sequences that are not UTF-8: lone continuation, truncated sequences, overlong, surrogate, out of range. */
export const INVALID_UTF8: readonly (readonly number[])[] = [[0x80], [0xff], [0xc3], [0xe2, 0x82], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe]];

export type ByteEdit =
  | { op: 'flip'; at: number; xor: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; length: number }
  | { op: 'truncate'; at: number }
  | { op: 'invalidUtf8'; at: number; sequence: number }
  | { op: 'bom' };

export const byteEdit: fc.Arbitrary<ByteEdit> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), xor: fc.integer({ min: 1, max: 255 }) }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 16 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 64 }) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('invalidUtf8' as const), at: fc.nat(), sequence: fc.nat({ max: INVALID_UTF8.length - 1 }) }),
  fc.record({ op: fc.constant('bom' as const) }),
);

function splice(bytes: Uint8Array, at: number, remove: number, insert: ArrayLike<number>): Uint8Array {
  const out = new Uint8Array(bytes.byteLength - remove + insert.length);
  out.set(bytes.subarray(0, at), 0);
  out.set(insert, at);
  out.set(bytes.subarray(at + remove), at + insert.length);
  return out;
}

export function applyByteEdits(input: Uint8Array, edits: readonly ByteEdit[]): Uint8Array {
  let bytes = input;
  for (const edit of edits) {
    const at = edit.op === 'bom' ? 0 : bytes.byteLength === 0 ? 0 : edit.at % (bytes.byteLength + (edit.op === 'insert' || edit.op === 'invalidUtf8' ? 1 : 0));
    switch (edit.op) {
      case 'flip':
        if (bytes.byteLength > 0) {
          bytes = bytes.slice();
          bytes[at] = (bytes[at] as number) ^ edit.xor;
        }
        break;
      case 'insert':
        bytes = splice(bytes, at, 0, edit.bytes);
        break;
      case 'delete':
        bytes = splice(bytes, at, Math.min(edit.length, bytes.byteLength - at), []);
        break;
      case 'truncate':
        bytes = bytes.slice(0, at);
        break;
      case 'invalidUtf8':
        bytes = splice(bytes, at, 0, INVALID_UTF8[edit.sequence] ?? [0xff]);
        break;
      case 'bom':
        bytes = splice(bytes, 0, 0, [0xef, 0xbb, 0xbf]);
        break;
    }
  }
  return bytes;
}

// ---------------------------------------------------------------------------------------------------------------
// Bodies

export type BodySpec =
  | { kind: 'fixture'; json: JsonEdit[]; bytes: ByteEdit[] }
  | { kind: 'document'; value: fc.JsonValue }
  | { kind: 'raw'; bytes: Uint8Array }
  | { kind: 'empty' }
  | { kind: 'blank'; text: string };

export const bodySpec = (value: fc.Arbitrary<Hostile> = lightHostile): fc.Arbitrary<BodySpec> =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constant<BodySpec>({ kind: 'fixture', json: [], bytes: [] }) },
    { weight: 6, arbitrary: fc.record({ kind: fc.constant('fixture' as const), json: fc.array(jsonEdit(value), { minLength: 1, maxLength: 4 }), bytes: fc.constant<ByteEdit[]>([]) }) },
    { weight: 4, arbitrary: fc.record({ kind: fc.constant('fixture' as const), json: fc.constant<JsonEdit[]>([]), bytes: fc.array(byteEdit, { minLength: 1, maxLength: 4 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('fixture' as const), json: fc.array(jsonEdit(value), { maxLength: 3 }), bytes: fc.array(byteEdit, { maxLength: 3 }) }) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('document' as const), value: fc.jsonValue({ maxDepth: 4 }) }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('raw' as const), bytes: fc.uint8Array({ maxLength: 256 }) }) },
    { weight: 1, arbitrary: fc.constant<BodySpec>({ kind: 'empty' }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('blank' as const), text: fc.constantFrom(' ', '\n', '\r\n\t ', '\ufeff', 'null', '[]', '""', '0', '{}') }) },
  );

// ---------------------------------------------------------------------------------------------------------------
// Headers

export type HeaderRecord = Record<string, string | string[]>;

export type HeaderEdit =
  | { op: 'remove'; at: number }
  | { op: 'duplicate'; at: number }
  | { op: 'case'; at: number; upper: boolean }
  | { op: 'set'; name: string; value: string }
  | { op: 'append'; name: string; value: string }
  | { op: 'contentLength'; how: 'less' | 'more' | 'zero' | 'negative' | 'garbage' | 'huge' | 'exact' };

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=iso-8859-1',
  'text/plain',
  'text/html',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=x',
  'application/octet-stream',
  '',
  ';;;',
  'APPLICATION/JSON',
];

const HEADER_NAMES = ['content-type', 'content-encoding', 'x-forwarded-for', 'accept', 'user-agent', 'x-request-id', 'cookie', 'content-language'];

/**
 * Edits of the request headers. `wire`: only what an HTTP client can send and a server reads the same way
 * (no framing headers, Latin-1 values); otherwise anything a caller of `handle()` could pass.
 */
export const headerEdits = (options: { wire: boolean }): fc.Arbitrary<HeaderEdit[]> => {
  const value = options.wire ? wireText() : fc.oneof(hostileText({ maxLength: 40 }), wireText());
  const name = fc.oneof(fc.constantFrom(...HEADER_NAMES), fc.stringMatching(/^x-[a-z0-9-]{1,16}$/));
  const edits: Array<fc.Arbitrary<HeaderEdit>> = [
    fc.record({ op: fc.constant('remove' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('duplicate' as const), at: fc.nat() }),
    fc.record({ op: fc.constant('case' as const), at: fc.nat(), upper: fc.boolean() }),
    fc.record({ op: fc.constant('set' as const), name: fc.constant('content-type'), value: fc.oneof(fc.constantFrom(...CONTENT_TYPES), value) }),
    fc.record({ op: fc.constant('set' as const), name, value }),
    fc.record({ op: fc.constant('append' as const), name, value }),
  ];
  if (!options.wire) {
    edits.push(fc.record({ op: fc.constant('contentLength' as const), how: fc.constantFrom('less', 'more', 'zero', 'negative', 'garbage', 'huge', 'exact') }));
  }
  return fc.array(fc.oneof(...edits), { maxLength: 4 });
};

function flat(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : typeof value === 'string' ? [value] : value;
}

function mixedCase(name: string): string {
  return [...name].map((c, i) => (i % 2 === 0 ? c.toUpperCase() : c.toLowerCase())).join('');
}

export function applyHeaderEdits(base: Readonly<HeaderRecord>, edits: readonly HeaderEdit[], bodyLength: number): HeaderRecord {
  const headers: HeaderRecord = { ...base };
  for (const edit of edits) {
    const names = Object.keys(headers);
    const pick = (at: number): string | undefined => names[at % Math.max(1, names.length)];
    switch (edit.op) {
      case 'remove': {
        const name = pick(edit.at);
        if (name !== undefined) delete headers[name];
        break;
      }
      case 'duplicate': {
        const name = pick(edit.at);
        if (name !== undefined) headers[name] = [...flat(headers[name]), ...flat(headers[name])];
        break;
      }
      case 'case': {
        const name = pick(edit.at);
        if (name === undefined) break;
        const value = headers[name] as string | string[];
        delete headers[name];
        headers[edit.upper ? name.toUpperCase() : mixedCase(name)] = value;
        break;
      }
      case 'set':
        headers[edit.name] = edit.value;
        break;
      case 'append':
        headers[edit.name] = [...flat(headers[edit.name]), edit.value];
        break;
      case 'contentLength': {
        const values = { less: String(Math.max(0, bodyLength - 1)), more: String(bodyLength + 1), zero: '0', negative: '-1', garbage: '12abc', huge: '99999999999', exact: String(bodyLength) };
        headers['content-length'] = values[edit.how];
        break;
      }
    }
  }
  return headers;
}

/** What is done to the credential header once it is set: nothing, drop it, repeat it, change its name's case, pad its value. */
export type CredentialHeaderOp = 'none' | 'remove' | 'duplicate' | 'upper' | 'pad';

export const credentialHeaderOp: fc.Arbitrary<CredentialHeaderOp> = fc.oneof(
  { weight: 6, arbitrary: fc.constant<CredentialHeaderOp>('none') },
  { weight: 1, arbitrary: fc.constantFrom<CredentialHeaderOp>('remove', 'duplicate', 'upper', 'pad') },
);

/** Set the credential header `name` to `value`, then apply `op`. */
export function setCredentialHeader(headers: HeaderRecord, name: string, value: string | undefined, op: CredentialHeaderOp): void {
  for (const key of Object.keys(headers)) if (key.toLowerCase() === name) delete headers[key];
  if (value === undefined || op === 'remove') return;
  if (op === 'duplicate') headers[name] = [value, value];
  else if (op === 'upper') headers[name.toUpperCase()] = value;
  else if (op === 'pad') headers[name] = ` \t${value}\t `;
  else headers[name] = value;
}

// ---------------------------------------------------------------------------------------------------------------
// Method, endpoint path, body input

export const method = (options: { wire: boolean }): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 12, arbitrary: fc.constant('POST') },
    { weight: 2, arbitrary: fc.constantFrom('GET', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'PATCH') },
    { weight: options.wire ? 0 : 1, arbitrary: fc.constantFrom('post', 'Post', 'get', 'FOO', '') },
  );

export type EndpointForm = 'plain' | 'prefixed' | 'trailing' | 'nested' | 'upper' | 'encoded' | 'query' | 'unknown';

export const endpointForm: fc.Arbitrary<EndpointForm> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<EndpointForm>('plain') },
  { weight: 2, arbitrary: fc.constantFrom<EndpointForm>('prefixed', 'trailing', 'nested', 'upper', 'encoded', 'query', 'unknown') },
);

export function endpointPath(name: string, form: EndpointForm): string {
  switch (form) {
    case 'plain':
      return name;
    case 'prefixed':
      return `/webhooks/${name}`;
    case 'trailing':
      return `${name}/`;
    case 'nested':
      return `/webhooks/x/y/${name}`;
    case 'upper':
      return name.toUpperCase();
    case 'encoded':
      return encodeURIComponent(name).replace(/-/g, '%2D');
    case 'query':
      return `${name}?x=1#y`;
    case 'unknown':
      return `${name}-nope`;
  }
}

/** How the body reaches `handle()`: bytes, a string, an async iterable, a Web stream, a Node stream or a Fetch `Request`. */
export type BodyForm = { form: 'bytes' | 'string' | 'chunks' | 'stream' | 'node' | 'request'; sizes: number[] };

export const bodyForm: fc.Arbitrary<BodyForm> = fc.record({
  form: fc.constantFrom('bytes', 'string', 'chunks', 'stream', 'node', 'request'),
  sizes: fc.array(fc.integer({ min: 1, max: 4096 }), { minLength: 1, maxLength: 4 }),
});

function slices(bytes: Uint8Array, sizes: readonly number[]): Uint8Array[] {
  const out: Uint8Array[] = [];
  for (let offset = 0, i = 0; offset < bytes.byteLength; i++) {
    const size = sizes[i % sizes.length] ?? 1024;
    // At most about 256 pieces, so a 5 MB body is not a million chunks.
    const next = Math.max(size, Math.ceil(bytes.byteLength / 256));
    out.push(bytes.subarray(offset, offset + next));
    offset += next;
  }
  return out;
}

export function bodyInput(bytes: Uint8Array, { form, sizes }: BodyForm): BodyInput {
  switch (form) {
    case 'bytes':
      return bytes;
    case 'string': {
      const text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
      const same = new TextEncoder().encode(text);
      return same.byteLength === bytes.byteLength && same.every((b, i) => b === bytes[i]) ? text : bytes;
    }
    case 'chunks': {
      const pieces = slices(bytes, sizes);
      return (async function* () {
        for (const piece of pieces) yield piece;
      })();
    }
    case 'stream': {
      const pieces = slices(bytes, sizes);
      return new ReadableStream<Uint8Array>({
        pull(controller) {
          const next = pieces.shift();
          if (next === undefined) controller.close();
          else controller.enqueue(next);
        },
      });
    }
    case 'node':
      return Readable.from(slices(bytes, sizes));
    case 'request':
      return new Request('http://fuzz.invalid/', { method: 'POST', body: bytes.slice() });
  }
}

export const maxBodyBytes: fc.Arbitrary<number | undefined> = fc.oneof(
  { weight: 8, arbitrary: fc.constant(undefined) },
  { weight: 1, arbitrary: fc.integer({ min: 1, max: 4096 }) },
);
