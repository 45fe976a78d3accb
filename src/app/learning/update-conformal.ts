/**
 * Feeds one recorded outcome into the cluster's online wait-interval state (`SK = CONFORMAL`):
 * the (probability, wait) pair joins the outcome window and, when the job was issued an interval,
 * its conformity score and the ACI step follow (core/conformal/online-wait-interval.ts). The write
 * is conditional on the item's own version; a writer that loses re-reads and re-applies, so
 * concurrent outcomes are never lost to each other.
 *
 * Called once per outcome that was `recorded` (never for a duplicate), so a repeated event never
 * counts twice. A crash between the outcome write and this update leaves that one outcome out of
 * the window — the interval learns from one job fewer; nothing is counted twice.
 */
import { initialOnlineWaitState, observeOnlineWait } from '../../core/conformal/online-wait-interval.ts';
import type { ConformalRecord } from '../records/conformal-record.ts';
import type { PredictionRecord } from '../records/prediction-record.ts';
import type { LearningDeps } from './learning-deps.ts';

const MAX_ATTEMPTS = 5;

export type UpdateConformalResult =
  | { readonly status: 'updated'; readonly record: ConformalRecord }
  | { readonly status: 'skipped'; readonly reason: string };

export async function updateConformal(
  deps: LearningDeps,
  request: { readonly prediction: PredictionRecord; readonly waitSeconds: number; readonly nowMs: number },
): Promise<UpdateConformalResult> {
  const { prediction } = request;
  const options = deps.settings.onlineWait;
  const issued = prediction.waitEstimate;
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const seen = await deps.store.getConformal(prediction.clusterId);
    const state = observeOnlineWait(
      seen ?? initialOnlineWaitState(options),
      {
        probability: prediction.probability,
        // Predictions stored before issue 7 carry no bin: they count in bin 0's waits (and every bin's fallback).
        bin: Math.min(prediction.waitBin ?? 0, options.bins - 1),
        waitSeconds: request.waitSeconds,
        base: prediction.waitBase ?? null,
        issued: issued === null || prediction.waitBase === undefined ? null : { lowerSeconds: issued.lowerSeconds, upperSeconds: issued.upperSeconds },
      },
      options,
    );
    const record: ConformalRecord = { ...state, clusterId: prediction.clusterId, version: (seen?.version ?? 0) + 1, updatedAtMs: request.nowMs };
    const written = await deps.store.putConformal(record, seen?.version);
    if (written.status === 'written') return { status: 'updated', record };
  }
  deps.logger.warn('conformal.update_gave_up', { clusterId: prediction.clusterId, jobId: prediction.jobId, attempts: MAX_ATTEMPTS });
  return { status: 'skipped', reason: `conformal state of '${prediction.clusterId}' kept changing; gave up after ${MAX_ATTEMPTS} attempts` };
}
