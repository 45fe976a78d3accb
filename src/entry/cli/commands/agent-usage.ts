/** What `vgac agent --help` and `vgac --help` show without loading the command (agent.ts): its summary, help and options. */
export const summary = 'Capture Slurm submissions and starts on a login node and push them to the deployed API';

/** Seconds between two listings when --interval is not given (the local capture's period). */
export const DEFAULT_AGENT_INTERVAL_SECONDS = 5;
/** The shortest --interval, seconds (squeue and scontrol load slurmctld). */
export const MIN_AGENT_INTERVAL_SECONDS = 0.5;

export const help = `usage: vgac agent --push URL [--cluster ID] [--interval SECONDS] [--spool DIR] [--api-key-file FILE]

Runs on a login node (where squeue and scontrol work) until stopped (SIGINT, SIGTERM): every
--interval seconds it lists the queue (squeue --json, or scontrol show job) and the GPU nodes
(scontrol show node), and turns what changed into transitions — a job submitted, with its queue's
features at the submit instant; a job started; a job gone without starting. Each transition is
written to the spool on disk first, then pushed outbound to the API as one batch per interval
(POST URL/api/clusters/ID/events, the API key in x-api-key). An event leaves the spool only once
the API acknowledged it: while the API or the network is down, transitions accumulate there with
their Slurm times, and are delivered when it is back (retries with back-off); a restart replays
the spool. The API applies each transition once, however often it arrives: a submit becomes a
stored prediction, a start its outcome. Register the cluster first (vgac onboard --cluster ID).
Jobs already queued when the agent starts are not predicted (their submit-time queue was not seen).
At most once a minute (or every --interval, when longer) it also sends its latest listing — the
pending and running jobs with partition, state, reason, priority and request, and the partitions
(scontrol show partition) — to PUT URL/api/clusters/ID/queue-state, at most 200 KB (the
lowest-priority pending jobs left out beyond that), so questions about a job ("why is 12345
pending?") get its pending reason, rank and alternatives from the API.
Logs JSON lines on stdout (VGAC_LOG_LEVEL).

options:
  --push URL             base URL of the deployed API (the stack's ApiUrl output), required;
                         https, or http to a loopback address
  --cluster ID           the cluster's id in vgac (default VGAC_SLURM_CLUSTER_ID, else 'slurm')
  --interval SECONDS     seconds between listings (default ${DEFAULT_AGENT_INTERVAL_SECONDS}, at least ${MIN_AGENT_INTERVAL_SECONDS})
  --spool DIR            the spool directory, one agent per directory (default
                         $XDG_STATE_HOME/vgac/agent/ID, else ~/.local/state/vgac/agent/ID)
  --api-key-file FILE    file holding the API key (first line; keep it mode 0600); default
                         VGAC_API_KEY; neither: no key is sent
  --job-source SOURCE    squeue-json (Slurm 21.08 or later, default) or scontrol
  -h, --help             show this help
`;

/** Everything `vgac agent` accepts (node:util parseArgs options). */
export const options = {
  push: { type: 'string' },
  cluster: { type: 'string' },
  interval: { type: 'string' },
  spool: { type: 'string' },
  'api-key-file': { type: 'string' },
  'job-source': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
