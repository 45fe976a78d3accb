/**
 * `vgac cost`'s CloudWatch quantities are the ones the template and the code really create, so a
 * new metric, dimension, alarm or dashboard cannot slip past the budget: the default usage's
 * custom metrics equal the metric names the code emits × their one dimension set, its alarm
 * metrics the metrics the template's alarms read, its dashboards the template's dashboards; the
 * log retention, Lambda memory and tracing it assumes are the template's.
 *
 * ModelUnavailable (one count per failed model call, with its own alarm) is budgeted as well,
 * whether or not this tree emits and alarms on it yet: the budget counts it once either way.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_XRAY_SAMPLING, LOG_RETENTION_DAYS } from '../../src/core/budget/dashboard-usage.ts';
import { DEFAULT_USAGE } from '../../src/core/budget/usage.ts';
import { METRIC_DIMENSIONS, MetricName } from '../../src/entry/lambda/lambda-observability.ts';
import { parseTemplate } from './cfn-yaml.ts';
import { readSourceFiles } from './source-files.ts';
import { asList, resourcesOf, type Json } from './template-model.ts';

const ROOT = join(import.meta.dirname, '../..');
const template = parseTemplate(readFileSync(join(ROOT, 'template.yaml'), 'utf8'), 'template.yaml').document;
const MODEL_UNAVAILABLE = 'ModelUnavailable';

function ofType(type: string) {
  return resourcesOf(template).filter((candidate) => candidate.type === type);
}

/** Metrics an alarm reads: each MetricStat of a metric-math alarm, or its one metric. */
function alarmMetricReads(alarm: Json): number {
  const metrics = asList(alarm.Metrics) as Json[];
  return metrics.length > 0 ? metrics.filter((metric) => metric.MetricStat !== undefined).length : 1;
}

describe("the cost model's CloudWatch footprint", () => {
  it('DEFAULT_USAGE.cloudwatchCustomMetrics = the metric names the code emits × their one dimension set (+ ModelUnavailable)', () => {
    const emitted = Object.values(MetricName) as string[];
    const pending = emitted.includes(MODEL_UNAVAILABLE) ? 0 : 1;

    expect(METRIC_DIMENSIONS).toEqual(['service']);
    expect(DEFAULT_USAGE.cloudwatchCustomMetrics).toBe(emitted.length * 1 + pending);
  });

  it('the code emits metrics only through countMetric: no other dimension set is created anywhere in src/', async () => {
    const files = await readSourceFiles(ROOT, ['src']);
    const offenders = files
      .filter((file) => file.path.endsWith('.ts') && !file.path.endsWith('.test.ts'))
      .filter((file) =>
        /\.(addDimension|addDimensions|setDefaultDimensions|singleMetric)\(|defaultDimensions\s*:/.test(file.text),
      )
      .map((file) => file.path);

    expect(offenders).toEqual([]);
  });

  it("DEFAULT_USAGE.cloudwatchAlarmMetrics = the metrics the template's alarms read (+ the ModelUnavailable alarm)", () => {
    const alarms = ofType('AWS::CloudWatch::Alarm');
    const reads = alarms.reduce((sum, alarm) => sum + alarmMetricReads(alarm.properties), 0);
    const pending = alarms.some((alarm) => alarm.properties.MetricName === MODEL_UNAVAILABLE) ? 0 : 1;

    expect(DEFAULT_USAGE.cloudwatchAlarmMetrics).toBe(reads + pending);
  });

  it("DEFAULT_USAGE.cloudwatchDashboards = the template's CloudWatch dashboards", () => {
    expect(DEFAULT_USAGE.cloudwatchDashboards).toBe(ofType('AWS::CloudWatch::Dashboard').length);
  });

  it("the cost model's log retention, Lambda memory and traced dashboard requests are the template's", () => {
    const parameters = template.Parameters as Record<string, Json>;
    const globals = (template.Globals as Json).Function as Json;

    expect(parameters.LogRetentionDays?.Default).toBe(LOG_RETENTION_DAYS);
    expect(globals.MemorySize).toBe(DEFAULT_USAGE.lambdaMemoryMb);
    // Active tracing samples Lambda's fixed rate, which the model applies to the dashboard's requests.
    expect(globals.Tracing).toBe('Active');
    expect(LAMBDA_XRAY_SAMPLING).toEqual({ reservoirPerSecond: 1, fixedRate: 0.05 });
  });
});
