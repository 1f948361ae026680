import { CountersignError } from './errors.js';
import { clip } from './limits.js';

/** One secret, or several at once (rotation: any one of them verifies). */
export type SecretList = string | readonly string[];

/**
 * Looks up the secrets of one account, tenant or app, for multi-tenant receivers that keep one secret per customer
 * in a database or a vault. `undefined` (or an empty list) means the account is unknown: the delivery is refused
 * (401). A throw means the lookup failed: the delivery is answered 503 and the platform retries.
 */
export type SecretLookup = (account: string, context: { signal: AbortSignal }) => SecretList | undefined | Promise<SecretList | undefined>;

/** Secrets as a provider option: a secret, a list, or a lookup per account. */
export type SecretSource = SecretList | SecretLookup;

export interface SecretSourceOptions {
  /** For messages: `signit: \`apps\``, `docstudio: \`credentials\``. */
  name: string;
  /** How long looked-up secrets (and unknown accounts) are remembered (ms). Default 60 000; 0 asks every time. */
  cacheMs?: number;
  /** Accounts remembered at most (least recently used first out). Default 1 000. */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** The secrets of one delivery's account, as a provider asks for them. */
export type SecretResolver = (account: string, signal: AbortSignal) => Promise<readonly string[]>;

function secretsOf(list: SecretList, name: string, when: 'config' | 'lookup'): string[] {
  const secrets = typeof list === 'string' ? [list] : Array.isArray(list) ? [...list] : [];
  if (secrets.some((secret) => typeof secret !== 'string' || secret === '')) {
    const message = `${name}: every secret must be a non-empty string${when === 'lookup' ? ' (the lookup returned something else)' : ''}.`;
    if (when === 'config') throw new CountersignError('CONFIG_INVALID', message);
    throw new CountersignError('VERIFICATION_UNAVAILABLE', message, { headers: { 'retry-after': '5' } });
  }
  return secrets;
}

/**
 * Turn a provider's secret option into a resolver: a fixed list is checked now (`CONFIG_INVALID` when empty) and
 * served as is; a lookup is asked once per account, its answers cached for `cacheMs` (bounded), concurrent
 * deliveries of one account sharing one call. An unknown account is a 401 `AUTH_INVALID`, a failed lookup a 503
 * `VERIFICATION_UNAVAILABLE` (not cached: the retry asks again).
 *
 * ```ts
 * const secretsFor = secretSource(options.secrets, { name: 'acme: `secrets`' });
 * const secrets = await secretsFor(accountId, ctx.signal);
 * ```
 */
export function secretSource(source: SecretSource | undefined, options: SecretSourceOptions): SecretResolver {
  const { name } = options;
  if (typeof source !== 'function') {
    if (source === undefined || (typeof source !== 'string' && !Array.isArray(source))) {
      throw new CountersignError('CONFIG_INVALID', `${name} is required: a secret, a list of secrets (rotation), or a lookup per account.`);
    }
    const secrets = secretsOf(source, name, 'config');
    if (secrets.length === 0) throw new CountersignError('CONFIG_INVALID', `${name} must hold at least one secret.`);
    return () => Promise.resolve(secrets);
  }
  const lookup = source;
  const cacheMs = options.cacheMs ?? 60_000;
  const maxEntries = options.maxEntries ?? 1000;
  const now = options.now ?? Date.now;
  if (!(cacheMs >= 0) || !Number.isFinite(cacheMs)) throw new CountersignError('CONFIG_INVALID', `${name}: \`cacheMs\` must be 0 or more.`);
  if (!Number.isInteger(maxEntries) || maxEntries < 1) throw new CountersignError('CONFIG_INVALID', `${name}: \`maxEntries\` must be a whole number, 1 or more.`);
  const cache = new Map<string, { secrets: Promise<string[]>; expiresAt: number }>();

  function remember(account: string, secrets: Promise<string[]>, at: number): void {
    cache.delete(account);
    cache.set(account, { secrets, expiresAt: at + cacheMs });
    while (cache.size > maxEntries) cache.delete(cache.keys().next().value as string);
  }

  return async (account, signal) => {
    const at = now();
    const cached = cache.get(account);
    let secrets: Promise<string[]>;
    if (cached !== undefined && cached.expiresAt > at) {
      secrets = cached.secrets;
    } else {
      secrets = Promise.resolve()
        .then(() => lookup(account, { signal }))
        .then(
          (found) => (found === undefined ? [] : secretsOf(found, name, 'lookup')),
          (error: unknown) => {
            throw new CountersignError('VERIFICATION_UNAVAILABLE', `${name}: the secrets of this account could not be looked up; the platform will retry.`, {
              headers: { 'retry-after': '5' },
              cause: error,
            });
          },
        );
      // Failures are not remembered; pending and found (or unknown) answers are, for `cacheMs`.
      if (cacheMs > 0) {
        remember(account, secrets, at);
        secrets.catch(() => {
          if (cache.get(account)?.secrets === secrets) cache.delete(account);
        });
      }
    }
    const list = await secrets;
    if (list.length === 0) throw new CountersignError('AUTH_INVALID', `The delivery is for an account this endpoint does not know (${clip(account, 64)}).`);
    return list;
  };
}
