import { sha256Hex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import { verificationUnavailable, type IgnisignTokenVerifier } from './verify-token.js';

/**
 * Where the memo of `ignisign()` keeps what it knows of accepted tokens (see `checkOncePerToken`). Keys are the
 * SHA-256 (hex) of a token; values are at most 77 characters (a state and the SHA-256 of the delivery's body),
 * whatever the sender sent. `memoryTokenMemo()` serves one process; instances behind a load balancer share one
 * store (`redisTokenMemo()` from `@countersign/redis`), since the platform's retry may reach another instance.
 */
export interface TokenMemoStore {
  /** The value remembered under `key`, or `undefined` (never set, or expired). */
  get(key: string): Promise<string | undefined>;
  /** Remember `value` under `key` for `ttlMs`, replacing any earlier value and its expiry. */
  set(key: string, value: string, ttlMs: number): Promise<void>;
}

export interface MemoryTokenMemoOptions {
  /** Entries kept at most (the oldest dropped first). Default 10 000. */
  maxEntries?: number;
  /** Clock, for tests. */
  now?: () => number;
}

/** How long a memo entry lasts, from the acceptance and again from the acknowledgement: 1 h. */
export const TOKEN_MEMO_TTL_MS = 60 * 60 * 1000;

/** The in-process `TokenMemoStore` (the default of `ignisign()`): a bounded map whose entries expire. */
export function memoryTokenMemo(options: MemoryTokenMemoOptions = {}): TokenMemoStore & { readonly size: number } {
  const maxEntries = options.maxEntries ?? 10_000;
  const now = options.now ?? Date.now;
  if (!Number.isInteger(maxEntries) || maxEntries < 1) {
    throw new CountersignError('CONFIG_INVALID', 'memoryTokenMemo: `maxEntries` must be a positive integer.');
  }
  const entries = new Map<string, { value: string; expiresAt: number }>();

  return {
    get size() {
      return entries.size;
    },
    get(key) {
      const entry = entries.get(key);
      if (entry === undefined) return Promise.resolve(undefined);
      if (entry.expiresAt > now()) return Promise.resolve(entry.value);
      entries.delete(key);
      return Promise.resolve(undefined);
    },
    set(key, value, ttlMs) {
      const at = now();
      entries.delete(key); // re-inserted at the newest end
      // Insertion order is (about) expiry order, since every entry gets the same TTL: expired ones sit at the front.
      for (const [old, entry] of entries) {
        if (entry.expiresAt > at && entries.size < maxEntries) break;
        entries.delete(old);
      }
      entries.set(key, { value, expiresAt: at + ttlMs });
      return Promise.resolve();
    },
  };
}

/** A verifier that asks its inner verifier about each token once, and what to tell it of acknowledgements. */
export interface TokenMemo {
  verify: IgnisignTokenVerifier;
  /** The delivery (`token`, `body`) was acknowledged: a later copy must not be let through. Never throws. */
  acknowledged(token: string, body: Uint8Array): void;
}

/** The token vouched for this body and its delivery is not acknowledged yet: a copy is let through. */
const ACCEPTED = 'accepted:';
/** The token's delivery was acknowledged: a copy is a replay, checked again; another body is refused. */
const ACKNOWLEDGED = 'acknowledged:';

/**
 * Ask `verify` about each token once while its delivery is not acknowledged. Ignisign's check consumes the token,
 * so a copy of a delivery that was not acknowledged (a concurrent duplicate, or the platform's retry after we
 * answered 503 because the queue failed) must reuse the first answer instead of asking again and being told
 * "already used":
 * - copies in this process share the pending check; once it accepted, `store` holds the token (SHA-256) with the
 *   body's SHA-256 for `ttlMs`, and a copy with the same body, on any instance sharing the store, is accepted;
 * - the same token on a different body is refused (401): a token vouches for one delivery only;
 * - only acceptances are remembered: a refusal or a failure (503) is not, so a retry can check again and forged
 *   tokens cannot fill the store;
 * - once the delivery is acknowledged (accepted or duplicate), the memo stops vouching for it: a later copy (a
 *   replay, e.g. after the dedupe store forgot the event) goes to the verifier, which for Ignisign says the token
 *   was used (401). The entry stays (for `ttlMs`) only to keep refusing the token on a different body, which
 *   matters for verifiers that do not consume tokens (`ignisignJwt`).
 * When the store cannot be read the delivery answers 503 before the token is checked (not burnt). When it cannot
 * be written after an acceptance, the delivery proceeds unremembered (refusing it would lose the consumed token).
 */
export function checkOncePerToken(verify: IgnisignTokenVerifier, store: TokenMemoStore, ttlMs: number = TOKEN_MEMO_TTL_MS): TokenMemo {
  /** Checks in progress in this process, by token key. */
  const pending = new Map<string, { bodyHash: string; verdict: Promise<boolean> }>();
  /**
   * The hashes of each delivery checked, by its body's bytes (the same object until the acknowledgement), so the
   * acknowledgement reaches the store at once, before the answer is sent, rather than after hashing again.
   */
  const hashed = new WeakMap<Uint8Array, { key: string; bodyHash: string }>();

  async function decide(key: string, bodyHash: string, check: Parameters<IgnisignTokenVerifier>[0]): Promise<boolean> {
    let remembered: string | undefined;
    try {
      remembered = await store.get(key);
    } catch (error) {
      throw verificationUnavailable('The token memo could not be read, so the verificationToken was not checked', error);
    }
    if (remembered !== undefined) {
      if (remembered !== ACCEPTED + bodyHash && remembered !== ACKNOWLEDGED + bodyHash) throw differentBody();
      if (remembered === ACCEPTED + bodyHash) return true;
    }
    const valid = await verify(check);
    if (valid) {
      try {
        await store.set(key, ACCEPTED + bodyHash, ttlMs);
      } catch {
        // Proceed unremembered: the token is consumed at Ignisign, refusing now would lose the event.
      }
    }
    return valid;
  }

  return {
    async verify(check) {
      const [key, bodyHash] = await Promise.all([sha256Hex(check.token), sha256Hex(check.body)]);
      hashed.set(check.body, { key, bodyHash });
      // No await from here to `pending.set`: concurrent copies see each other's check.
      const known = pending.get(key);
      if (known !== undefined) {
        if (known.bodyHash !== bodyHash) throw differentBody();
        return known.verdict;
      }
      const verdict = decide(key, bodyHash, check);
      const entry = { bodyHash, verdict };
      pending.set(key, entry);
      const settled = (): void => {
        if (pending.get(key) === entry) pending.delete(key);
      };
      verdict.then(settled, settled);
      return verdict;
    },
    acknowledged(token, body) {
      // `set` starts now (an in-memory store is updated before this returns); a failure leaves the entry to expire.
      const remember = async (hashes: { key: string; bodyHash: string }): Promise<void> => {
        await store.set(hashes.key, ACKNOWLEDGED + hashes.bodyHash, ttlMs);
      };
      const known = hashed.get(body);
      const done =
        known !== undefined
          ? remember(known)
          : Promise.all([sha256Hex(token), sha256Hex(body)]).then(([key, bodyHash]) => remember({ key, bodyHash }));
      done.catch(() => undefined);
    },
  };
}

function differentBody(): CountersignError {
  return new CountersignError('AUTH_INVALID', 'This verificationToken already vouched for a different body; a token is valid for one delivery only.');
}
