#!/bin/bash
# Runs a real Slurm job array of MATER quick-preset training jobs on a single-node Slurm on this machine
# and merges the results with 'mater experiment report'. Needs root and Debian's slurm-wlm
# (apt-get install -y slurm-wlm). Everything Slurm writes (state, spool, pid and log files, slurm.conf)
# lives in a temporary folder; the daemons it starts are stopped at the end.
#
#   mater/src/test/slurm/run-array.sh [path/to/mater-engine.jar]
#
# Steps: munged (if not running) -> slurmctld + slurmd with a slurm.conf that names this host with its
# CPU count and memory -> 'mater experiment layer-entropy --emit slurm' (2 rows x 2 folds = 4 array tasks,
# 1 CPU each, so two run at a time on 2 cores) -> sbatch --wait -> 'mater experiment report' -> checks
# that the 4 fold results and the report exist.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
REPO=$(cd "$HERE/../../../.." && pwd)
JAR=${1:-$REPO/mater/target/mater-engine.jar}
JAVA=${JAVA:-${JAVA_HOME:-/usr/lib/jvm/temurin-25-jdk-amd64}/bin/java}
[ -f "$JAR" ] || { echo "no jar at $JAR (build with: mvn -pl mater -am package -DskipTests)"; exit 2; }
for b in munged slurmctld slurmd sbatch squeue; do command -v $b >/dev/null || { echo "missing $b: apt-get install -y slurm-wlm"; exit 2; }; done
[ "$(id -u)" = 0 ] || { echo "run as root (slurmd needs it)"; exit 2; }

TMP=$(mktemp -d /tmp/mater-slurm.XXXXXX)
HOST=$(hostname -s)
CPUS=$(nproc)
MEM=$(awk '/MemTotal/ {print int($2 / 1024) - 512}' /proc/meminfo)
mkdir -p "$TMP"/{state,spool,log,out}
cat > "$TMP/slurm.conf" <<CONF
ClusterName=mater-test
SlurmctldHost=$HOST
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU_Memory
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
SlurmctldPort=16817
SlurmdPort=16818
StateSaveLocation=$TMP/state
SlurmdSpoolDir=$TMP/spool
SlurmctldPidFile=$TMP/slurmctld.pid
SlurmdPidFile=$TMP/slurmd.pid
SlurmctldLogFile=$TMP/log/slurmctld.log
SlurmdLogFile=$TMP/log/slurmd.log
JobCompType=jobcomp/none
AccountingStorageType=accounting_storage/none
NodeName=$HOST CPUs=$CPUS RealMemory=$MEM State=UNKNOWN
PartitionName=debug Nodes=$HOST Default=YES MaxTime=INFINITE State=UP
CONF
export SLURM_CONF=$TMP/slurm.conf

STARTED_MUNGE=0
if ! pgrep -x munged >/dev/null; then
  [ -f /etc/munge/munge.key ] || mungekey -c
  mkdir -p /run/munge && chown munge:munge /run/munge 2>/dev/null || true
  su -s /bin/sh munge -c munged 2>/dev/null || munged --force
  STARTED_MUNGE=1
fi
slurmctld -f "$SLURM_CONF"
slurmd -f "$SLURM_CONF"
cleanup() {
  [ -f "$TMP/slurmd.pid" ] && kill "$(cat "$TMP/slurmd.pid")" 2>/dev/null || true
  [ -f "$TMP/slurmctld.pid" ] && kill "$(cat "$TMP/slurmctld.pid")" 2>/dev/null || true
  echo "slurm logs and outputs kept in $TMP"
}
trap cleanup EXIT
for i in $(seq 1 30); do
  sinfo -h -o "%t" 2>/dev/null | grep -qE "idle|mix" && break
  sleep 1
done
sinfo

OUT=$TMP/out
"$JAVA" -jar "$JAR" experiment layer-entropy --preset quick --synthetic ravdess --folds 2 --epochs 2 --ff 128 \
  --out "$OUT" --emit slurm "$OUT/slurm"
echo "--- jobs.txt"; cat "$OUT/slurm/jobs.txt"
START=$(date +%s)
sbatch --wait "$OUT/slurm/array.sbatch" &
SB=$!
MAXRUN=0
while kill -0 $SB 2>/dev/null; do
  R=$(squeue -h -t R | wc -l); [ "$R" -gt "$MAXRUN" ] && MAXRUN=$R
  sleep 2
done
wait $SB
echo "array finished in $(( $(date +%s) - START )) s; at most $MAXRUN tasks ran at once"
sacct >/dev/null 2>&1 || true
for f in "$OUT"/slurm/logs/task-*.out; do echo "--- $f"; grep -v WARNING "$f" | tail -3; done
"$JAVA" -jar "$JAR" experiment report "$OUT" --quiet
n=$(find "$OUT/train" -name result.json | wc -l)
[ "$n" = 4 ] || { echo "FAIL: expected 4 fold results, found $n"; exit 1; }
[ -f "$OUT/report/layer-entropy.png" ] && [ -f "$OUT/report/layer-entropy.csv" ] || { echo "FAIL: no layer-entropy figure"; exit 1; }
cat "$OUT/report/layer-entropy.md"
echo "OK: 4 Slurm array tasks merged by 'experiment report'"
