/** The result of trying to claim an event key. */
export type ClaimResult =
  /** This caller owns the key now and must `commit` (event safely queued) or `release` (failed). */
  | { status: 'claimed'; token: string }
  /** The event was already queued: acknowledge it again, do not enqueue it again. */
  | { status: 'duplicate' }
  /** Another copy holds the claim and is being enqueued right now: answer 503 so the platform retries. */
  | { status: 'pending' };

/**
 * Remembers which events were already accepted. The claim is atomic: of N concurrent claims for one key,
 * on any number of instances, exactly one gets `claimed`.
 */
export interface DedupeStore {
  /**
   * Claim `key`. The claim lasts `leaseMs` unless committed, so a claim held by an instance that died
   * expires and the platform's retry can go through.
   */
  claim(key: string, leaseMs: number): Promise<ClaimResult>;
  /**
   * Mark the claimed key as done; it is then remembered for `ttlMs` (the endpoint's retention) or the store's TTL.
   * No-op if `token` no longer owns it.
   */
  commit(key: string, token: string, ttlMs?: number): Promise<void>;
  /** Give the claim up (enqueue failed); a retry can claim it again. No-op if `token` no longer owns it. */
  release(key: string, token: string): Promise<void>;
  /** Resolve when the store is reachable; reject otherwise (readiness checks). */
  ping?(): Promise<void>;
  /**
   * A warning for readiness reports, or `undefined` when all is well: something the operator must know that does
   * not stop the store from working (e.g. keys evicted before their retention ended).
   */
  health?(): string | undefined;
  close?(): Promise<void>;
}
