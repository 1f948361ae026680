import { clip } from './limits.js';

/**
 * A pino-compatible logger: `logger.info({ some: 'fields' }, 'message')`.
 * Pass `pino()` itself, `jsonLogger()`, `silentLogger`, or nothing: `defaultLogger()`, warnings and errors on stderr.
 */
export interface Logger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
  /**
   * Whether records of `level` are written (pino has it). countersign asks before building the fields of its
   * per-delivery `info` lines, so a logger at `warn` costs the hot path nothing. Without it every level is assumed on.
   */
  isLevelEnabled?(level: string): boolean;
}

const noop = (): void => undefined;

/** Logs nothing at all: an explicit choice (tests), since failures then go unseen. */
export const silentLogger: Logger = { debug: noop, info: noop, warn: noop, error: noop, isLevelEnabled: () => false };

/** Longest string field `jsonLogger` writes whole (stacks included); longer ones are clipped. */
const MAX_FIELD = 4096;

/** Causes followed at most (a cause chain may loop). */
const MAX_CAUSES = 5;

/** An error as `{ type, message, code, stack, cause }`: what JSON.stringify would write as `{}` (or, with `toJSON`, without its stack). */
function serialiseError(error: Error, depth: number): Record<string, unknown> {
  const { code } = error as { code?: unknown };
  const cause = error.cause;
  return {
    type: error.name,
    message: error.message,
    ...(code === undefined ? {} : { code }),
    stack: error.stack,
    ...(cause === undefined ? {} : { cause: cause instanceof Error ? (depth < MAX_CAUSES ? serialiseError(cause, depth + 1) : { type: cause.name, message: cause.message }) : cause }),
  };
}

/** Errors serialised whole (the holder's value is read before `toJSON`), long strings clipped. */
function replacer(this: unknown, key: string, value: unknown): unknown {
  const original = key === '' || typeof this !== 'object' || this === null ? value : (this as Record<string, unknown>)[key];
  if (original instanceof Error) return serialiseError(original, 0);
  if (typeof value === 'string') return clip(value, MAX_FIELD);
  return value;
}

/** One JSON line, never throwing (a field that cannot be serialised, e.g. a cycle, is left out and said so). */
function jsonLine(record: Record<string, unknown>): string {
  let line: string;
  try {
    line = JSON.stringify(record, replacer);
  } catch (error) {
    line = JSON.stringify({ level: record.level, time: record.time, msg: record.msg, unserialisable: error instanceof Error ? error.message : String(error) }, replacer);
  }
  return line.replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029');
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
      console.error(jsonLine({ level: lvl, time: new Date().toISOString(), ...obj, msg }));
    };
  return {
    debug: write('debug'),
    info: write('info'),
    warn: write('warn'),
    error: write('error'),
    isLevelEnabled: (lvl) => order.indexOf(lvl as (typeof order)[number]) >= min,
  };
}

/**
 * What a receiver logs through when given no `logger`: warnings and errors as JSON lines on stderr (`jsonLogger('warn')`),
 * so a failing handler, a dead letter or refused deliveries are seen without configuring anything. Pass
 * `jsonLogger('info')` for every delivery, `pino()`, or `silentLogger` to see nothing.
 */
export function defaultLogger(): Logger {
  return jsonLogger('warn');
}

export interface LimitedLogOptions {
  /** Lines written per key and window. Default 5. */
  max?: number;
  /** The window (ms). Default 60 000. */
  windowMs?: number;
  /** Keys tracked at most (oldest forgotten first). Default 1000. */
  maxKeys?: number;
}

/**
 * Warnings at a bounded rate per key (e.g. an endpoint and an error code): the first `max` of each window are
 * written; later ones are counted, and the count is written with the next line after the window (or by
 * `flush()`), so a flood of refusals cannot fill the log and is still seen with its size.
 */
export function limitedLog(logger: Logger, options: LimitedLogOptions = {}): {
  warn(key: string, fields: Record<string, unknown>, msg: string, at?: number): void;
  flush(): void;
} {
  const max = options.max ?? 5;
  const windowMs = options.windowMs ?? 60_000;
  const maxKeys = options.maxKeys ?? 1000;
  const windows = new Map<string, { start: number; logged: number; suppressed: number; fields: Record<string, unknown> }>();
  const report = (w: { suppressed: number; fields: Record<string, unknown> }, seconds: number): void => {
    logger.warn({ ...w.fields, suppressed: w.suppressed }, `${w.suppressed} more like it in ${seconds} s were counted, not logged`);
  };
  return {
    warn(key, fields, msg, at = Date.now()) {
      let w = windows.get(key);
      let suppressed = 0;
      if (w === undefined || at - w.start >= windowMs) {
        suppressed = w?.suppressed ?? 0;
        windows.delete(key);
        w = { start: at, logged: 0, suppressed: 0, fields };
        windows.set(key, w);
        if (windows.size > maxKeys) windows.delete(windows.keys().next().value as string);
      }
      if (w.logged >= max) {
        w.suppressed += 1;
        return;
      }
      w.logged += 1;
      const notes: string[] = [];
      if (suppressed > 0) notes.push(`${suppressed} more like it were counted, not logged, in the window before`);
      if (w.logged === max) notes.push(`further ones within ${Math.round(windowMs / 1000)} s are counted, not logged`);
      logger.warn({ ...fields, ...(suppressed > 0 ? { suppressed } : {}) }, notes.length === 0 ? msg : `${msg} (${notes.join('; ')})`);
    },
    flush() {
      for (const w of windows.values()) if (w.suppressed > 0) report(w, Math.round(windowMs / 1000));
      windows.clear();
    },
  };
}
