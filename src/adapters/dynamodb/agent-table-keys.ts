/**
 * Keys of the agents' items in the single table (alongside `cluster-table-keys.ts`):
 *
 * | item        | PK                    | SK                          | extra                                           |
 * | ----------- | --------------------- | --------------------------- | ----------------------------------------------- |
 * | explanation | `CLUSTER#{clusterId}` | `EXPLANATION#{hash}`        | `expiresAt` (TTL, a day: stale answers serve degraded mode) |
 * | escalation  | `CLUSTER#{clusterId}` | `ESCALATION#{id}`           | GSI1PK = `ESCALATIONS#{status}`, GSI1SK = `{iso-ts}#{clusterId}#{id}` |
 * | ledger      | `BUDGET`              | `LEDGER`                    | committed µUSD per component and total, counters |
 */
import { InvalidInputError } from '../../core/errors.ts';

export const AgentSortKey = {
  explanationPrefix: 'EXPLANATION#',
  escalationPrefix: 'ESCALATION#',
  ledger: 'LEDGER',
} as const;

export const BUDGET_PARTITION = 'BUDGET';
/**
 * GSI1PK of escalations written before they were listed by status: every status in one index
 * partition. Still read (filtered by status), so such items keep showing; a transition moves one
 * to its status partition ({@link escalationListPartition}).
 */
export const ESCALATION_LIST_PARTITION = 'ESCALATIONS';

/**
 * GSI1PK of an escalation in `status`: one index partition per status, so listing the pending
 * ones (the dashboard, every refresh) reads only pending items, not every escalation ever made.
 */
export function escalationListPartition(status: string): string {
  return `${ESCALATION_LIST_PARTITION}#${status}`;
}
/** Explanations stay in the table a day (fresh for an hour; older ones only serve when the budget is spent). */
export const EXPLANATION_TTL_SECONDS = 86_400;

const HASH_PATTERN = /^[A-Za-z0-9_-]{8,128}$/;
const ESCALATION_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function explanationSortKey(hash: string): string {
  if (!HASH_PATTERN.test(hash)) throw new InvalidInputError(`invalid explanation hash '${hash.slice(0, 64)}'`);
  return `${AgentSortKey.explanationPrefix}${hash}`;
}

export function escalationSortKey(escalationId: string): string {
  if (!ESCALATION_ID_PATTERN.test(escalationId))
    throw new InvalidInputError(`invalid escalation id '${escalationId.slice(0, 64)}'`);
  return `${AgentSortKey.escalationPrefix}${escalationId}`;
}
