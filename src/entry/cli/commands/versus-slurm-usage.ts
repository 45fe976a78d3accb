/** What `vgac versus-slurm --help` and `vgac --help` show without loading the command (versus-slurm.ts): its summary, help and options. */
export const summary = "Compare our wait estimates with Slurm's `squeue --start` on a live Slurm";

/** The reference data file the workload is drawn from by default (in VGAC_SHARED_DATA, else ../shared/data). */
export const DEFAULT_VERSUS_TRACE = 'KTH-SP2-1996-2.1-cln.swf';
export const VERSUS_DEFAULTS = Object.freeze({
  durationSeconds: 240,
  targetLoad: 0.8,
  timeScale: 60,
  maxLimitMinutes: 2,
  seed: 42,
  trainRows: 4000,
  warmUp: 10,
});

export const help = `usage: vgac versus-slurm [options]

Needs a running Slurm reachable by the client commands, e.g.
  BASE=/tmp/vgac-versus FAKE_GPUS=16 FAKE_CPUS=32 REST=0 bash test/support/slurm/start-slurm.sh
  export SLURM_CONF=/tmp/vgac-versus/etc/slurm.conf
(give the node at least as many CPUs as GPUs: every job takes one CPU). Submits GPU jobs
(sbatch --gres=gpu:N --wrap 'sleep S') drawn from a trace, at an offered load
  load = sum(gpus x run seconds) / (cluster GPUs x duration)
below 1 so the queue drains. Registers a fresh cluster from a prior trained on the trace, predicts
every job through the learning loop at its submit instant, records each start as an outcome as it
happens, and learns the wait estimate and interval online from those outcomes. Waits until every
job started (or the settle limit: jobs still pending then are reported as censored with their
lower-bound wait, and cancelled) and prints the comparison on the jobs after the warm-up.

options:
  --duration SECONDS     spread of the submissions (default ${VERSUS_DEFAULTS.durationSeconds})
  --load RHO             offered load aimed at; the job count follows (default ${VERSUS_DEFAULTS.targetLoad})
  --jobs N               take exactly N jobs instead (the offered load is printed)
  --warm-up N            first N jobs seed the online estimate and are not compared (default ${VERSUS_DEFAULTS.warmUp})
  --settle SECONDS       wait at most this long after the last submission (default: the work
                         at the time limits drained by the whole cluster, plus one limit)
  --trace FILE           SWF trace for sizes, limits and run/requested ratios (default ${DEFAULT_VERSUS_TRACE} from the
                         reference data: VGAC_SHARED_DATA, else ../shared/data)
  --time-scale K         trace seconds per live second for the limits (default ${VERSUS_DEFAULTS.timeScale})
  --max-limit MINUTES    cap on time limits (default ${VERSUS_DEFAULTS.maxLimitMinutes})
  --partition NAME       partition (default: Slurm's default)
  --details FILE         also write one JSON line per job (spec, estimates, realised wait)
  --json                 print the comparison (and every job) as JSON instead of the tables; the
                         opening line goes to stderr
  --seed N               workload and training seed (default ${VERSUS_DEFAULTS.seed})
  -h, --help
`;

/** Everything `vgac versus-slurm` accepts (node:util parseArgs options). */
export const options = {
  jobs: { type: 'string' },
  duration: { type: 'string' },
  load: { type: 'string' },
  'warm-up': { type: 'string' },
  settle: { type: 'string' },
  details: { type: 'string' },
  trace: { type: 'string' },
  'time-scale': { type: 'string' },
  'max-limit': { type: 'string' },
  partition: { type: 'string' },
  seed: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;
