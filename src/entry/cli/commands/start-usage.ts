/** What `vgac start --help` and `vgac --help` show without loading the command (start.ts): its summary, help and options. */
import { DEFAULT_SIMULATION_SPEED } from '../../local/simulation-speed.ts';

export const summary =
  'Run everything locally: embedded storage, API, Slack route, dashboard and a live two-cluster simulation';

/** The log file in the data directory (unless --verbose). */
export const LOG_FILE = 'vgac.log';

export const help = `usage: vgac start [--speed N] [--port P] [--data-dir D] [--no-sim] [--verbose]

Starts the system on this machine with embedded defaults: dynalite and s3rver (persisted under
the data directory), the HTTP API, the Slack route, the AgentCore endpoint (/ping, /invocations)
and the dashboard on one port, and a simulation that replays the reference traces as two live
clusters (eks-prod, slurm-hpc) at an accelerated clock. Ctrl-C stops; starting again continues.

options:
  --speed N       trace seconds per wall second (default ${DEFAULT_SIMULATION_SPEED})
  --port P        HTTP port (default VGAC_HTTP_PORT or 8080; 0 picks a free port;
                  a taken port falls back to a free one, with a message)
  --data-dir D    where storage, secrets and the log live (default VGAC_DATA_DIR or .vgac)
  --no-sim        serve the API and dashboard without the replay
  --verbose       structured logs on stdout instead of <data-dir>/${LOG_FILE}
  --collector slurm
                  also capture from a live Slurm (slurmrestd with VGAC_SLURMRESTD_URL,
                  VGAC_SLURM_USER, VGAC_SLURM_JWT; else squeue/scontrol with SLURM_CONF),
                  registered as VGAC_SLURM_CLUSTER_ID from a KTH prior, polled every
                  VGAC_COLLECT_INTERVAL_MS (also on with VGAC_COLLECTOR=slurmrestd|slurm-cli);
                  the agents act (as the gate allows) through the same source: slurmrestd's
                  job update, or scontrol
  -h, --help      show this help

The reference data is read from VGAC_SHARED_DATA, else ../shared/data beside the repository.
`;

/** Everything `vgac start` accepts (node:util parseArgs options). */
export const options = {
  speed: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'no-sim': { type: 'boolean' },
  verbose: { type: 'boolean' },
  collector: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
