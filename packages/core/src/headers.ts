/** Request headers as adapters hand them over: Node's `IncomingHttpHeaders`, a plain record, or Web `Headers`. */
export type HeadersInput =
  | { get(name: string): string | null }
  | Readonly<Record<string, string | readonly string[] | undefined>>;

/** Case-insensitive, read-only view of request headers. */
export interface HeaderReader {
  /** The header's value (several values joined with `, `), or `undefined` when absent. */
  get(name: string): string | undefined;
}

function isHeadersLike(h: HeadersInput): h is { get(name: string): string | null } {
  return typeof (h as { get?: unknown }).get === 'function';
}

function flatten(v: string | readonly string[] | undefined): string | undefined {
  if (v === undefined) return undefined;
  return typeof v === 'string' ? v : v.join(', ');
}

export function readHeaders(input: HeadersInput): HeaderReader {
  if (isHeadersLike(input)) {
    return { get: (name) => input.get(name) ?? undefined };
  }
  const record = input;
  return {
    get(name) {
      const lower = name.toLowerCase();
      // Node lower-cases incoming header names, so this is the common, fast path.
      const direct = record[lower];
      if (direct !== undefined) return flatten(direct);
      for (const key of Object.keys(record)) {
        if (key.toLowerCase() === lower) return flatten(record[key]);
      }
      return undefined;
    },
  };
}
