import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DASHBOARD_HOURS_PER_MONTH,
  DEPLOYED_DASHBOARD_REFRESH_SECONDS,
  dashboardMonthly,
  dashboardReadRequests,
  dashboardReadUnits,
} from './dashboard-usage.ts';

const TOLERANCE_DIGITS = 9;
const LAMBDA = { lambdaAverageDurationMs: 300, lambdaMemoryMb: 256 };

describe('dashboardReadRequests and dashboardReadUnits', () => {
  it('dashboardReadRequests counts 1 list + 3 per cluster + 2 × 2 escalation queries + 1 ledger read', () => {
    // 2 clusters: 1 + 6 + 4 + 1 = 12; 6 clusters: 1 + 18 + 4 + 1 = 24.
    expect(dashboardReadRequests(2)).toBe(12);
    expect(dashboardReadRequests(6)).toBe(24);
    expect(dashboardReadRequests(0)).toBe(6);
  });

  it('dashboardReadUnits adds ½ per 4 clusters listed, 3.5 per cluster, 3 for the escalation lists and 1 for the ledger', () => {
    // 2 clusters: 0.5 + 2 × 3.5 + 3 + 1 = 11.5; 6 clusters: 0.5 × 2 + 6 × 3.5 + 3 + 1 = 26.
    expect(dashboardReadUnits(2)).toBe(11.5);
    expect(dashboardReadUnits(6)).toBe(26);
  });
});

describe('dashboardMonthly', () => {
  it('dashboardMonthly turns hours open and the refresh interval into requests, reads, compute, logs and traces', () => {
    // 10 h × 3,600 s ÷ 30 s = 1,200 refreshes × 2 requests = 2,400 requests; 1,200 × 5 = 6,000 RRU;
    // 2,400 × 0.3 s × 0.25 GB = 180 GB-s; 2,400 × 400 B = 0.00096 GB logs, × 14/30 = 0.000448 GB-month;
    // 2,400 requests over 36,000 s = 0.0667/s, under the 1/s reservoir: every request traced.
    const monthly = dashboardMonthly({
      ...LAMBDA,
      dashboardHoursPerMonth: 10,
      dashboardRefreshSeconds: 30,
      dashboardRequestsPerRefresh: 2,
      dashboardReadUnitsPerRefresh: 5,
    });

    expect(monthly.refreshes).toBeCloseTo(1_200, TOLERANCE_DIGITS);
    expect(monthly.requests).toBeCloseTo(2_400, TOLERANCE_DIGITS);
    expect(monthly.readUnits).toBeCloseTo(6_000, TOLERANCE_DIGITS);
    expect(monthly.gbSeconds).toBeCloseTo(180, TOLERANCE_DIGITS);
    expect(monthly.logsIngestedGb).toBeCloseTo(0.00096, TOLERANCE_DIGITS);
    expect(monthly.logsStoredGb).toBeCloseTo(0.000448, TOLERANCE_DIGITS);
    expect(monthly.traces).toBeCloseTo(2_400, TOLERANCE_DIGITS);
  });

  it('dashboardMonthly traces 1 request per second and 5 % of the rest when a dashboard asks more often', () => {
    // 1 h at 3 requests every second: 10,800 requests; traced 1 + 0.05 × 2 = 1.1 per second × 3,600 s = 3,960.
    const monthly = dashboardMonthly({
      ...LAMBDA,
      dashboardHoursPerMonth: 1,
      dashboardRefreshSeconds: 1,
      dashboardRequestsPerRefresh: 3,
      dashboardReadUnitsPerRefresh: 0,
    });

    expect(monthly.requests).toBeCloseTo(10_800, TOLERANCE_DIGITS);
    expect(monthly.traces).toBeCloseTo(3_960, TOLERANCE_DIGITS);
  });

  it('dashboardMonthly adds nothing without a dashboard (no hours, or a refresh interval of 0)', () => {
    const closed = dashboardMonthly({
      ...LAMBDA,
      dashboardHoursPerMonth: 0,
      dashboardRefreshSeconds: 15,
      dashboardRequestsPerRefresh: 1,
      dashboardReadUnitsPerRefresh: 32,
    });
    const none = dashboardMonthly({
      ...LAMBDA,
      dashboardHoursPerMonth: 176,
      dashboardRefreshSeconds: 0,
      dashboardRequestsPerRefresh: 1,
      dashboardReadUnitsPerRefresh: 32,
    });

    for (const monthly of [closed, none]) {
      expect(monthly).toEqual({
        refreshes: 0,
        requests: 0,
        traces: 0,
        readUnits: 0,
        gbSeconds: 0,
        logsIngestedGb: 0,
        logsStoredGb: 0,
      });
    }
  });

  it('the defaults are one tab 8 h a working day (22 days) and the deployed API polls no faster than every 15 s', () => {
    expect(DEFAULT_DASHBOARD_HOURS_PER_MONTH).toBe(176);
    expect(DEPLOYED_DASHBOARD_REFRESH_SECONDS).toBeGreaterThanOrEqual(15);
  });
});
