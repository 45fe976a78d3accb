/**
 * A job forecast in words, for Slack and `vgac ask`: its state, the pending reason, its place in
 * the queue, the forecast at submit and now with the cluster's calibration caveat, and what would
 * start sooner. Pure.
 */
import { humanDuration } from '../../core/agents/answer-text.ts';
import { ActionScope } from '../../core/gating/gate-config.ts';
import type { ForecastView } from './forecast-view.ts';
import type { JobForecast } from './forecast-job.ts';

/** How far a forecast on this cluster can be trusted, in a few words (its scope). */
export function calibrationCaveat(scope: ActionScope): string {
  switch (scope) {
    case ActionScope.autonomous:
      return 'calibrated';
    case ActionScope.notify:
      return 'calibrated, within a wider error';
    case ActionScope.escalate:
      return 'not calibrated well enough to rely on';
    case ActionScope.learning:
      return 'uncalibrated: still learning this cluster';
  }
}

function at(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** `~25 min (80 % between 12 min and 41 min), P(long wait) 30 %`. */
export function forecastPhrase(view: ForecastView): string {
  const longWait = `P(long wait) ${Math.round(view.probabilityLongWait * 100)} %`;
  if (view.wait === null) return longWait;
  const { estimateSeconds, lowerSeconds, upperSeconds, coverage } = view.wait;
  return `~${humanDuration(estimateSeconds)} (${Math.round(coverage * 100)} % between ${humanDuration(lowerSeconds)} and ${humanDuration(upperSeconds)}), ${longWait}`;
}

function stateSentence(forecast: JobForecast): string {
  const name = `Job ${forecast.jobId} on ${forecast.clusterId}`;
  const asked =
    forecast.requestedGpus === null
      ? ''
      : ` (${forecast.requestedGpus} GPU${forecast.requestedGpus === 1 ? '' : 's'}${forecast.partition === null ? '' : `, partition ${forecast.partition}`})`;
  switch (forecast.state) {
    case 'pending':
      return `${name}${asked} has been pending ${humanDuration(forecast.pendingSeconds ?? 0)}.`;
    case 'running':
    case 'started':
      return forecast.startTimeMs === null
        ? `${name}${asked} has started.`
        : `${name}${asked} started at ${at(forecast.startTimeMs)} after ${humanDuration(forecast.pendingSeconds ?? 0)}.`;
    case 'completed':
    case 'failed':
    case 'cancelled':
      return `${name}${asked} is ${forecast.state}${forecast.startTimeMs === null ? ' (it never started)' : ''}.`;
    case 'other':
    case 'unknown':
      return `${name}${asked}: its state is unknown here.`;
  }
}

/** "To start sooner: …" — the best few alternatives that beat the job as it is; empty text when none does. */
export function soonerText(forecast: JobForecast, limit = 3): string {
  const asIsStart = forecast.asIs?.expectedStartMs ?? null;
  const better = forecast.alternatives
    .filter(
      (entry) =>
        entry.forecast.expectedStartMs !== null && (asIsStart === null || entry.forecast.expectedStartMs < asIsStart),
    )
    .slice(0, limit);
  if (better.length === 0)
    return forecast.alternatives.length === 0 ? '' : 'None of the nearby alternatives is expected to start sooner.';
  const caveat = calibrationCaveat(forecast.scope);
  return `To start sooner: ${better.map((entry) => `${entry.change} → ${forecastPhrase(entry.forecast)}`).join('; ')} (${caveat}; a resubmitted job queues again from the back).`;
}

/** The whole answer about a job: state, reason, rank, forecasts, and (when computed) alternatives. */
export function jobAnswerText(forecast: JobForecast, options: { readonly alternatives?: boolean } = {}): string {
  const parts = [stateSentence(forecast)];
  if (forecast.reason !== null)
    parts.push(`Why it waits: ${forecast.reason.words}${forecast.reason.known ? ` (${forecast.reason.code})` : ''}.`);
  if (forecast.priorityRank !== null)
    parts.push(
      `It is number ${forecast.priorityRank.position} of ${forecast.priorityRank.pendingInPartition} pending in its partition by priority.`,
    );
  const caveat = calibrationCaveat(forecast.scope);
  if (forecast.now !== null)
    parts.push(
      `Forecast from now: ${forecastPhrase(forecast.now)}${forecast.now.expectedStartMs === null ? '' : `, start around ${at(forecast.now.expectedStartMs)}`} (${caveat}).`,
    );
  if (forecast.atSubmit !== null) parts.push(`At submit: ${forecastPhrase(forecast.atSubmit)}.`);
  if (forecast.now === null && forecast.atSubmit === null && forecast.state === 'pending')
    parts.push('No forecast now: the queue could not be observed.');
  if (forecast.schedulerNote !== null) parts.push(`(From the prediction log: ${forecast.schedulerNote}.)`);
  if (options.alternatives === true && forecast.state === 'pending') {
    const sooner = soonerText(forecast);
    parts.push(sooner === '' ? 'No nearby alternative fits what this cluster offers.' : sooner);
  }
  return parts.join(' ');
}
