/** What `vgac rebaseline --help` and `vgac --help` show without loading the command (rebaseline.ts): its summary, help and options. */
export const summary = "Change a cluster's long-wait threshold and start a new calibration epoch";

/** The usage line, also in the error for a missing cluster. */
export const USAGE = 'usage: vgac rebaseline <cluster> [--threshold SECONDS] [--json]';

export const help = `${USAGE}

A cluster's long-wait threshold (the label its P(long wait) forecasts are about) is fixed at
onboarding and changes only here. A re-baseline starts the next calibration epoch: the cluster is
in learning mode again (escalate only) until the gate's minimum of outcomes of the new label (50 by
default) is known, with a fresh
calibrator and fresh evidence, because forecasts of the old label say nothing about the new one.
Works on the configured store (VGAC_DATA_DIR, also while vgac start runs on it, or DynamoDB).

options:
  --threshold SECONDS  the new threshold; default: the P90 of the waits of the cluster's most
                       recent outcomes (at most 2,000; at least 100 are needed)
  --json               print the result as JSON
  -h, --help           show this help
`;

/** Everything `vgac rebaseline` accepts besides the cluster (node:util parseArgs options). */
export const options = {
  threshold: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The cluster id. */
export const allowPositionals = true;
