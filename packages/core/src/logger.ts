import { clip } from './limits.js';

/**
 * A pino-compatible logger: `logger.info({ some: 'fields' }, 'message')`.
 * Pass `pino()` itself, `console`-backed adapters, or nothing (silent).
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

const noop = (): void => undefined;

export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop };

/** Longest string field `jsonLogger` writes whole (stacks included); longer ones are clipped. */
const MAX_FIELD = 4096;

/** Errors as `{ type, message, code, stack }` (JSON.stringify would write `{}`), long strings clipped. */
function replacer(_key: string, value: unknown): unknown {
  if (typeof value === 'string') return clip(value, MAX_FIELD);
  if (value instanceof Error) {
    const { code } = value as { code?: unknown };
    return { type: value.name, message: value.message, ...(code === undefined ? {} : { code }), stack: value.stack, ...(value.cause === undefined ? {} : { cause: value.cause }) };
  }
  return value;
}

/**
 * A logger that writes one JSON line per record to `console.error` (stderr in Node). Strings are clipped to a few
 * kilobytes and U+2028/U+2029 are escaped, so a sender's text can neither flood the log nor split a line.
 */
export function jsonLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const write =
    (lvl: (typeof order)[number]) =>
    (obj: object, msg?: string): void => {
      if (order.indexOf(lvl) < min) return;
      const line = JSON.stringify({ level: lvl, time: new Date().toISOString(), ...obj, msg }, replacer);
      console.error(line.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029'));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
