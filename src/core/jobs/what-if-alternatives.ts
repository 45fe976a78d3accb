/**
 * Nearby alternatives to a job's request that might start sooner — fewer GPUs, a shorter time
 * limit, another partition — restricted to what the cluster actually offers (its partitions, the
 * GPUs and time limits they allow, who may use them), and their ranking once each is forecast.
 * Pure: the offers come from the scheduler (or the cluster's profile) through the caller.
 */

/** What a job asks for (the parts an alternative may change). */
export interface JobRequestShape {
  readonly partition: string;
  readonly gpus: number;
  /** Seconds; null when unlimited or not known. */
  readonly timeLimitSeconds: number | null;
  /** The job's account, for partitions restricted to some accounts; null when unknown. */
  readonly account: string | null;
}

/** A partition as the scheduler offers it. */
export interface PartitionOffer {
  readonly name: string;
  /** GPUs on the partition's nodes that can run jobs. */
  readonly gpus: number;
  /** Its maximum time limit in seconds; null when unlimited. */
  readonly maxTimeSeconds: number | null;
  /** False when the partition is down, drained or inactive. */
  readonly up: boolean;
  /** Accounts allowed to use it; null when every account may. */
  readonly allowAccounts: readonly string[] | null;
}

export const AlternativeKind = {
  fewerGpus: 'fewer_gpus',
  shorterLimit: 'shorter_limit',
  otherPartition: 'other_partition',
} as const;
export type AlternativeKind = (typeof AlternativeKind)[keyof typeof AlternativeKind];

export interface Alternative extends JobRequestShape {
  readonly kind: AlternativeKind;
  /** What changes, in words: "2 GPUs instead of 4". */
  readonly change: string;
}

/** Time limits below this are never proposed (seconds): a job that short is rarely what anyone wants. */
export const MIN_PROPOSED_LIMIT_SECONDS = 600;

function minutes(seconds: number): string {
  return seconds % 3600 === 0 ? `${seconds / 3600} h` : `${Math.round(seconds / 60)} min`;
}

/** True when `offer` could run `request` at all: up, usable by its account, enough GPUs, a long enough limit. */
export function partitionFits(offer: PartitionOffer, request: JobRequestShape): boolean {
  if (!offer.up) return false;
  if (offer.allowAccounts !== null && (request.account === null || !offer.allowAccounts.includes(request.account)))
    return false;
  if (request.gpus > offer.gpus) return false;
  if (
    offer.maxTimeSeconds !== null &&
    (request.timeLimitSeconds === null || request.timeLimitSeconds > offer.maxTimeSeconds)
  )
    return false;
  return true;
}

/**
 * The alternatives, in this order: half the GPUs (and 1 GPU when that is fewer still), half the
 * time limit (never below {@link MIN_PROPOSED_LIMIT_SECONDS}, only when the job has a limit), and
 * the same request on every other partition that fits it ({@link partitionFits}). Each proposal
 * fits its partition; one equal to the request is never proposed. Throws RangeError for a request
 * with fewer than 0 GPUs or a non-integer count.
 */
export function nearbyAlternatives(request: JobRequestShape, offers: readonly PartitionOffer[]): Alternative[] {
  if (!(Number.isInteger(request.gpus) && request.gpus >= 0))
    throw new RangeError(`gpus must be an integer ≥ 0, got ${request.gpus}`);
  const alternatives: Alternative[] = [];
  const own = offers.find((offer) => offer.name === request.partition);
  const fitsOwn = (shape: JobRequestShape): boolean => own === undefined || partitionFits(own, shape);
  const gpuCounts = [...new Set([Math.floor(request.gpus / 2), 1])]
    .filter((count) => count >= 1 && count < request.gpus)
    .sort((left, right) => right - left);
  for (const gpus of gpuCounts) {
    const shape = { ...request, gpus };
    if (fitsOwn(shape))
      alternatives.push({
        ...shape,
        kind: AlternativeKind.fewerGpus,
        change: `${gpus} GPU${gpus === 1 ? '' : 's'} instead of ${request.gpus}`,
      });
  }
  if (request.timeLimitSeconds !== null) {
    const shorter = Math.max(MIN_PROPOSED_LIMIT_SECONDS, Math.floor(request.timeLimitSeconds / 2 / 60) * 60);
    const shape = { ...request, timeLimitSeconds: shorter };
    if (shorter < request.timeLimitSeconds && fitsOwn(shape)) {
      alternatives.push({
        ...shape,
        kind: AlternativeKind.shorterLimit,
        change: `a ${minutes(shorter)} time limit instead of ${minutes(request.timeLimitSeconds)}`,
      });
    }
  }
  for (const offer of offers) {
    if (offer.name === request.partition || !partitionFits(offer, request)) continue;
    alternatives.push({
      ...request,
      partition: offer.name,
      kind: AlternativeKind.otherPartition,
      change: `partition ${offer.name} instead of ${request.partition}`,
    });
  }
  return alternatives;
}

/** An alternative (or the job as it is) with its forecast: when it is expected to start. */
export interface ForecastOption {
  /** Expected start, epoch ms; null when the cluster gives no wait estimate. */
  readonly expectedStartMs: number | null;
  /** Calibrated P(long wait). */
  readonly probability: number;
}

/**
 * Orders options by expected start (earliest first); options without an estimate go last, among
 * themselves by P(long wait) (lowest first); ties keep their input order. Returns a new array.
 */
export function rankByExpectedStart<T extends ForecastOption>(options: readonly T[]): T[] {
  return options
    .map((option, index) => ({ option, index }))
    .sort((left, right) => {
      const a = left.option.expectedStartMs;
      const b = right.option.expectedStartMs;
      if (a !== null && b !== null && a !== b) return a - b;
      if (a === null && b !== null) return 1;
      if (a !== null && b === null) return -1;
      if (a === null && b === null && left.option.probability !== right.option.probability)
        return left.option.probability - right.option.probability;
      return left.index - right.index;
    })
    .map((entry) => entry.option);
}
