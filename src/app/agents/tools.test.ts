import { describe, expect, it } from 'vitest';
import { permitRefusal, toolSpecs, TOOLS } from './tools.ts';

describe('toolSpecs', () => {
  it('exports every tool as a Converse toolSpec named tool_* with a JSON-schema object input', () => {
    const specs = toolSpecs();

    expect(specs.map((spec) => spec.name)).toEqual([
      'tool_observe_cluster',
      'tool_predict_wait_time',
      'tool_get_calibration_score',
      'tool_check_calibration_drift',
      'tool_trigger_recalibration',
      'tool_send_slack_notification',
      'tool_requeue_job',
      'tool_adjust_priority',
      'tool_escalate_to_human',
    ]);
    const adjust = specs.find((spec) => spec.name === 'tool_adjust_priority')?.inputSchema as {
      type: string;
      required: string[];
      properties: Record<string, { type: string }>;
    };
    expect(adjust.type).toBe('object');
    expect([...adjust.required].sort()).toEqual(['clusterId', 'jobId', 'priority', 'reason']);
    expect(adjust.properties.priority?.type).toBe('integer');
  });
});

describe('permitRefusal', () => {
  const requeue = TOOLS.find((tool) => tool.name === 'tool_requeue_job');
  const observe = TOOLS.find((tool) => tool.name === 'tool_observe_cluster');

  it('lets read tools run and act tools only under a permit for that job and kind', () => {
    const permit = { clusterId: 'c', jobId: 'j', allowedKinds: ['requeue'], basis: 'scope autonomous' };

    expect(observe === undefined ? 'missing' : permitRefusal(observe, null, { clusterId: 'c' })).toBeNull();
    expect(
      requeue === undefined ? 'missing' : permitRefusal(requeue, permit, { clusterId: 'c', jobId: 'j' }),
    ).toBeNull();
    expect(requeue === undefined ? 'missing' : permitRefusal(requeue, null, { clusterId: 'c', jobId: 'j' })).toBe(
      'no gate decision or human approval covers this action',
    );
    expect(requeue === undefined ? 'missing' : permitRefusal(requeue, permit, { clusterId: 'c', jobId: 'other' })).toBe(
      "the decision was about job 'j'",
    );
    expect(
      requeue === undefined
        ? 'missing'
        : permitRefusal(requeue, { ...permit, allowedKinds: ['annotate'] }, { clusterId: 'c', jobId: 'j' }),
    ).toBe('the gate does not allow requeue (scope autonomous)');
  });
});
