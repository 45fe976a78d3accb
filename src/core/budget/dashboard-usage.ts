/**
 * The web dashboard's part of a month's AWS usage. An open, visible dashboard tab refreshes once
 * every `dashboardRefreshSeconds` with `dashboardRequestsPerRefresh` requests (one:
 * `GET /api/dashboard`); a hidden tab does not poll. Each request is one HTTP API request and one
 * API-function invocation that reads what a refresh draws from DynamoDB, writes the Lambda
 * platform's log lines, and may be traced by X-Ray: with active tracing, Lambda samples at a
 * fixed rate, the first request of each second and 5 % of the others (X-Ray sampling rules do not
 * apply to it), so a dashboard asking at most once a second is traced on every request.
 */

/**
 * The shortest refresh interval a deployed API announces to the dashboard, seconds: the API
 * Lambda entry announces it, and the cost model's default usage refreshes at it.
 */
export const DEPLOYED_DASHBOARD_REFRESH_SECONDS = 15;

/** One dashboard tab open 8 hours a working day, 22 working days a month. */
export const DEFAULT_DASHBOARD_HOURS_PER_MONTH = 8 * 22;

/**
 * Bytes the Lambda platform logs per invocation: the START, END and REPORT lines (the REPORT with
 * its X-Ray trace id), about 400 bytes. A successful dashboard request logs nothing else.
 */
export const LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION = 400;

/** Lambda's fixed X-Ray sampling: requests traced per second before the rate applies, and the rate beyond. */
export const LAMBDA_XRAY_SAMPLING = Object.freeze({ reservoirPerSecond: 1, fixedRate: 0.05 });

/** Days CloudWatch Logs keeps the functions' logs: template.yaml's `LogRetentionDays` default. */
export const LOG_RETENTION_DAYS = 14;

/** Clusters the default usage assumes a deployment serves. */
export const DEFAULT_CLUSTERS = 6;

/**
 * DynamoDB read requests of one dashboard refresh in steady state, for `clusters` clusters: one
 * Query listing the clusters; per cluster one GetItem (its calibration summary), one
 * Query of its newest calibration-history point and one of its 10 newest predictions; two Queries
 * per escalation list (its status partition and the legacy one), for the pending and the
 * executed list; one GetItem of the budget ledger. History, reliability window and PSI inputs
 * are read again only when they changed (see app/http/dashboard-snapshot.ts).
 */
export function dashboardReadRequests(clusters: number): number {
  return 1 + 3 * clusters + 2 * 2 + 1;
}

/**
 * Read request units of one steady-state refresh. On-demand DynamoDB bills each read request per
 * 4 KB it reads, at least one unit: 1 unit per 4 KB strongly consistent, ½ eventually consistent
 * (index queries and the history query). Item sizes as stored by the adapters (measured on
 * dynalite, which applies the same rounding: test/integration/dashboard-aggregate.test.ts):
 * - cluster list: the ClusterIndex partition of calibration items (≈ 1 KB each), ½ unit per 4 KB;
 * - per cluster: the calibration summary (≤ 4 KB, strongly consistent) 1 unit, the newest history
 *   point ½, the 10 newest predictions (≈ 0.8 KB each, 8 KB, strongly consistent)
 *   2 units;
 * - escalations: 8 pending (≈ 1 KB each, 8 KB) 1 unit, 5 executed (5 KB) 1 unit, each list's
 *   legacy-partition query ½ unit;
 * - budget ledger: 1 unit.
 */
export function dashboardReadUnits(clusters: number): number {
  const clusterList = 0.5 * Math.max(1, Math.ceil(clusters / 4));
  const perCluster = 1 + 0.5 + 2;
  const escalations = 1 + 0.5 + 1 + 0.5;
  const ledger = 1;
  return clusterList + clusters * perCluster + escalations + ledger;
}

/** What the dashboard adds to a month's usage. */
export interface DashboardMonthly {
  /** Refreshes per month (hours open × 3600 ÷ refresh interval). */
  readonly refreshes: number;
  /** HTTP API requests = API-function invocations. */
  readonly requests: number;
  /** X-Ray traces of those invocations ({@link LAMBDA_XRAY_SAMPLING} at the average request rate). */
  readonly traces: number;
  readonly readUnits: number;
  /** Lambda GB-seconds of those invocations. */
  readonly gbSeconds: number;
  readonly logsIngestedGb: number;
  /** Average log volume held (ingested × {@link LOG_RETENTION_DAYS} / 30), GB-month. */
  readonly logsStoredGb: number;
}

export interface DashboardUsage {
  readonly dashboardHoursPerMonth: number;
  readonly dashboardRefreshSeconds: number;
  readonly dashboardRequestsPerRefresh: number;
  readonly dashboardReadUnitsPerRefresh: number;
  readonly lambdaAverageDurationMs: number;
  readonly lambdaMemoryMb: number;
}

/**
 * The dashboard's monthly quantities. Units: hours, seconds, requests, read request units,
 * GB-seconds and decimal GB. A refresh interval of 0 means no dashboard (nothing added). Traces
 * use the average request rate while open (requests of one refresh arrive together, so a burst of
 * several requests is traced a little more often than that).
 */
export function dashboardMonthly(usage: DashboardUsage): DashboardMonthly {
  const refreshes =
    usage.dashboardRefreshSeconds > 0 ? (usage.dashboardHoursPerMonth * 3600) / usage.dashboardRefreshSeconds : 0;
  const requests = refreshes * usage.dashboardRequestsPerRefresh;
  const openSeconds = usage.dashboardHoursPerMonth * 3600;
  const perSecond = openSeconds > 0 ? requests / openSeconds : 0;
  const { reservoirPerSecond, fixedRate } = LAMBDA_XRAY_SAMPLING;
  const tracedPerSecond =
    Math.min(perSecond, reservoirPerSecond) + fixedRate * Math.max(0, perSecond - reservoirPerSecond);
  const logsIngestedGb = (requests * LAMBDA_PLATFORM_LOG_BYTES_PER_INVOCATION) / 1e9;
  return {
    refreshes,
    requests,
    traces: tracedPerSecond * openSeconds,
    readUnits: refreshes * usage.dashboardReadUnitsPerRefresh,
    gbSeconds: requests * (usage.lambdaAverageDurationMs / 1000) * (usage.lambdaMemoryMb / 1024),
    logsIngestedGb,
    logsStoredGb: (logsIngestedGb * LOG_RETENTION_DAYS) / 30,
  };
}
