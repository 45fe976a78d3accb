/**
 * What each gate tier means on a queue (SPEC, "Intervention tiers"): the intervention and the
 * one cluster action that carries it out. Pure: the gate decides the tier, this only names the
 * action. Used both for actions the gate lets an agent take and for the proposals an escalation
 * puts before a human.
 */
import { Tier } from '../gating/gate-config.ts';

export const Intervention = {
  none: 'none',
  annotate: 'annotate',
  warn: 'warn',
  suggestReschedule: 'suggest_reschedule',
  requireConfirmation: 'require_confirmation',
} as const;
export type Intervention = (typeof Intervention)[keyof typeof Intervention];

/** Action kinds an intervention uses (the `ClusterActionKind` values of the ports). */
export const ProposedActionKind = { annotate: 'annotate', adjustPriority: 'adjust_priority', hold: 'hold' } as const;
export type ProposedActionKind = (typeof ProposedActionKind)[keyof typeof ProposedActionKind];

/** Priority added to a job when rescheduling is suggested and the job declares a priority. */
export const RESCHEDULE_PRIORITY_STEP = 100;

export interface ProposedAction {
  readonly kind: ProposedActionKind;
  /** `annotate`: the comment; `adjust_priority`: the new priority. */
  readonly value?: string | number;
  readonly reason: string;
}

export interface InterventionContext {
  /** P(long wait) in [0, 1]. */
  readonly probability: number;
  /** Wait estimate text, e.g. `~25m (12m-41m)`. */
  readonly waitText: string;
  /** The job's declared priority, when known. */
  readonly priority: number | null;
}

/** The intervention a tier stands for; `none` without a tier. */
export function interventionFor(tier: Tier | null): Intervention {
  return tier === null ? Intervention.none : tier;
}

/**
 * The cluster action carrying out `tier`'s intervention:
 * - annotate → a comment with the forecast;
 * - warn → a comment that warns of a likely long wait;
 * - suggest_reschedule → raise the priority by RESCHEDULE_PRIORITY_STEP when the job declares one,
 *   else a comment suggesting the owner reschedule it (a pending job cannot be requeued: Slurm
 *   requeues only running or finished jobs);
 * - require_confirmation → hold the job until its owner confirms (releases it).
 * Null without a tier.
 */
export function proposedAction(tier: Tier | null, context: InterventionContext): ProposedAction | null {
  const forecast = `P(long wait)=${context.probability.toFixed(2)}, ${context.waitText}`;
  switch (tier) {
    case null:
      return null;
    case Tier.annotate:
      return { kind: ProposedActionKind.annotate, value: `vgac: ${forecast}`, reason: `annotate: ${forecast}` };
    case Tier.warn:
      return {
        kind: ProposedActionKind.annotate,
        value: `vgac WARNING likely long wait: ${forecast}`,
        reason: `warn: ${forecast}`,
      };
    case Tier.suggestReschedule:
      return context.priority === null
        ? {
            kind: ProposedActionKind.annotate,
            value: `vgac SUGGESTS RESCHEDULING, likely long wait: ${forecast}`,
            reason: `suggest reschedule: ${forecast}`,
          }
        : {
            kind: ProposedActionKind.adjustPriority,
            value: context.priority + RESCHEDULE_PRIORITY_STEP,
            reason: `suggest reschedule (priority ${context.priority} → ${context.priority + RESCHEDULE_PRIORITY_STEP}): ${forecast}`,
          };
    case Tier.requireConfirmation:
      return {
        kind: ProposedActionKind.hold,
        reason: `require confirmation (hold until the owner confirms): ${forecast}`,
      };
  }
}
