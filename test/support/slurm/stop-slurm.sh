#!/usr/bin/env bash
# Stop the cluster started by start-slurm.sh under $BASE. Signals only the PIDs in its pid files.
set -uo pipefail
BASE=${BASE:-/tmp/slurm-local}
export SLURM_CONF="$BASE/etc/slurm.conf"

pid_alive() { local st; st=$(ps -o stat= -p "$1" 2>/dev/null) && [ "${st:0:1}" != Z ]; }  # zombie = dead
alive() { [ -s "$1" ] && pid_alive "$(cat "$1")"; }

# Cancel jobs first so no slurmstepd / job processes outlive slurmd.
if alive "$BASE/run/slurmctld.pid"; then
  jobs=$(timeout 3 squeue -h -o %i 2>/dev/null)
  if [ -n "$jobs" ]; then
    timeout 5 scancel $jobs 2>/dev/null
    for _ in $(seq 100); do
      [ -z "$(timeout 3 squeue -h -t R,CG,CF,S -o %i 2>/dev/null)" ] && break; sleep 0.1
    done
  fi
fi

rc=0
stop() {  # $1 = pid file
  local pf=$1 pid name
  alive "$pf" || return 0
  pid=$(cat "$pf"); name=$(basename "$pf" .pid)
  kill -TERM "$pid"
  for _ in $(seq 100); do pid_alive "$pid" || { echo "stopped $name ($pid)"; return 0; }; sleep 0.1; done
  echo "$name ($pid) ignored SIGTERM for 10s, sending SIGKILL" >&2; kill -KILL "$pid"; rc=1
}
stop "$BASE/run/slurmrestd.pid"
stop "$BASE/run/slurmd.pid"
stop "$BASE/run/slurmctld.pid"
stop "$BASE/run/munge/munged.pid"
exit $rc
