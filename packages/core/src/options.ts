import { CountersignError } from './errors.js';
import { checkClientCertificateRequirement, type ClientCertificateRequirement } from './tls.js';

/** The options every built-in endpoint takes, checked in one place. */
export interface EndpointOptions {
  /**
   * countersign's time budget for one delivery (ms): from the first byte to the answer. Default: set from the
   * platform's own timeout (Acrobat Sign waits 5 s: 4000), else the receiver's. Not the platform's setting.
   */
  timeoutMs?: number | undefined;
  /** Largest accepted body (bytes). Default: the receiver's (10 MiB). */
  maxBodyBytes?: number | undefined;
  /** How long accepted events are remembered for dedupe (ms). Default: the platform's retry window, else the store's. */
  retentionMs?: number | undefined;
  /** The 2xx status of every acknowledged delivery. Default 200. */
  successStatus?: number | undefined;
  /**
   * Require a TLS client certificate (mutual TLS, e.g. Acrobat Sign's): deliveries without a matching one are
   * refused with 403 before anything else. Every Node-based adapter passes the certificate to the core.
   */
  clientCertificate?: ClientCertificateRequirement | undefined;
}

/** The longest budget countersign accepts: no platform waits longer than a minute for an answer. */
const MAX_TIMEOUT_MS = 60_000;

function check(owner: string, name: string, value: unknown, rule: 'budget' | 'bytes' | 'duration' | 'status'): number | undefined {
  if (value === undefined) return undefined;
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (rule === 'budget'
      ? value > 0 && value <= MAX_TIMEOUT_MS
      : rule === 'bytes'
        ? Number.isInteger(value) && value > 0
        : rule === 'duration'
          ? value > 0
          : Number.isInteger(value) && value >= 200 && value <= 299);
  if (ok) return value;
  const expected = {
    budget: `a number of milliseconds, more than 0 and at most ${MAX_TIMEOUT_MS}`,
    bytes: 'a whole number of bytes, more than 0',
    duration: 'a number of milliseconds, more than 0',
    status: 'a 2xx status: the platform counts nothing else as delivered',
  }[rule];
  throw new CountersignError('CONFIG_INVALID', `${owner}: \`${name}\` must be ${expected} (got ${JSON.stringify(value) ?? String(value)}).`);
}

/** Check an endpoint's common options (`CONFIG_INVALID` naming the option and the value), defaults applied. */
export function endpointOptions(
  owner: string,
  options: EndpointOptions,
  defaults: { timeoutMs?: number; retentionMs?: number } = {},
): {
  timeoutMs: number | undefined;
  maxBodyBytes: number | undefined;
  retentionMs: number | undefined;
  successStatus: number;
  clientCertificate: ClientCertificateRequirement | undefined;
} {
  return {
    clientCertificate: checkClientCertificateRequirement(owner, options.clientCertificate),
    timeoutMs: check(owner, 'timeoutMs', options.timeoutMs, 'budget') ?? defaults.timeoutMs,
    maxBodyBytes: check(owner, 'maxBodyBytes', options.maxBodyBytes, 'bytes'),
    retentionMs: check(owner, 'retentionMs', options.retentionMs, 'duration') ?? defaults.retentionMs,
    successStatus: check(owner, 'successStatus', options.successStatus, 'status') ?? 200,
  };
}

/** Check the receiver's own defaults (`createReceiver`). */
export function receiverOptions(options: { timeoutMs?: unknown; maxBodyBytes?: unknown; claimTtlMs?: unknown }): {
  timeoutMs: number | undefined;
  maxBodyBytes: number | undefined;
  claimTtlMs: number | undefined;
} {
  return {
    timeoutMs: check('createReceiver', 'timeoutMs', options.timeoutMs, 'budget'),
    maxBodyBytes: check('createReceiver', 'maxBodyBytes', options.maxBodyBytes, 'bytes'),
    claimTtlMs: check('createReceiver', 'claimTtlMs', options.claimTtlMs, 'duration'),
  };
}
