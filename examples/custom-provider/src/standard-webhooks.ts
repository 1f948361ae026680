import {
  CountersignError,
  defineProvider,
  emptyResponse,
  fromBase64,
  hmac,
  timingSafeEqual,
  toBase64,
  type HeaderReader,
  type Provider,
} from '@countersign/core';

/** The payload shape Standard Webhooks recommends: `{ type, timestamp, data }`. */
export interface StandardWebhookPayload<Type extends string = string, Data = Record<string, unknown>> {
  type: Type;
  timestamp?: string;
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

export interface StandardWebhooksOptions<Name extends string> {
  /** `whsec_<base64>` secret(s). Give the new and the old one while rotating. */
  secret: string | readonly string[];
  /** The event types this endpoint knows; others pass through with `known: false`. */
  types?: readonly Name[];
  /** Largest accepted distance between `webhook-timestamp` and now, either way (seconds). Default 300. */
  toleranceSeconds?: number;
  /** Clock (epoch ms), for tests. */
  now?: () => number;
  timeoutMs?: number;
  maxBodyBytes?: number;
}

const encoder = new TextEncoder();

/** The HMAC key inside a `whsec_...` secret (the prefix is optional). */
function decodeSecret(secret: unknown): Uint8Array {
  if (typeof secret !== 'string') {
    // Typically `process.env.SOME_SECRET!` where the variable is not set.
    throw new CountersignError('CONFIG_INVALID', `standardWebhooks: every secret must be a string (got ${String(secret)}); is an environment variable unset?`);
  }
  const key = fromBase64(secret.startsWith('whsec_') ? secret.slice('whsec_'.length) : secret);
  if (key === undefined || key.byteLength === 0) {
    throw new CountersignError('CONFIG_INVALID', 'standardWebhooks: every secret must be "whsec_" followed by base64.');
  }
  return key;
}

function refuse(code: 'AUTH_MISSING' | 'AUTH_INVALID', message: string): CountersignError {
  return new CountersignError(code, message);
}

/**
 * Verify a Standard Webhooks delivery: `webhook-signature` holds space-separated `v1,<base64>` signatures, each
 * an HMAC-SHA256 over `${webhook-id}.${webhook-timestamp}.${raw body}`; one matching any key is enough.
 */
export async function verifyStandardWebhook(
  keys: readonly Uint8Array[],
  headers: HeaderReader,
  body: Uint8Array,
  { toleranceSeconds = 300, now = Date.now }: { toleranceSeconds?: number; now?: () => number } = {},
): Promise<void> {
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
    .map((entry) => entry.slice('v1,'.length));
  if (offered.length === 0) throw refuse('AUTH_INVALID', 'The webhook-signature header has no v1 signature.');

  // The signed content is `${id}.${timestamp}.` followed by the exact body bytes.
  const prefix = encoder.encode(`${id}.${timestamp}.`);
  const content = new Uint8Array(prefix.byteLength + body.byteLength);
  content.set(prefix, 0);
  content.set(body, prefix.byteLength);
  let valid = false;
  for (const key of keys) {
    const expected = toBase64(await hmac('SHA-256', key, content));
    for (const signature of offered) valid = timingSafeEqual(expected, signature) || valid;
  }
  if (!valid) throw refuse('AUTH_INVALID', 'No webhook-signature matches: the body or headers changed, or the secret differs.');
}

/**
 * A Standard Webhooks (standardwebhooks.com) endpoint. `Events` maps each event type to its `data`:
 *
 * ```ts
 * standardWebhooks<{ 'invoice.paid': { invoiceId: string } }>({ secret: 'whsec_...', types: ['invoice.paid'] })
 * ```
 */
export function standardWebhooks<Events extends Record<string, unknown> = Record<never, never>>(
  options: StandardWebhooksOptions<keyof Events & string>,
): Provider<StandardWebhooksTypes<Events>> {
  const secrets = typeof options.secret === 'string' ? [options.secret] : options.secret;
  if (secrets.length === 0) throw new CountersignError('CONFIG_INVALID', 'standardWebhooks: give at least one secret.');
  const keys = secrets.map(decodeSecret);
  const known = new Set<string>(options.types ?? []);
  const topics = new Set([...known].filter((name) => name.includes('.')).map((name) => name.slice(0, name.indexOf('.'))));
  const verifyOptions = { toleranceSeconds: options.toleranceSeconds ?? 300, now: options.now ?? Date.now };

  return defineProvider<StandardWebhooksTypes<Events>>({
    kind: 'standard-webhooks',
    // With `types`, on() warns about a name that is none of them nor their topics (a typo, in JavaScript).
    events: options.types === undefined ? undefined : [...known, ...topics],
    timeoutMs: options.timeoutMs,
    maxBodyBytes: options.maxBodyBytes,
    authenticate: (ctx) => verifyStandardWebhook(keys, ctx.headers, ctx.body, verifyOptions),
    parse(ctx) {
      const body = ctx.json();
      if (typeof body['type'] !== 'string' || body['type'] === '') {
        throw new CountersignError('PAYLOAD_INVALID', 'The body has no "type": expected { "type": "...", "data": { ... } }.');
      }
      if (typeof body['data'] !== 'object' || body['data'] === null || Array.isArray(body['data'])) {
        throw new CountersignError('PAYLOAD_INVALID', 'The body has no "data" object: expected { "type": "...", "data": { ... } }.');
      }
      const name = body['type'];
      return {
        name,
        topic: name.includes('.') ? name.slice(0, name.indexOf('.')) : undefined,
        known: known.has(name),
        // Authenticated above; the sender keeps the id across retries, so it is the dedupe key.
        key: ctx.headers.get('webhook-id') as string,
        payload: body,
      };
    },
    acknowledge: () => emptyResponse(204),
  });
}
