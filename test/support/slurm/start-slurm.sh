#!/usr/bin/env bash
# Start a single-node Slurm 22.05 cluster (Debian 12 packages) on loopback with fake GPUs, for
# tests and `vgac versus-slurm`. Adapted from /work/shared/recipes/slurm/start-slurm.sh so that
# several clusters can run side by side (one per test file): everything, the configuration
# included, lives under $BASE — nothing is written to /etc/slurm — and every port is a knob.
# Clients reach the cluster through SLURM_CONF=$BASE/etc/slurm.conf (written to $BASE/env.sh).
# No systemd needed: munged, slurmctld and slurmd daemonize themselves and write pid files;
# slurmrestd is backgrounded and its PID recorded.
#
# Env knobs:
#   BASE=/tmp/slurm-local   runtime dir: config, state, spool, logs, pids, munge socket, fake /dev nodes
#   FAKE_GPUS=4             fake GPUs on the node (char-device clones of /dev/null in $BASE/fakedev)
#   FAKE_CPUS=$(nproc)      CPUs advertised (may exceed the real count; SlurmdParameters=config_overrides)
#   MIN_JOB_AGE=300         seconds a finished job stays visible to squeue/scontrol/slurmrestd
#   CTLD_PORT=6817 SLURMD_PORT=6818
#   REST=1                  also start slurmrestd (JWT auth) on 127.0.0.1:$REST_PORT
#   REST_PORT=6820
#   NODE_NAME=$(hostname -s) the node's Slurm name (distinct names let clusters coexist)
#   PARTITIONS="gpu"        space-separated partition names (the first is the default), all on the one node
#   INSTALL=1               apt-get install the packages if they are missing
# After start: source $BASE/env.sh for SLURM_CONF / SLURMRESTD_URL / SLURM_JWT (root token, 24h).
set -euo pipefail

BASE=${BASE:-/tmp/slurm-local}
FAKE_GPUS=${FAKE_GPUS:-4}
FAKE_CPUS=${FAKE_CPUS:-$(nproc)}
MIN_JOB_AGE=${MIN_JOB_AGE:-300}
CTLD_PORT=${CTLD_PORT:-6817}
SLURMD_PORT=${SLURMD_PORT:-6818}
REST=${REST:-1}
REST_PORT=${REST_PORT:-6820}
H=$(hostname -s)
NODE_NAME=${NODE_NAME:-$H}
PARTITIONS=${PARTITIONS:-gpu}
INSTALL=${INSTALL:-1}
PKGS="slurmctld slurmd slurm-client slurmrestd slurm-wlm-jwt-plugin munge"
T0=${EPOCHREALTIME/./}

log() { local t=$(( ${EPOCHREALTIME/./} - T0 )); printf '[start-slurm %d.%02ds] %s\n' $((t / 1000000)) $((t % 1000000 / 10000)) "$*"; }
alive() {  # pid file -> process exists and is not a zombie
  local st; st=$(ps -o stat= -p "$(cat "$1" 2>/dev/null)" 2>/dev/null) && [ "${st:0:1}" != Z ]; }
# A daemon rewrites its pid file once it has forked: only call it dead when it stays dead for 2 s.
dead_for_2s() { local i; for i in $(seq 20); do alive "$1" && return 1; sleep 0.1; done; return 0; }
fail() { echo "start-slurm: $*" >&2; tail -n 20 "$BASE"/log/*.log >&2 2>/dev/null; exit 1; }

# ---- packages ----
if ! dpkg -s $PKGS >/dev/null 2>&1; then
  [ "$INSTALL" = 1 ] || fail "missing packages; apt-get install -y $PKGS"
  log "installing $PKGS"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq $PKGS >/dev/null   # postinst can't start services here (policy-rc.d); that's fine
  log "installed"
fi

# ---- refuse to start twice ----
for p in "$BASE/run/munge/munged.pid" "$BASE/run/slurmctld.pid" "$BASE/run/slurmd.pid" "$BASE/run/slurmrestd.pid"; do
  alive "$p" && fail "already running ($p); run stop-slurm.sh first"
done

rm -rf "$BASE/etc" "$BASE/run" "$BASE/state" "$BASE/spool" "$BASE/log" "$BASE/fakedev" "$BASE/env.sh"
mkdir -p "$BASE/etc" "$BASE/run/munge" "$BASE/state" "$BASE/spool" "$BASE/log" "$BASE/fakedev"
chmod 0755 "$BASE" "$BASE/etc"
chown munge:munge "$BASE/run/munge"; chmod 0755 "$BASE/run/munge"
export SLURM_CONF="$BASE/etc/slurm.conf"

# ---- munge: socket/pid/log/seed under $BASE instead of /run/munge, /var/... ----
if [ ! -s /etc/munge/munge.key ]; then
  install -d -o munge -g munge -m 0700 /etc/munge
  runuser -u munge -- mungekey --create --keyfile=/etc/munge/munge.key
fi
MSOCK="$BASE/run/munge/munge.socket.2"
runuser -u munge -- munged \
  --socket="$MSOCK" --pid-file="$BASE/run/munge/munged.pid" \
  --log-file="$BASE/run/munge/munged.log" --seed-file="$BASE/run/munge/munged.seed"
munge -S "$MSOCK" -n | unmunge -S "$MSOCK" >/dev/null || fail "munge round-trip failed"
log "munged up (pid $(cat "$BASE/run/munge/munged.pid"))"

# ---- fake GPUs: gres/gpu in 22.05 drops File-less GPUs ("Removing file-less GPU") and
#      rejects regular files ("is not a valid character or block device"), so mknod /dev/null clones ----
for ((i = 0; i < FAKE_GPUS; i++)); do mknod -m 666 "$BASE/fakedev/nvidia$i" c 1 3; done

# ---- JWT key (slurmrestd over TCP authenticates with tokens from `scontrol token`) ----
dd if=/dev/urandom of="$BASE/state/jwt_hs256.key" bs=32 count=1 status=none
chmod 0600 "$BASE/state/jwt_hs256.key"

# ---- config ----
read -r SOCKETS CORES THREADS < <(slurmd -C | head -1 |
  sed -E 's/.*SocketsPerBoard=([0-9]+) CoresPerSocket=([0-9]+) ThreadsPerCore=([0-9]+).*/\1 \2 \3/')
if [ "$FAKE_CPUS" != "$((SOCKETS * CORES * THREADS))" ]; then SOCKETS=1; CORES=$FAKE_CPUS; THREADS=1; fi

cat > "$SLURM_CONF" <<EOF
ClusterName=vgac$CTLD_PORT
SlurmctldHost=$H(127.0.0.1)
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$MSOCK
AuthAltTypes=auth/jwt
AuthAltParameters=jwt_key=$BASE/state/jwt_hs256.key
SlurmctldPort=$CTLD_PORT
SlurmdPort=$SLURMD_PORT
StateSaveLocation=$BASE/state
SlurmdSpoolDir=$BASE/spool
SlurmctldPidFile=$BASE/run/slurmctld.pid
SlurmdPidFile=$BASE/run/slurmd.pid
SlurmctldLogFile=$BASE/log/slurmctld.log
SlurmdLogFile=$BASE/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
SwitchType=switch/none
MpiDefault=none
SchedulerType=sched/backfill
SchedulerParameters=bf_interval=1,sched_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
GresTypes=gpu
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$BASE/log/jobcomp.txt
MailProg=/bin/true
ReturnToService=2
MinJobAge=$MIN_JOB_AGE
SlurmdParameters=config_overrides
NodeName=$NODE_NAME NodeHostname=$H NodeAddr=127.0.0.1 Port=$SLURMD_PORT Sockets=$SOCKETS CoresPerSocket=$CORES ThreadsPerCore=$THREADS RealMemory=1000 Gres=gpu:$FAKE_GPUS State=UNKNOWN
EOF
default=YES
for partition in $PARTITIONS; do
  echo "PartitionName=$partition Nodes=$NODE_NAME Default=$default MaxTime=INFINITE State=UP" >> "$SLURM_CONF"
  default=NO
done
cat > "$BASE/etc/gres.conf" <<EOF
AutoDetect=off
NodeName=$NODE_NAME Name=gpu File=$BASE/fakedev/nvidia[0-$((FAKE_GPUS - 1))]
EOF
chmod 0644 "$SLURM_CONF" "$BASE/etc/gres.conf"

# ---- slurmctld / slurmd (self-daemonizing, pid files from slurm.conf) ----
slurmctld -i
deadline=$((SECONDS + 20))
until timeout 3 scontrol ping 2>/dev/null | grep -q 'is UP'; do
  dead_for_2s "$BASE/run/slurmctld.pid" && fail "slurmctld died"
  [ $SECONDS -lt $deadline ] || fail "slurmctld not answering after 20s"
  sleep 0.1
done
log "slurmctld up (pid $(cat "$BASE/run/slurmctld.pid")) on port $CTLD_PORT"

slurmd -N "$NODE_NAME"
deadline=$((SECONDS + 20))
until [ "$(timeout 3 sinfo -h -n "$NODE_NAME" -o %t 2>/dev/null | head -1)" = idle ]; do
  dead_for_2s "$BASE/run/slurmd.pid" && fail "slurmd died"
  [ $SECONDS -lt $deadline ] || { scontrol show node "$NODE_NAME" >&2; fail "node not idle after 20s"; }
  sleep 0.1
done
log "slurmd up (pid $(cat "$BASE/run/slurmd.pid")); node $NODE_NAME idle"

# ---- slurmrestd: refuses to run as root; SLURM_JWT=daemon makes it forward the caller's token ----
if [ "$REST" = 1 ]; then
  SLURM_JWT=daemon setsid setpriv --reuid=nobody --regid=nogroup --clear-groups \
    slurmrestd -a rest_auth/jwt -s openapi/v0.0.38 "127.0.0.1:$REST_PORT" \
    </dev/null >"$BASE/log/slurmrestd.log" 2>&1 &
  echo $! > "$BASE/run/slurmrestd.pid"
  TOKEN=$(scontrol token username=root lifespan=86400 | sed 's/^SLURM_JWT=//')
  deadline=$((SECONDS + 20))
  until curl -sf -m 2 -H "X-SLURM-USER-NAME: root" -H "X-SLURM-USER-TOKEN: $TOKEN" \
        "http://127.0.0.1:$REST_PORT/slurm/v0.0.38/ping" 2>/dev/null | grep -q '"UP"'; do
    dead_for_2s "$BASE/run/slurmrestd.pid" && fail "slurmrestd died"
    [ $SECONDS -lt $deadline ] || fail "slurmrestd not answering after 20s"
    sleep 0.1
  done
  [ "$(ps -o comm= -p "$(cat "$BASE/run/slurmrestd.pid")")" = slurmrestd ] || fail "slurmrestd pid file wrong"
fi
{
  echo "export SLURM_CONF=$SLURM_CONF"
  if [ "$REST" = 1 ]; then
    echo "export SLURMRESTD_URL=http://127.0.0.1:$REST_PORT"
    echo "export SLURM_JWT=$TOKEN"
  fi
} > "$BASE/env.sh"
[ "$REST" = 1 ] && log "slurmrestd up (pid $(cat "$BASE/run/slurmrestd.pid")) on 127.0.0.1:$REST_PORT; token in $BASE/env.sh"
log "cluster ready"
sinfo -o '%P %a %D %t %N %c %G'
