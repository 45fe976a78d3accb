/** What `vgac predict --help` and `vgac --help` show without loading the command (predict.ts): its summary, help and options. */
export const summary =
  'Score one job with a bundle or a registered cluster: P(long wait), wait distribution, P(start within T), gate scope and tier';

/** The horizon `P(start within …)` is printed for without `--within`: an hour. */
export const DEFAULT_WITHIN_SECONDS = 3600;

export const help = `usage: vgac predict --bundle BUNDLE --job JSON [--json]
       vgac predict --cluster ID --job JSON [--within SECONDS] [--json]

Scores one job. --job is a JSON object with every feature the bundle needs, e.g.
  --job '{"pending_ratio":0.3,"queue_depth_norm":4,"fragmentation_score":0.2,"congestion_score":0.4,
          "pending_gpus":3,"total_pending":2,"running_gpus":2,"gpu_nodes_alloc":1,"gpu_nodes_total":2}'
Categorical features (job_type) are strings; an unseen value is allowed (it encodes as all zeros).

A live cluster's action scope comes from its own outcome window; a bare bundle has none, so the
scope printed here is learning mode (escalate only). The tier line shows what the bundle's
cross-validated ECE would allow for this probability once a cluster's outcomes confirm that ECE.

With --cluster, the job is asked about a registered cluster in the configured store
(VGAC_DATA_DIR, or DynamoDB/S3), as POST /api/predict/wait asks (nothing is stored): --job is
then that request's body, e.g. '{"gpus":4,"queue":"gpu-a100"}', the queue state is the cluster's
most recent stored one, and the answer carries the cluster's calibrated wait distribution (its
quantiles at 5 … 95 %) and P(start within 1 h), or within --within SECONDS.

options:
  --bundle BUNDLE   bundle JSON written by \`vgac train\`
  --cluster ID      a registered cluster instead of a bundle
  --job JSON        the job's features (with --cluster: the API's job fields)
  --within SECONDS  with --cluster: print P(start within SECONDS) (default ${DEFAULT_WITHIN_SECONDS}, an hour)
  --json            print the prediction and gate decision as JSON
  -h, --help        show this help
`;

/** Everything `vgac predict` accepts (node:util parseArgs options). */
export const options = {
  bundle: { type: 'string' },
  cluster: { type: 'string' },
  job: { type: 'string' },
  within: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
