/** A job forecast as the API returns it (snake_case, times as epoch ms and ISO strings). Pure. */
import type { ForecastView } from '../jobs/forecast-view.ts';
import type { JobForecast } from '../jobs/forecast-job.ts';
import { jobAnswerText } from '../jobs/job-answer-text.ts';

function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

function forecastJson(view: ForecastView | null) {
  if (view === null) return null;
  return {
    probability_long_wait: view.probabilityLongWait,
    wait:
      view.wait === null
        ? null
        : {
            estimate_seconds: view.wait.estimateSeconds,
            lower_seconds: view.wait.lowerSeconds,
            upper_seconds: view.wait.upperSeconds,
            coverage: view.wait.coverage,
          },
    median_seconds: view.medianSeconds,
    expected_start_ms: view.expectedStartMs,
    expected_start: iso(view.expectedStartMs),
    scope: view.scope,
    tier: view.tier,
    issued_at_ms: view.issuedAtMs,
  };
}

export function jobForecastJson(forecast: JobForecast, withAlternatives: boolean) {
  return {
    cluster_id: forecast.clusterId,
    job_id: forecast.jobId,
    source: forecast.source,
    scheduler_note: forecast.schedulerNote,
    state: forecast.state,
    partition: forecast.partition,
    requested_gpus: forecast.requestedGpus,
    time_limit_seconds: forecast.timeLimitSeconds,
    submit_time_ms: forecast.submitTimeMs,
    start_time_ms: forecast.startTimeMs,
    pending_seconds: forecast.pendingSeconds,
    pending_reason:
      forecast.reason === null
        ? null
        : {
            code: forecast.reason.code,
            words: forecast.reason.words,
            who_can_change_it: forecast.reason.actor,
            known: forecast.reason.known,
          },
    priority_rank:
      forecast.priorityRank === null
        ? null
        : { position: forecast.priorityRank.position, pending_in_partition: forecast.priorityRank.pendingInPartition },
    forecast_at_submit: forecastJson(forecast.atSubmit),
    forecast_now: forecastJson(forecast.now),
    scope: forecast.scope,
    as_is: forecastJson(forecast.asIs),
    alternatives: forecast.alternatives.map((entry) => ({
      kind: entry.kind,
      change: entry.change,
      partition: entry.partition,
      gpus: entry.gpus,
      time_limit_seconds: entry.timeLimitSeconds,
      forecast: forecastJson(entry.forecast),
    })),
    answer: jobAnswerText(forecast, { alternatives: withAlternatives }),
  };
}
