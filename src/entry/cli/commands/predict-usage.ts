/** What `vgac predict --help` and `vgac --help` show without loading the command (predict.ts): its summary, help and options. */
export const summary = 'Score one job with a bundle: P(long wait), wait estimate + interval, gate scope and tier';

export const help = `usage: vgac predict --bundle BUNDLE --job JSON [--json]

Scores one job. --job is a JSON object with every feature the bundle needs, e.g.
  --job '{"pending_ratio":0.3,"queue_depth_norm":4,"fragmentation_score":0.2,"congestion_score":0.4,
          "pending_gpus":3,"total_pending":2,"running_gpus":2,"gpu_nodes_alloc":1,"gpu_nodes_total":2}'
Categorical features (job_type) are strings; an unseen value is allowed (it encodes as all zeros).

A live cluster's action scope comes from its own outcome window; a bare bundle has none, so the
scope printed here is learning mode (escalate only). The tier line shows what the bundle's
cross-validated ECE would allow for this probability once a cluster's outcomes confirm that ECE.

options:
  --bundle BUNDLE   bundle JSON written by \`vgac train\`
  --job JSON        the job's features
  --json            print the prediction and gate decision as JSON
  -h, --help        show this help
`;

/** Everything `vgac predict` accepts (node:util parseArgs options). */
export const options = {
  bundle: { type: 'string' },
  job: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
