/** What `vgac replay --help` and `vgac --help` show without loading the command (replay.ts): its summary, help and options. */
export const summary =
  'Replay a job history (labelled CSV or scheduler trace) through the learning loop, online, with baselines';

/** The reference data file the default prior is trained on (in VGAC_SHARED_DATA, else ../shared/data beside the repository). */
export const DEFAULT_PRIOR_DATA = 'eks_dec_sample.csv';

export const help = `usage: vgac replay --data FILE [--prior BUNDLE.json] [options]
       vgac replay --trace FILE [--format swf|alibaba-gpu|sacct] [options]

--data: rows of a labelled job table (submit_epoch_ms, wait_seconds, label_long_wait, queue-state
columns, job_type) in time order: predicted at submit, outcome recorded at submit + wait, calibration
recomputed by the learning loop. Starts from --prior (default: a bundle trained on
${DEFAULT_PRIOR_DATA} from the reference data: VGAC_SHARED_DATA, else ../shared/data beside the
repository). Prints the calibration timeline.

--trace: a scheduler log. Queue state is reconstructed at each submit; the first --warmup jobs are
the onboarding history (the prior is trained on those whose outcome was known then); every later
job is predicted at its submit time; long wait = above the P90 of the waits observed so far.
Reports AUROC/ECE/Brier and 80 % interval coverage/width for the loop and three baselines.

On a terminal, progress ("replayed 12,000 / 28,000 jobs") is shown on stderr while it runs.

options:
  --data FILE              labelled job table to replay (exactly one of --data and --trace)
  --prior BUNDLE.json      --data: the model bundle the cluster starts from (default above)
  --trace FILE             scheduler log to replay (exactly one of --data and --trace)
  --format swf|alibaba-gpu|sacct
                           --trace: the log's format (default: detected from its first line, or a .swf name)
  --store embedded|memory  embedded: dynalite + s3rver (default for --data); memory: in-process
                           stores for offline evaluation only (default for --trace: speed)
  --data-dir DIR           embedded store directory (default: a fresh temporary directory, removed after)
  --cluster ID             cluster id (default: slurm-replay, or the trace's file name)
  --warmup N               --trace: history jobs before onboarding (default 500)
  --json                   print the full report as JSON on stdout instead of the text
  --out FILE               also write the full report as JSON to FILE
  --timeline full|key      timeline lines to print (default: full for --data, key for --trace)
  -h, --help               show this help
`;

/** Everything `vgac replay` accepts (node:util parseArgs options). */
export const options = {
  data: { type: 'string' },
  prior: { type: 'string' },
  trace: { type: 'string' },
  format: { type: 'string' },
  store: { type: 'string' },
  'data-dir': { type: 'string' },
  cluster: { type: 'string' },
  warmup: { type: 'string' },
  json: { type: 'boolean' },
  out: { type: 'string' },
  timeline: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
