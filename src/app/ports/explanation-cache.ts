export interface CachedExplanation {
  readonly text: string;
  readonly modelId: string;
  readonly createdAtMs: number;
}

/** Model answers by question hash (`SK = EXPLANATION#{hash}`); freshness is the caller's rule. */
export interface ExplanationCache {
  get(clusterId: string, hash: string): Promise<CachedExplanation | undefined>;
  put(clusterId: string, hash: string, explanation: CachedExplanation): Promise<void>;
}
