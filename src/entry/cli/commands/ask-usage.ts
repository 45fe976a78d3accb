/** What `vgac ask --help` and `vgac --help` show without loading the command (ask.ts): its summary, help and options. */
export const summary = 'Answer "when will my job start?" for a cluster (offline reasoner by default)';

/** The usage line, also in the error for a missing question. */
export const USAGE = 'usage: vgac ask "<question>" [--cluster ID] [--bedrock] [--json]';

export const help = `${USAGE}

Answers one question against the configured store (VGAC_DATA_DIR, also while vgac start runs
on it, or DynamoDB/S3): observes the cluster's queue state (its most recent stored prediction;
the age is printed), predicts P(long wait) and the wait interval, and lets the calibration gate
decide how much to say. Never acts on the queue. Examples:
  vgac ask "when will my 4-GPU job start on slurm-hpc?"
  vgac ask "will my 4-GPU job start before 17:00 on slurm-hpc?"   (17:00 on this machine's clock;
                                                                  tomorrow's when it is past)
  vgac ask "will my job start within 2 hours on slurm-hpc?"
  vgac ask "status of slurm-hpc"

options:
  --cluster ID   cluster to ask about when the question names none ("on <cluster>");
                 default VGAC_DEFAULT_CLUSTER
  --bedrock      answer with Bedrock (VGAC_BEDROCK_MODEL_ID) instead of the offline reasoner,
                 as VGAC_REASONER=bedrock does
  --json         print the whole decision (scope, confidence, prediction, answer) as JSON
  -h, --help     show this help
`;

/** Everything `vgac ask` accepts besides the question (node:util parseArgs options). */
export const options = {
  cluster: { type: 'string' },
  bedrock: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The question: the words besides the options. */
export const allowPositionals = true;
