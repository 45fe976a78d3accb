/**
 * Claims a key once within a time to live (a conditional write in the table, TTL'd): the first
 * claim wins, every later one — a retried delivery, a double click — sees `false`.
 */
export interface OnceGuard {
  claim(key: string, nowMs: number, ttlSeconds: number): Promise<boolean>;
  /**
   * Gives back the claim of `key` made at `claimedAtMs` (the `nowMs` given to `claim`), so the
   * next delivery may claim it — for work that was claimed but could not be handed over. A claim
   * made at another instant (someone else's) is left alone; releasing a missing claim is a no-op.
   * Throws InfrastructureError when the store fails.
   */
  release(key: string, claimedAtMs: number): Promise<void>;
}
