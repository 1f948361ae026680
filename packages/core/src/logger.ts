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

/** A logger that writes one JSON line per record to `console.error` (stderr in Node). */
export function jsonLogger(level: 'debug' | 'info' | 'warn' | 'error' = 'info'): Logger {
  const order = ['debug', 'info', 'warn', 'error'] as const;
  const min = order.indexOf(level);
  const write =
    (lvl: (typeof order)[number]) =>
    (obj: object, msg?: string): void => {
      if (order.indexOf(lvl) < min) return;
      console.error(JSON.stringify({ level: lvl, time: new Date().toISOString(), ...obj, msg }));
    };
  return { debug: write('debug'), info: write('info'), warn: write('warn'), error: write('error') };
}
