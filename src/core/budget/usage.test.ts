import { describe, expect, it } from 'vitest';
import { InvalidInputError } from '../errors.ts';
import { DEFAULT_USAGE, parseUsage, withMeasuredTokens } from './usage.ts';

describe('DEFAULT_USAGE', () => {
  it("DEFAULT_USAGE carries the seed's expected usage column", () => {
    // seed/aws-constraints.md, "Our Expected Usage": ~50K Lambda requests, ~10K API calls, ~1GB DynamoDB,
    // ~500MB S3, ~1K SNS publishes, ~2K state transitions, ~5K traces.
    expect(DEFAULT_USAGE).toMatchObject({
      lambdaRequests: 50_000,
      apiRequests: 10_000,
      dynamoStorageGb: 1,
      s3StorageGb: 0.5,
      snsPublishes: 1_000,
      stateTransitions: 2_000,
      xrayTraces: 5_000,
    });
    // Plus one dashboard tab open 8 h × 22 working days, one request every 15 s, 26 read units per refresh (6 clusters).
    expect(DEFAULT_USAGE).toMatchObject({
      dashboardHoursPerMonth: 176,
      dashboardRefreshSeconds: 15,
      dashboardRequestsPerRefresh: 1,
      dashboardReadUnitsPerRefresh: 26,
    });
    expect(Object.isFrozen(DEFAULT_USAGE)).toBe(true);
  });
});

describe('parseUsage', () => {
  it('parseUsage overrides only the fields the document names', () => {
    const usage = parseUsage({ modelCalls: 12_345, sonnetCallShare: 0 });

    expect(usage.modelCalls).toBe(12_345);
    expect(usage.sonnetCallShare).toBe(0);
    expect(usage.lambdaRequests).toBe(50_000);
    expect(Object.isFrozen(usage)).toBe(true);
  });

  it('parseUsage lays the document over the given base', () => {
    const base = { ...DEFAULT_USAGE, apiRequests: 7 };

    const usage = parseUsage({}, base);

    expect(usage.apiRequests).toBe(7);
  });

  it('parseUsage names an unknown field (a typo must not pass silently)', () => {
    expect(() => parseUsage({ lamdaRequests: 5 })).toThrow(
      new InvalidInputError("unknown usage field 'lamdaRequests'"),
    );
    expect(() => parseUsage({ a: 1, b: 2 })).toThrow(/unknown usage fields 'a', 'b'/);
  });

  it('parseUsage names a negative count', () => {
    expect(() => parseUsage({ modelCalls: -1 })).toThrow(/^usage field 'modelCalls': .*>=0/);
  });

  it('parseUsage names a field of the wrong type', () => {
    expect(() => parseUsage({ apiRequests: '10000' })).toThrow(/usage field 'apiRequests': .*expected number/);
  });

  it('parseUsage takes a dashboard refresh interval of 0 (no dashboard) or 1–86400 s, and refuses others', () => {
    expect(parseUsage({ dashboardRefreshSeconds: 0 }).dashboardRefreshSeconds).toBe(0);
    expect(parseUsage({ dashboardRefreshSeconds: 60 }).dashboardRefreshSeconds).toBe(60);
    expect(() => parseUsage({ dashboardRefreshSeconds: 0.5 })).toThrow(
      /usage field 'dashboardRefreshSeconds': expected 0 \(no dashboard\) or 1–86400 seconds/,
    );
    expect(() => parseUsage({ dashboardHoursPerMonth: 800 })).toThrow(/usage field 'dashboardHoursPerMonth'/);
  });

  it('parseUsage refuses a share outside [0, 1] and a fractional memory size', () => {
    expect(() => parseUsage({ sonnetCallShare: 1.5 })).toThrow(/usage field 'sonnetCallShare'/);
    expect(() => parseUsage({ lambdaMemoryMb: 256.5 })).toThrow(/usage field 'lambdaMemoryMb'/);
  });

  it('parseUsage reports every bad field in one message', () => {
    let message = '';
    try {
      parseUsage({ modelCalls: -1, apiRequests: 'x' });
    } catch (error) {
      message = (error as Error).message;
    }

    expect(message).toContain("'modelCalls'");
    expect(message).toContain("'apiRequests'");
  });

  it('parseUsage refuses a document that is not an object', () => {
    expect(() => parseUsage([1, 2])).toThrow(/^usage must be a JSON object/);
    expect(() => parseUsage(null)).toThrow(/^usage must be a JSON object/);
  });
});

describe('withMeasuredTokens', () => {
  it("withMeasuredTokens replaces the average tokens per call by the ledger's (tokens ÷ calls), nothing else", () => {
    const measured = withMeasuredTokens(DEFAULT_USAGE, { calls: 8, inputTokens: 340, outputTokens: 100 });

    // 340 / 8 = 42.5 input and 100 / 8 = 12.5 output tokens per call.
    expect(measured).toEqual({ ...DEFAULT_USAGE, averageInputTokensPerCall: 42.5, averageOutputTokensPerCall: 12.5 });
  });

  it('withMeasuredTokens keeps the defaults while the ledger has counted no call', () => {
    expect(withMeasuredTokens(DEFAULT_USAGE, { calls: 0, inputTokens: 0, outputTokens: 0 })).toBe(DEFAULT_USAGE);
  });

  it('withMeasuredTokens refuses a negative or non-finite count', () => {
    expect(() => withMeasuredTokens(DEFAULT_USAGE, { calls: 2, inputTokens: -1, outputTokens: 0 })).toThrow(
      'measured inputTokens must be a finite number ≥ 0, got -1',
    );
    expect(() => withMeasuredTokens(DEFAULT_USAGE, { calls: Number.NaN, inputTokens: 1, outputTokens: 0 })).toThrow(
      InvalidInputError,
    );
  });
});
