import { sha256Hex } from '../../crypto.js';
import { CountersignError } from '../../errors.js';
import type { IgnisignTokenVerifier } from './verify-token.js';

export interface TokenMemoOptions {
  /** Tokens remembered at most (oldest dropped first). Default 10 000. */
  maxEntries?: number;
  /** How long an accepted token is remembered (ms). Default 1 h. */
  ttlMs?: number;
  /** Clock, for tests. */
  now?: () => number;
}

interface Entry {
  bodyHash: string;
  verdict: Promise<boolean>;
  expiresAt: number;
}

/**
 * Ask `verify` about each token once. Ignisign's check consumes the token, so a second copy of a delivery
 * (a concurrent duplicate, or the platform's retry after we answered 503 because the queue failed) must reuse
 * the first answer instead of asking again and being told "already used":
 * - a copy with the same token and the same body (SHA-256) shares the first check, pending or settled;
 * - the same token on a different body is refused (401): a token vouches for one delivery only;
 * - only acceptances are remembered: a refusal or a failure (503) is forgotten, so a retry can check again
 *   and forged tokens cannot push genuine ones out of the bounded memo.
 */
export function checkOncePerToken(verify: IgnisignTokenVerifier, options: TokenMemoOptions = {}): IgnisignTokenVerifier {
  const maxEntries = options.maxEntries ?? 10_000;
  const ttlMs = options.ttlMs ?? 60 * 60 * 1000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, Entry>();

  function forget(token: string, entry: Entry): void {
    if (entries.get(token) === entry) entries.delete(token);
  }

  function makeRoom(at: number): void {
    // Insertion order is expiry order (one TTL for all), so expired entries sit at the front.
    for (const [token, entry] of entries) {
      if (entry.expiresAt > at && entries.size < maxEntries) break;
      entries.delete(token);
    }
  }

  return async (check) => {
    const bodyHash = await sha256Hex(check.body);
    // No await from here to `entries.set`: concurrent copies see each other's entry.
    const at = now();
    const known = entries.get(check.token);
    if (known !== undefined && known.expiresAt > at) {
      if (known.bodyHash !== bodyHash) {
        throw new CountersignError('AUTH_INVALID', 'This verificationToken already vouched for a different body; a token is valid for one delivery only.');
      }
      return known.verdict;
    }
    if (known !== undefined) entries.delete(check.token);
    makeRoom(at);
    const verdict = Promise.resolve().then(() => verify(check));
    const entry: Entry = { bodyHash, verdict, expiresAt: at + ttlMs };
    entries.set(check.token, entry);
    verdict.then(
      (valid) => {
        if (!valid) forget(check.token, entry);
      },
      () => forget(check.token, entry),
    );
    return verdict;
  };
}
