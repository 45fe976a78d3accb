import { describe, expect, it } from 'vitest';
import { Tier } from '../gating/gate-config.ts';
import { interventionFor, proposedAction, RESCHEDULE_PRIORITY_STEP } from './intervention.ts';

const context = { probability: 0.734, waitText: '~25m (12m-41m)', priority: null };

describe('proposedAction', () => {
  it('maps each tier to its action', () => {
    const kinds = [null, Tier.annotate, Tier.warn, Tier.suggestReschedule, Tier.requireConfirmation].map(
      (tier) => proposedAction(tier, context)?.kind ?? null,
    );

    expect(kinds).toEqual([null, 'annotate', 'annotate', 'annotate', 'hold']);
  });

  it('suggests a priority raise instead of a rescheduling comment when the job declares a priority', () => {
    const action = proposedAction(Tier.suggestReschedule, { ...context, priority: 7 });

    expect(action).toMatchObject({ kind: 'adjust_priority', value: 7 + RESCHEDULE_PRIORITY_STEP });
    expect(action?.reason).toContain('priority 7 →');
  });

  it('writes the forecast into annotations and warnings', () => {
    expect(proposedAction(Tier.annotate, context)?.value).toBe('vgac: P(long wait)=0.73, ~25m (12m-41m)');
    expect(proposedAction(Tier.warn, context)?.value).toBe(
      'vgac WARNING likely long wait: P(long wait)=0.73, ~25m (12m-41m)',
    );
  });

  it('interventionFor names the tier, or none', () => {
    expect(interventionFor(null)).toBe('none');
    expect(interventionFor(Tier.requireConfirmation)).toBe('require_confirmation');
  });
});
