/** What `vgac versus-slurm --help` and `vgac --help` show without loading the command (versus-slurm.ts): its summary, help and options. */
export const summary = "Compare our wait forecasts with Slurm's `squeue --start` on a live Slurm";

/** The reference data file the workload is drawn from by default (in VGAC_SHARED_DATA, else ../shared/data). */
export const DEFAULT_VERSUS_TRACE = 'KTH-SP2-1996-2.1-cln.swf';

/** The workloads `--workload` chooses between. */
export const VersusWorkloadKind = { bursts: 'bursts', trace: 'trace' } as const;
export type VersusWorkloadKind = (typeof VersusWorkloadKind)[keyof typeof VersusWorkloadKind];

export const VERSUS_DEFAULTS = Object.freeze({
  workload: VersusWorkloadKind.bursts,
  /** bursts: three bursts, each asking for three times the cluster's GPUs; limits up to 4 min. */
  bursts: 3,
  overload: 3,
  burstMaxLimitMinutes: 4,
  /** trace: arrivals over 240 s at offered load 0.8; limits up to 2 min. */
  durationSeconds: 240,
  targetLoad: 0.8,
  maxLimitMinutes: 2,
  timeScale: 60,
  seed: 42,
  trainRows: 4000,
  warmUp: 10,
});

/** What `--quick` changes (bursts only): two bursts of twice the cluster's GPUs, 1-minute limits. */
export const VERSUS_QUICK = Object.freeze({ bursts: 2, overload: 2, maxLimitMinutes: 1 });

export const help = `usage: vgac versus-slurm [options]

Needs a running Slurm reachable by the client commands, e.g.
  BASE=/tmp/vgac-versus FAKE_GPUS=16 FAKE_CPUS=32 REST=0 bash test/support/slurm/start-slurm.sh
  export SLURM_CONF=/tmp/vgac-versus/etc/slurm.conf
(give the node at least as many CPUs as GPUs: every job takes one CPU). Submits GPU jobs
(sbatch --gres=gpu:N --wrap 'sleep S') with sizes, time limits (÷ --time-scale, capped) and
run/limit ratios from a trace. Registers a fresh cluster from a prior trained on the trace,
predicts every job through the product's learning loop at its submit instant (the forecast the
API would issue: its wait distribution and estimated wait), records each start as an outcome as
it happens, and takes Slurm's estimate from its first look at each job: squeue --start, asked
every 0.2 s from the submission until it gives a start time or no longer lists the job (it
started), for at most 3 s (then N/A). Waits until every job started (or the settle limit: jobs
still pending then are reported as censored with their lower-bound wait, and cancelled), then
judges both on the jobs after the warm-up with the replay's metrics (pinball loss over levels
0.1…0.9, coverage of the 80 % interval, its median width, within a factor 2 or 60 s, ECE of
P(start within 15 min, 1 h, 4 h); Slurm's estimate is a point: only the last applies) and the
points' mean absolute error, for all jobs and for the queued ones (still pending at Slurm's first
look).

Workloads (--workload):
  bursts (default)  --bursts bursts, each submitted at once and asking for at least --overload
                    times the cluster's GPUs (consecutive trace jobs until their GPUs reach
                    that); the next burst comes when the cluster, fully packed, would have run
                    the previous one's work (offered load 1, all of it in bursts), so the jobs
                    that queue wait about (overload − 1) run times: minutes
  trace             the trace's own arrivals rescaled to --duration at offered load --load
                    (sum(gpus x run seconds) / (cluster GPUs x duration)) below 1: the queue
                    drains and few jobs wait

options:
  --workload KIND        bursts or trace (default ${VERSUS_DEFAULTS.workload})
  --bursts N             bursts: how many (default ${VERSUS_DEFAULTS.bursts})
  --overload X           bursts: GPUs each burst asks for, in cluster GPUs, > 1 (default ${VERSUS_DEFAULTS.overload})
  --quick                bursts: ${VERSUS_QUICK.bursts} bursts of ${VERSUS_QUICK.overload}× with ${VERSUS_QUICK.maxLimitMinutes}-minute limits (a few minutes in all)
  --max-run SECONDS      cap on every job's run time (default: its limit only)
  --duration SECONDS     trace: spread of the submissions (default ${VERSUS_DEFAULTS.durationSeconds})
  --load RHO             trace: offered load aimed at; the job count follows (default ${VERSUS_DEFAULTS.targetLoad})
  --jobs N               trace: take exactly N jobs instead (the offered load is printed)
  --warm-up N            the first N jobs are not compared (default ${VERSUS_DEFAULTS.warmUp})
  --settle SECONDS       wait at most this long after the last submission (default: the work
                         at the time limits drained by the whole cluster, plus one limit)
  --trace FILE           SWF trace for sizes, limits and run/requested ratios (default ${DEFAULT_VERSUS_TRACE} from the
                         reference data: VGAC_SHARED_DATA, else ../shared/data)
  --time-scale K         trace seconds per live second for the limits (default ${VERSUS_DEFAULTS.timeScale})
  --max-limit MINUTES    cap on time limits (default ${VERSUS_DEFAULTS.burstMaxLimitMinutes} for bursts, ${VERSUS_DEFAULTS.maxLimitMinutes} for trace)
  --partition NAME       partition (default: Slurm's default)
  --details FILE         also write one JSON line per job (spec, forecasts, realised wait)
  --json                 print the report (and every job) as JSON on stdout instead of the tables;
                         the opening line goes to stderr
  --out FILE             also write the report as JSON to FILE
  --seed N               workload and training seed (default ${VERSUS_DEFAULTS.seed})
  -h, --help

Progress (jobs submitted, started) shows on stderr when it is a terminal.
`;

/** Everything `vgac versus-slurm` accepts (node:util parseArgs options). */
export const options = {
  workload: { type: 'string' },
  bursts: { type: 'string' },
  overload: { type: 'string' },
  quick: { type: 'boolean' },
  'max-run': { type: 'string' },
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
  out: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;
