/** What `vgac onboard --help` and `vgac --help` show without loading the command (onboard.ts): its summary, help and options. */
import type { ClusterProfile } from '../../../app/records/cluster-profile.ts';

export const summary = 'Register a cluster from its own scheduler history (or a bundle), ready for the collector';

/** Rows of history the prior is trained on at most (a random subsample beyond that). */
export const ONBOARD_DEFAULT_ROWS = 20_000;
export const PLATFORMS: readonly ClusterProfile['platform'][] = ['slurm', 'kubernetes', 'batch', 'swf', 'other'];

export const help = `usage: vgac onboard --cluster ID --trace FILE [--format swf|alibaba-gpu|sacct] [--gpus N] [options]
       vgac onboard --cluster ID --prior BUNDLE.json [options]
       vgac onboard --cluster ID --vgac-platform --long-wait-seconds N [options]

Registers a cluster in the configured store (VGAC_DATA_DIR's embedded one, or DynamoDB and S3
with VGAC_MODE=aws) so the collector predicts its jobs at submit and records their outcomes. Its
prior is trained on the cluster's own history: the log is replayed to the queue state each job
saw at its submit instant, in the features the live collector computes (pending jobs and GPUs
ahead, GPUs in use, the job's GPUs and time limit), labelled "wait above the history's P90".
The cluster starts in learning mode and earns autonomy from its own outcomes. Registering an
existing cluster changes nothing.

For a Slurm cluster, export its history with
  sacct --allusers --parsable2 --starttime now-90days \\
    --format=JobID,Submit,Start,End,State,Partition,ReqCPUS,ReqMem,ReqTRES,Timelimit,User,QOS > history.txt

options:
  --cluster ID          the cluster id (as the collector and API will name it; VGAC_SLURM_CLUSTER_ID for the collector)
  --trace FILE          the scheduler log to train the prior on
  --format F            swf, alibaba-gpu or sacct (default: detected from the file)
  --gpus N              the live cluster's GPUs, to map a log without GPU requests (SWF processors) onto it
  --rows N              train on at most N jobs of the log (default ${ONBOARD_DEFAULT_ROWS})
  --prior BUNDLE.json   register with this bundle instead (from vgac train)
  --vgac-platform       the cluster's predictions wrap a VGAC platform API (VGAC_COLLECTOR=vgac-api,
                        VGAC_PLATFORM_URL, VGAC_PLATFORM_CLUSTERS): its prior passes the platform's
                        P(long wait) through, and the gate measures and recalibrates it on the
                        cluster's own outcomes
  --long-wait-seconds N with --vgac-platform: the cluster's long-wait threshold (its P90 wait)
  --platform P          ${PLATFORMS.join(', ')} (default slurm)
  --json                print what was registered (or found) as JSON
  -h, --help            show this help
`;

export const options = {
  cluster: { type: 'string' },
  trace: { type: 'string' },
  format: { type: 'string' },
  gpus: { type: 'string' },
  rows: { type: 'string' },
  prior: { type: 'string' },
  'vgac-platform': { type: 'boolean' },
  'long-wait-seconds': { type: 'string' },
  platform: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
