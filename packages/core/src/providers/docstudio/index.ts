import { CountersignError } from '../../errors.js';
import { definePlatform, defineProvider, emptyResponse, type Provider } from '../../provider.js';
import type { DeliveryContext, ParsedEvent } from '../../types.js';
import { endpointOptions, type EndpointOptions } from '../../options.js';
import type { ClientCertificateRequirement } from '../../tls.js';
import { parsePayload } from '../../validation.js';
import { docstudioBasicAuth, type DocStudioFacts, type DocStudioPasswords } from './auth.js';
import { secretSource, type SecretLookup } from '../../secrets.js';
import { docstudioDedupeKey } from './dedupe.js';
import { DOCSTUDIO_STATUSES, isDocStudioStatus } from './events.js';
import { docstudioLifecycle } from './lifecycle.js';
import { docstudioHeadSchema, docstudioPayloadSchema, type DocStudioEvents, type DocStudioPayload } from './schema.js';

export { DOCSTUDIO_STATUSES } from './events.js';
export type { DocStudioStatus } from './events.js';
export { docstudioPayloadSchema } from './schema.js';
export type { DocStudioPayload, DocStudioEvents } from './schema.js';
export type { DocStudioFacts } from './auth.js';
export { DOCSTUDIO_LIFECYCLE, docstudioLifecycle } from './lifecycle.js';

/** The event types of a `docstudio()` endpoint. */
export type DocStudioTypes = {
  events: DocStudioEvents;
  topics: Record<never, never>;
  base: DocStudioPayload;
};

export interface DocStudioOptions extends EndpointOptions {
  /** The callback's `login` (HTTP Basic). Required, with `password`, unless `dangerouslyAcceptUnauthenticated`. */
  login?: string | undefined;
  /** The callback's `password` (HTTP Basic); several while rotating it (any one verifies). */
  password?: string | readonly string[] | undefined;
  /**
   * Instead of `login`/`password`: the password(s) of each login, looked up per delivery (one callback login per
   * customer). Return a password, a list, or `undefined` for a login you do not know (401); a throw answers 503.
   */
  credentials?: SecretLookup;
  /** How long looked-up passwords are cached (ms). Default 60 000. */
  credentialsCacheMs?: number;
  /**
   * Accept deliveries without any authentication: anyone who knows the URL can then post events your handlers
   * will act on. Only for a callback created without login/password behind a network you trust; the receiver
   * logs a warning at start.
   */
  dangerouslyAcceptUnauthenticated?: boolean;
  /** The callback's `successCode`: every accepted (or duplicate) delivery is answered with exactly this. Default 200. */
  successStatus?: number;
  /** @deprecated The same as `successStatus` (DocStudio's own name for it). */
  successCode?: number;
  /**
   * The callback's `timeout` as configured in DocStudio (ms, 100..60000, default 5000): the platform's setting, how
   * long DocStudio waits for an answer. countersign's budget (`timeoutMs`) is derived from it.
   */
  callbackTimeoutMs?: number;
  /**
   * countersign's own time budget for one delivery (ms), as on every endpoint. Default: `callbackTimeoutMs` minus a
   * margin for the network (10%, between 50 ms and 1 s): 4500 for the default 5000. At most `callbackTimeoutMs`.
   *
   * Deprecated reading: given without `callbackTimeoutMs`, it is taken as the callback's timeout (its meaning before
   * `callbackTimeoutMs` existed) and the receiver warns at start; rename it `callbackTimeoutMs`.
   */
  timeoutMs?: number;
  /** Largest accepted body (bytes). Default: the receiver's. */
  maxBodyBytes?: number;
  /** How long accepted events are remembered for dedupe (ms). Default: the store's (72 h). */
  retentionMs?: number;
  /** Require a TLS client certificate (mutual TLS): see `EndpointOptions`. */
  clientCertificate?: ClientCertificateRequirement;
}

function configError(message: string): CountersignError {
  return new CountersignError('CONFIG_INVALID', `docstudio: ${message}`);
}

/** The time budget for a callback `timeout`: leave the network a margin. */
function budget(timeoutMs: number): number {
  return timeoutMs - Math.min(1000, Math.max(50, Math.round(timeoutMs / 10)));
}

/**
 * Read the envelope before the acknowledgement: `uuid`, `status` (the event name) and `mailbox`, the dedupe key's
 * parts. A body without them is not a DocStudio callback (400); the rest is checked by `validate`.
 */
function parse(ctx: DeliveryContext): ParsedEvent {
  const body = ctx.json();
  const head = parsePayload(docstudioHeadSchema, body, { what: 'The body is not a DocStudio envelope callback' });
  return { name: head.status, known: isDocStudioStatus(head.status), key: docstudioDedupeKey(head), payload: body };
}

/**
 * The full validation of a callback, run before the handlers (in queue workers too): dates read as `Date` (epoch
 * milliseconds or ISO 8601), `label` always an array. A mismatch (an unreadable date...) throws `PAYLOAD_INVALID`
 * with the issues: the event was acknowledged and becomes a dead letter.
 */
function validate({ payload }: { payload: unknown }): unknown {
  return parsePayload(docstudioPayloadSchema, payload, { what: 'The DocStudio envelope callback is not valid' });
}

/**
 * DocStudio without credentials: its statuses, its types, the full validation of a callback (dates revived) and its
 * lifecycle stage, for `createHandlers` and queue workers.
 */
export const docstudioPlatform = definePlatform<DocStudioTypes>({ kind: 'docstudio', events: DOCSTUDIO_STATUSES, validate, lifecycle: docstudioLifecycle });

/**
 * A DocStudio / WhiteDoc envelope callback endpoint: HTTP Basic with the callback's login and password,
 * one event per envelope status (`docstudio:COMPLETED`), answered with exactly the callback's `successCode`.
 *
 * ```ts
 * docstudio({ login: 'hooks', password: process.env.DOCSTUDIO_PASSWORD!, successStatus: 200, callbackTimeoutMs: 5000 })
 * ```
 */
export function docstudio(options: DocStudioOptions): Provider<DocStudioTypes, DocStudioFacts> {
  if (typeof options !== 'object' || options === null) throw configError('options are required, e.g. docstudio({ login, password, successCode }).');
  const { login, password } = options;
  // `timeoutMs` alone is the deprecated name of `callbackTimeoutMs` (DocStudio's setting), not countersign's budget.
  const legacyTimeout = options.callbackTimeoutMs === undefined && options.timeoutMs !== undefined;
  const callbackTimeoutMs = options.callbackTimeoutMs ?? options.timeoutMs ?? 5000;
  if (options.successStatus !== undefined && options.successCode !== undefined && options.successStatus !== options.successCode) {
    throw configError('`successStatus` and its deprecated alias `successCode` disagree: give one.');
  }
  const { timeoutMs, maxBodyBytes, retentionMs, successStatus: successCode, clientCertificate } = endpointOptions('docstudio', {
    timeoutMs: legacyTimeout ? undefined : options.timeoutMs,
    clientCertificate: options.clientCertificate,
    maxBodyBytes: options.maxBodyBytes,
    retentionMs: options.retentionMs,
    successStatus: options.successStatus ?? options.successCode,
  });
  const unauthenticated = options.dangerouslyAcceptUnauthenticated === true;
  const { credentials } = options;
  let passwords: DocStudioPasswords | undefined;
  if (unauthenticated) {
    if (login !== undefined || password !== undefined || credentials !== undefined) {
      throw configError('`dangerouslyAcceptUnauthenticated` and `login`/`password`/`credentials` exclude each other.');
    }
  } else if (credentials !== undefined) {
    if (login !== undefined || password !== undefined) throw configError('give `credentials` (a lookup per login) or `login` and `password`, not both.');
    passwords = { lookup: secretSource(credentials, { name: 'docstudio: `credentials`', cacheMs: options.credentialsCacheMs }) };
  } else {
    const list = typeof password === 'string' ? [password] : Array.isArray(password) ? [...password] : [];
    if (login === undefined || login === '' || list.length === 0 || list.some((p) => typeof p !== 'string' || p === '')) {
      throw configError(
        '`login` and `password` are required: the callback credentials configured in DocStudio (HTTP Basic). ' +
          'Without them anyone could post events; if the callback really has none, pass `dangerouslyAcceptUnauthenticated: true`.',
      );
    }
    if (typeof login !== 'string' || login.includes(':')) throw configError('`login` must be a string without ":" (HTTP Basic cannot carry one).');
    passwords = { login, passwords: list };
  }
  if (typeof callbackTimeoutMs !== 'number' || !Number.isFinite(callbackTimeoutMs) || callbackTimeoutMs < 100 || callbackTimeoutMs > 60_000) {
    const name = legacyTimeout ? 'timeoutMs` (read as `callbackTimeoutMs`)' : 'callbackTimeoutMs`';
    throw configError(`\`${name} must be the callback's timeout, 100..60000 ms as DocStudio allows (got ${String(callbackTimeoutMs)}).`);
  }
  if (timeoutMs !== undefined && timeoutMs > callbackTimeoutMs) {
    throw configError(
      `\`timeoutMs\` (countersign's budget, ${timeoutMs} ms) must not exceed \`callbackTimeoutMs\` (DocStudio's callback timeout, ${callbackTimeoutMs} ms): DocStudio would stop waiting before the answer.`,
    );
  }
  const warnings = [
    ...(unauthenticated ? ['docstudio: `dangerouslyAcceptUnauthenticated` is set: deliveries are not authenticated, anyone who knows the URL can post events.'] : []),
    ...(legacyTimeout
      ? [
          "docstudio: `timeoutMs` alone is read as DocStudio's callback timeout (deprecated): rename it `callbackTimeoutMs`. `timeoutMs` is countersign's own budget, as on every endpoint, derived from `callbackTimeoutMs` by default.",
        ]
      : []),
  ];
  const authenticate = passwords !== undefined ? docstudioBasicAuth(passwords) : (): DocStudioFacts => ({});
  return defineProvider<DocStudioTypes, DocStudioFacts>({
    ...docstudioPlatform,
    timeoutMs: timeoutMs ?? budget(callbackTimeoutMs),
    maxBodyBytes,
    retentionMs,
    clientCertificate,
    warnings: warnings.length > 0 ? warnings : undefined,
    authenticate,
    parse,
    acknowledge: () => emptyResponse(successCode),
  });
}
