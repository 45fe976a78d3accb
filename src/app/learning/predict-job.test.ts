import { describe, expect, it } from 'vitest';
import { DEFAULT_GATE_CONFIG } from '../../core/gating/gate-config.ts';
import { initialCalibration } from './register-cluster.ts';
import { windowLongWaitsForGate } from './predict-job.ts';

const fresh = initialCalibration('c', DEFAULT_GATE_CONFIG.baselineEce, 0);
/** An item written before the per-class rule existed: no windowLongWaits field at all. */
function legacy(sampleCount: number): typeof fresh {
  const { windowLongWaits: _absent, ...rest } = { ...fresh, sampleCount };
  return rest;
}

describe('windowLongWaitsForGate', () => {
  it('windowLongWaitsForGate passes the stored count through', () => {
    const count = windowLongWaitsForGate({ ...fresh, sampleCount: 80, windowLongWaits: 3 }, DEFAULT_GATE_CONFIG);

    expect(count).toBe(3);
  });

  it('windowLongWaitsForGate reads a legacy item below minOutcomes as 0 long waits', () => {
    const count = windowLongWaitsForGate(legacy(49), DEFAULT_GATE_CONFIG);

    expect(count).toBe(0);
  });

  it('windowLongWaitsForGate reads a legacy item at minOutcomes as unknown (SPEC alone)', () => {
    const count = windowLongWaitsForGate(legacy(50), DEFAULT_GATE_CONFIG);

    expect(count).toBeNull();
  });
});
