import {
  CountersignError,
  definePlatform,
  defineProvider,
  emptyResponse,
  endpointOptions,
  fromBase64,
  hmac,
  isCountersignError,
  lifecycleTime,
  MAX_EVENT_NAME_LENGTH,
  MAX_ID_LENGTH,
  secretSource,
  timingSafeEqual,
  toBase64,
  type EndpointOptions,
  type HeaderReader,
  type LifecycleFacts,
  type Platform,
  type Provider,
  type SecretSource,
} from '@countersign/core';

/** The payload Standard Webhooks recommends, `{ type, timestamp, data }`, as handlers get it (the time as a `Date`). */
export interface StandardWebhookPayload<Type extends string = string, Data = Record<string, unknown>> {
  type: Type;
  timestamp?: Date | undefined;
  data: Data;
}

/** `invoice.paid` -> `invoice`: the group before the first dot is the topic. */
type TopicOf<Name extends string> = Name extends `${infer Group}.${string}` ? Group : never;

/** The event types of a `standardWebhooks<Events>()` endpoint, derived from `Events` (type -> data). */
export type StandardWebhooksTypes<Events extends Record<string, unknown>> = {
  events: { [Name in keyof Events & string]: StandardWebhookPayload<Name, Events[Name]> };
  topics: { [Group in TopicOf<keyof Events & string>]: Extract<keyof Events & string, `${Group}.${string}`> };
  base: StandardWebhookPayload;
};

/** What an authenticated delivery established: the account (with a secret lookup) and which secret verified it. */
export interface StandardWebhooksFacts {
  /** The `account` query parameter, with a lookup per account; handlers see it as `event.delivery.account`. */
  account: string | undefined;
  /** Which of the account's secrets verified the signature (0: the first, the current one while rotating). */
  secret: number;
}

/** What workers and `createHandlers` need, without any secret: the names, the full validation, the lifecycle. */
export interface StandardWebhooksPlatformOptions<Events extends Record<string, unknown>> {
  /** The event types this endpoint knows; others pass through with `known: false`. */
  types?: readonly (keyof Events & string)[];
  /**
   * The full check of a known type's `data`, run before its handlers (e.g. `(data) => invoiceSchema.parse(data)`
   * with zod). A throw makes the event a dead letter with the message, never a 4xx to the sender.
   */
  validators?: { [Name in keyof Events & string]?: (data: unknown) => Events[Name] };
  /** For a signing platform: the lifecycle stage of an event (`on('lifecycle:completed')`), or `undefined`. */
  lifecycle?: (event: StandardWebhookPayload) => LifecycleFacts | undefined;
}

export interface StandardWebhooksOptions<Events extends Record<string, unknown>> extends StandardWebhooksPlatformOptions<Events>, EndpointOptions {
  /**
   * `whsec_<base64>` secret(s): one, several while rotating (any one verifies), or a lookup per account for one
   * endpoint serving many senders, whose account is then the `account` query parameter of the URL each one posts to
   * (`/webhooks/billing?account=acme`). A forged account only picks secrets the signature must still match.
   */
  secret: SecretSource;
  /** How long looked-up secrets are cached (ms). Default 60 000. */
  secretCacheMs?: number;
  /** Types the sender posts only to test the endpoint: answered at once, nothing queued. */
  pingTypes?: readonly string[];
  /** Largest accepted distance between `webhook-timestamp` and now, either way (seconds). Default 300. */
  toleranceSeconds?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
}

const encoder = new TextEncoder();

/** The HMAC key inside a `whsec_...` secret (the prefix is optional), or undefined when it is not base64. */
function keyOf(secret: unknown): Uint8Array | undefined {
  if (typeof secret !== 'string') return undefined;
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  return key === undefined || key.byteLength === 0 ? undefined : key;
}

/** A configured secret's key, checked at start-up. */
function configuredKey(secret: unknown): Uint8Array {
  if (typeof secret !== 'string') {
    // Typically `process.env.SOME_SECRET!` where the variable is not set.
    throw new CountersignError('CONFIG_INVALID', `standardWebhooks: every secret must be a string (got ${String(secret)}); is an environment variable unset?`);
  }
  const key = keyOf(secret);
  if (key === undefined) throw new CountersignError('CONFIG_INVALID', 'standardWebhooks: every secret must be "whsec_" followed by base64.');
  return key;
}

/** A looked-up secret's key: a malformed one is the lookup's fault, answered 503 so the sender retries once it is fixed. */
function lookedUpKey(secret: string): Uint8Array {
  const key = keyOf(secret);
  if (key === undefined) throw new CountersignError('VERIFICATION_UNAVAILABLE', 'standardWebhooks: a looked-up secret is not "whsec_" followed by base64.');
  return key;
}

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

function invalid(message: string): CountersignError {
  return new CountersignError('PAYLOAD_INVALID', message);
}

/**
 * Verify a Standard Webhooks delivery: `webhook-signature` holds space-separated `v1,<base64>` signatures, each
 * an HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}`; one matching any key is enough. Returns the
 * index of the key that matched.
 */
export async function verifyStandardWebhook(
  keys: readonly Uint8Array[],
  headers: HeaderReader,
  body: Uint8Array,
  { toleranceSeconds = 300, now = Date.now }: { toleranceSeconds?: number; now?: () => number } = {},
): Promise<number> {
  const header = (name: string): string => {
    const value = headers.get(name);
    if (value === undefined || value === '') throw refuse('AUTH_MISSING', `The ${name} header is missing.`);
    return value;
  };
  const id = header('webhook-id');
  const timestamp = header('webhook-timestamp');
  const signatures = header('webhook-signature');
  if (!/^\d{1,12}$/.test(timestamp)) throw refuse('AUTH_INVALID', 'The webhook-timestamp header is not a Unix time in seconds.');
  const age = Math.floor(now() / 1000) - Number(timestamp);
  if (age > toleranceSeconds) throw refuse('AUTH_INVALID', 'The webhook-timestamp is too old: a replay, or a clock to fix.');
  if (age < -toleranceSeconds) throw refuse('AUTH_INVALID', 'The webhook-timestamp is in the future: a clock to fix.');

  const offered = signatures
    .split(' ')
    .filter((entry) => entry.startsWith('v1,'))
    .map((entry) => entry.slice('v1,'.length))
    .slice(0, 10); // a sender rotating keys sends two or three: more is hostile
  if (offered.length === 0) throw refuse('AUTH_INVALID', 'The webhook-signature header has no v1 signature.');

  // The signed content is `${id}.${timestamp}.` followed by the exact body bytes.
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.byteLength + body.byteLength);
  content.set(prefix, 0);
  content.set(body, prefix.byteLength);
  let matched = -1;
  for (const [index, key] of keys.entries()) {
    const expected = toBase64(await hmac('SHA-256', key, content));
    // Every comparison runs, in constant time: how far the loop got says nothing about the secrets.
    for (const signature of offered) if (timingSafeEqual(expected, signature) && matched === -1) matched = index;
  }
  if (matched === -1) throw refuse('AUTH_INVALID', 'No webhook-signature matches: the body or headers changed, or the secret differs.');
  return matched;
}

/**
 * Standard Webhooks without any secret: its names, the full validation of a payload and its lifecycle, for
 * `createHandlers` and queue workers (`createHandlers({ billing: standardWebhooksPlatform<Events>({ types }) })`).
 */
export function standardWebhooksPlatform<Events extends Record<string, unknown> = Record<never, never>>(
  options: StandardWebhooksPlatformOptions<Events> = {},
): Platform<StandardWebhooksTypes<Events>> {
  const known = new Set<string>(options.types ?? []);
  const topics = new Set([...known].filter((name) => name.includes('.')).map((name) => name.slice(0, name.indexOf('.'))));
  const validators = (options.validators ?? {}) as Record<string, ((data: unknown) => unknown) | undefined>;
  const { lifecycle } = options;

  /** The whole payload, checked before the handlers run (in workers too): `data` an object, the time a `Date`. */
  function validate({ name, payload }: { name: string; payload: unknown }): StandardWebhookPayload {
    const body = payload as Record<string, unknown>;
    const data = body['data'];
    if (typeof data !== 'object' || data === null || Array.isArray(data)) throw invalid(`${name}: "data" must be an object.`);
    const timestamp = body['timestamp'] === undefined ? undefined : lifecycleTime(body['timestamp']);
    if (body['timestamp'] !== undefined && timestamp === undefined) throw invalid(`${name}: "timestamp" is not a date.`);
    const check = Object.hasOwn(validators, name) ? validators[name] : undefined;
    let checked: unknown = data;
    try {
      if (check !== undefined) checked = check(data);
    } catch (error) {
      if (isCountersignError(error)) throw error;
      throw invalid(`${name}: "data" does not match: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { ...body, type: name, timestamp, data: checked as Record<string, unknown> };
  }

  return definePlatform<StandardWebhooksTypes<Events>>({
    kind: 'standard-webhooks',
    // With `types`, on() warns about a name that is none of them nor their topics (a typo, in JavaScript).
    events: options.types === undefined ? undefined : [...known, ...topics],
    validate,
    lifecycle:
      lifecycle &&
      (({ payload }) => {
        const event = payload as StandardWebhookPayload;
        const facts = lifecycle(event);
        return facts && { occurredAt: event.timestamp, ...facts };
      }),
  });
}

/**
 * A Standard Webhooks (standardwebhooks.com) endpoint. `Events` maps each event type to its `data`:
 *
 * ```ts
 * standardWebhooks<{ 'invoice.paid': { invoiceId: string } }>({ secret: 'whsec_...', types: ['invoice.paid'] })
 * ```
 */
export function standardWebhooks<Events extends Record<string, unknown> = Record<never, never>>(
  options: StandardWebhooksOptions<Events>,
): Provider<StandardWebhooksTypes<Events>, StandardWebhooksFacts> {
  const { timeoutMs, maxBodyBytes, retentionMs, successStatus, clientCertificate } = endpointOptions('standardWebhooks', {
    ...options,
    successStatus: options.successStatus ?? 204,
  });
  // A fixed list is checked now (a clear CONFIG_INVALID at start-up); a lookup is asked per account, cached.
  const source = options.secret;
  const fixed = typeof source === 'function' ? undefined : (typeof source === 'string' ? [source] : [...(source ?? [])]).map(configuredKey);
  if (fixed !== undefined && fixed.length === 0) throw new CountersignError('CONFIG_INVALID', 'standardWebhooks: give at least one secret.');
  const lookup = typeof source === 'function' ? secretSource(source, { name: 'standardWebhooks: `secret`', cacheMs: options.secretCacheMs }) : undefined;
  const pings = new Set(options.pingTypes ?? []);
  const known = new Set<string>(options.types ?? []);
  const verifyOptions = { toleranceSeconds: options.toleranceSeconds ?? 300, now: options.now ?? Date.now };

  return defineProvider<StandardWebhooksTypes<Events>, StandardWebhooksFacts>({
    ...standardWebhooksPlatform<Events>(options),
    timeoutMs,
    maxBodyBytes,
    retentionMs,
    clientCertificate,
    // Handlers can log which message and when it was signed: event.delivery.headers['webhook-id'].
    deliveryHeaders: ['webhook-id', 'webhook-timestamp'],

    async authenticate(ctx) {
      if (lookup === undefined) return { account: undefined, secret: await verifyStandardWebhook(fixed ?? [], ctx.headers, ctx.body, verifyOptions) };
      const account = ctx.query.get('account') ?? '';
      if (account === '') throw refuse('AUTH_MISSING', 'The URL has no account parameter (…/billing?account=<id>): whose secret verifies it?');
      if (account.length > MAX_ID_LENGTH) throw refuse('AUTH_INVALID', `The account parameter is longer than ${MAX_ID_LENGTH} characters.`);
      const keys = (await lookup(account, ctx.signal)).map(lookedUpKey);
      return { account, secret: await verifyStandardWebhook(keys, ctx.headers, ctx.body, verifyOptions) };
    },

    // The envelope only: what names the event and gives its dedupe key. The rest is `validate`'s, before handlers.
    parse(ctx) {
      const body = ctx.json();
      const type = body['type'];
      if (typeof type !== 'string' || type === '') throw invalid('The body has no "type": expected { "type": "...", "data": { ... } }.');
      if (type.length > MAX_EVENT_NAME_LENGTH) throw invalid(`The "type" is longer than ${MAX_EVENT_NAME_LENGTH} characters.`);
      if (pings.has(type)) return { respond: emptyResponse(successStatus) };
      // Authenticated above; the sender keeps the id across retries, so it is the dedupe key.
      const id = ctx.headers.get('webhook-id') as string;
      if (id.length > MAX_ID_LENGTH) throw invalid(`The webhook-id is longer than ${MAX_ID_LENGTH} characters.`);
      return { name: type, topic: type.includes('.') ? type.slice(0, type.indexOf('.')) : undefined, known: known.has(type), key: id, payload: body };
    },

    acknowledge: () => emptyResponse(successStatus),
  });
}
