/**
 * What each Lambda entry needs from its environment to get through a cold start, as data: the
 * variables without which its module throws at import (config.ts's rules in AWS mode, then the
 * entry's own checks), and the variables naming SSM parameters it reads at import. The template
 * test (real-template.test.ts) checks the template provides them and lets the function read those
 * parameters; the cold-start test (test/integration/lambda-cold-config.test.ts) imports each
 * built bundle to prove the list is true: the SSM reads it observes are exactly these, and
 * removing any listed variable breaks the import.
 */
import { LAMBDA_FUNCTIONS } from '../lambda-functions.ts';

export interface ColdStartNeeds {
  /** Variables whose absence makes the module throw at import. */
  readonly variables: readonly string[];
  /** Variables naming SSM parameters the module reads at import (GetParameter). */
  readonly ssmParameters: readonly string[];
}

/** Every storage handler builds lambda-runtime.ts (refused in embedded mode without endpoints); config.ts requires an API key (or its parameter) in AWS mode. */
const STORAGE_HANDLER: ColdStartNeeds = { variables: ['VGAC_MODE', 'VGAC_API_KEY_PARAM'], ssmParameters: [] };

export const COLD_START_NEEDS: Readonly<Record<string, ColdStartNeeds>> = Object.freeze({
  ApiFunction: { variables: ['VGAC_MODE', 'VGAC_API_KEY_PARAM'], ssmParameters: ['VGAC_API_KEY_PARAM'] },
  SlackFunction: {
    variables: ['VGAC_MODE', 'VGAC_API_KEY_PARAM', 'VGAC_SLACK_SIGNING_SECRET_PARAM', 'VGAC_SLACK_TASK_TOPIC_ARN'],
    ssmParameters: ['VGAC_SLACK_SIGNING_SECRET_PARAM', 'VGAC_SLACK_BOT_TOKEN_PARAM'],
  },
  CheckDriftFunction: STORAGE_HANDLER,
  RecalibrateFunction: STORAGE_HANDLER,
  UpdateProfileFunction: STORAGE_HANDLER,
  CollectorFunction: STORAGE_HANDLER,
  // notify.ts, alerts.ts and agent-code.ts build no storage (embedded mode is fine); only config.ts's AWS-mode API-key rule applies.
  NotifyFunction: { variables: ['VGAC_API_KEY_PARAM'], ssmParameters: [] },
  AgentCodeFunction: { variables: ['VGAC_API_KEY_PARAM'], ssmParameters: [] },
  AlertsFunction: { variables: ['VGAC_API_KEY_PARAM'], ssmParameters: [] },
});

/** The needs of a function of LAMBDA_FUNCTIONS; throws for one missing from the table (a new function must be added). */
export function coldStartNeeds(logicalId: string): ColdStartNeeds {
  const needs = COLD_START_NEEDS[logicalId];
  if (needs === undefined || !LAMBDA_FUNCTIONS.some((fn) => fn.logicalId === logicalId))
    throw new Error(`no cold-start needs listed for '${logicalId}'`);
  return needs;
}
