/** One measured number; `baseline` is the reference it should be read against (same unit). */
export interface BenchResult {
  readonly name: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline?: { readonly name: string; readonly value: number };
  /**
   * When the value and its baseline were measured in interleaved rounds (each round's baseline
   * beside it, so a noisy machine moves both): each round's pair, in order. `value` and
   * `baseline.value` are then their medians, and the ratio reported is the median of the rounds'
   * ratios, not the ratio of the medians.
   */
  readonly rounds?: readonly { readonly value: number; readonly baseline: number }[];
}
