#!/usr/bin/env bash
# MATER benchmarks (./mater.sh bench execs this): builds the JMH jar, runs each benchmark beside its reference
# (numpy/OpenBLAS through the pyenv python3 when numpy imports) in the same run, and prints one table.
#   bench/run.sh                all groups, full length (about half an hour on 2 cores)
#   bench/run.sh --quick        fewer shapes, shorter iterations (a few minutes)
#   bench/run.sh gemm [--quick] one group (gemm, kernel, mater)
# Results (JMH JSON, reference JSON lines, the table) go to bench/target/results/; the table also goes to
# bench/results.md as Markdown (for the README's "Performance" section).
# Adding a benchmark: write a JMH class with a `flops` @AuxCounters counter (see GemmBench), a function
# run_<group> below that runs it (run_jmh) and its reference (lines {"label","threads","gflops"} appended to
# $out/ref.jsonl; or {"label","threads","seconds","ref"} for a benchmark that reports a time), and add <group>
# to GROUPS_ALL.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/bench/target/results"
GROUPS_ALL=(gemm kernel mater)

die() { echo "bench: $*" >&2; exit 1; }

java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
  case "$v" in 1.*|"") echo 0 ;; *) echo "${v%%.*}" ;; esac
}

# A JDK >= 21 with javac: JAVA_HOME, then java on PATH, then /usr/lib/jvm/* (newest first); as mater.sh.
find_jdk() {
  local cands=() c home
  [ -n "${JAVA_HOME:-}" ] && cands+=("$JAVA_HOME/bin/java")
  c=$(command -v java 2>/dev/null || true)
  [ -n "$c" ] && cands+=("$(readlink -f "$c")")
  for c in $(ls -d /usr/lib/jvm/*/bin/java 2>/dev/null | sort -rV); do cands+=("$c"); done
  for c in "${cands[@]}"; do
    [ -x "$c" ] || continue
    home="$(cd "$(dirname "$c")/.." && pwd)"
    if [ "$(java_major "$c")" -ge 21 ] && [ -x "$home/bin/javac" ]; then echo "$home"; return 0; fi
  done
  return 1
}

JAVA_HOME="$(find_jdk)" || die "no JDK 21 or newer found (set JAVA_HOME)"
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"
command -v mvn >/dev/null || die "mvn not found (./mater.sh build fetches one; or apt-get install maven)"
PY="$(command -v python3 || true)"
[ -n "$PY" ] || die "python3 is needed to print the table"

quick=0
groups=()
for arg in "$@"; do
  case "$arg" in
    quick|--quick) quick=1 ;;
    gemm|kernel|mater) groups+=("$arg") ;;
    *) die "unknown argument '$arg' (groups: ${GROUPS_ALL[*]}; or quick)" ;;
  esac
done
[ ${#groups[@]} -eq 0 ] && groups=("${GROUPS_ALL[@]}")

echo "bench: building the bench jar with $JAVA_HOME" >&2
set +e
(cd "$root" && mvn -q -B -DskipTests -pl bench -am package) 2>&1 | grep -v -e 'sun\.misc\.Unsafe' -e '^WARNING: '
rc=${PIPESTATUS[0]}
set -e
[ "$rc" = 0 ] || die "build failed (mvn exit $rc)"
jar="$root/bench/target/mater-bench.jar"
[ -f "$jar" ] || die "build did not produce $jar"

# torch is the Debian PyTorch under /usr/bin/python3 (the pyenv python3 has numpy but no torch)
TORCH_PY=""
for c in /usr/bin/python3 "$PY"; do
  if [ -x "$c" ] && "$c" -c 'import torch' 2>/dev/null; then TORCH_PY="$c"; break; fi
done
have_numpy=0
if "$PY" -c 'import numpy' 2>/dev/null; then have_numpy=1; else echo "bench: numpy not importable by $PY; no reference column" >&2; fi

rm -rf "$out"
mkdir -p "$out"
: >"$out/ref.jsonl"
if [ $quick = 1 ]; then JMH_ITER=(-wi 2 -w 1 -i 3 -r 1 -f 1); REF_SECONDS=1.5; else JMH_ITER=(-wi 3 -w 1 -i 5 -r 1 -f 1); REF_SECONDS=4; fi
THREADS="1,2"
run_id=0

# run_jmh <benchmark regex> <jmh args...>: one JMH run, results into its own JSON file.
run_jmh() {
  local regex="$1"; shift
  run_id=$((run_id + 1))
  "$JAVA" -jar "$jar" "$regex" "${JMH_ITER[@]}" -foe true -rf json -rff "$out/jmh-$(printf %03d $run_id).json" "$@" \
    >"$out/jmh-$(printf %03d $run_id).log" 2>&1 || { tail -30 "$out/jmh-$(printf %03d $run_id).log" >&2; die "JMH failed"; }
}

ref_gemm() {
  "$PY" "$root/bench/numpy_gemm.py" --seconds "$REF_SECONDS" --threads ${THREADS//,/ } --shapes "$1" >>"$out/ref.jsonl"
}

# GEMM: square sizes, the Transformer's (M = 512 tokens, K and N in {512, 2048}) in the transposes that its
# forward (x W^T: NT) and backward (g W: NN, g^T x: TN) use, plus TT, and attention's batched per-head products.
run_gemm() {
  local shapes=()
  if [ $quick = 1 ]; then
    shapes=(512x512x512:NN 1024x1024x1024:NN 512x2048x512:NT 512x512x2048:TN 512x8x8x64:NT 512x8x64x8:NN)
  else
    shapes=(1024x1024x1024:NN 2048x2048x2048:NN) # 512x512x512:NN comes with the Transformer shapes below
    local s t
    for s in 512x512x512 512x2048x512 512x512x2048 512x2048x2048; do
      for t in NN NT TN TT; do shapes+=("$s:$t"); done
    done
    # attention's own products per (batch, head): Q K^T (NT), P V and dS K (NN), P^T g and dS^T Q (TN); then
    # the two transposes attention does not use (K = 8 in the first, N = 8 in the second)
    shapes+=(512x8x8x64:NT 512x8x64x8:NN 512x8x64x8:TN 512x16x16x64:NT 512x16x64x16:NN 512x16x64x16:TN)
    shapes+=(512x8x64x8:NT 512x8x8x64:NN)
  fi
  local shape
  for shape in "${shapes[@]}"; do
    echo "bench: gemm $shape" >&2
    # numpy before and after ours (report.py averages the two), so a drift in the host's speed hits both sides
    if [ $have_numpy = 1 ]; then ref_gemm "$shape"; fi
    run_jmh 'GemmBench\.gemm$' -p shape="$shape" -p threads="$THREADS"
    if [ $have_numpy = 1 ]; then ref_gemm "$shape"; fi
  done
}

# The GEMM micro-kernel alone (1 thread, no packing) beside the same loop compiled by gcc (bench/kernel_twin.c),
# before and after ours; then, as notes above the table, the C tile with 12 accumulators and the core's FMA-only
# peak. The twin is an AVX2 (256-bit) tile: on a machine with wider vectors the engine's tile differs, so no twin.
run_kernel() {
  echo "bench: kernel" >&2
  local cc
  cc=$(command -v gcc || command -v cc || true)
  if [ -z "$cc" ] || ! grep -qw fma /proc/cpuinfo || grep -qw avx512f /proc/cpuinfo; then
    echo "bench: no C compiler, or not an AVX2 machine: the kernel runs without its C twin" >&2
    run_jmh 'KernelBench'
    return
  fi
  "$cc" -O2 -mavx2 -mfma -DROWS=4 -DVECS=2 "$root/bench/kernel_twin.c" -o "$out/twin-4x16"
  "$cc" -O2 -mavx2 -mfma -DROWS=6 -DVECS=2 "$root/bench/kernel_twin.c" -o "$out/twin-6x16"
  "$cc" -O2 -mavx2 -mfma -DPEAK "$root/bench/kernel_twin.c" -o "$out/twin-peak"
  local twin='{"label": "kernel", "threads": 1, "gflops": %s, "ref": "C, same 4x16 tile"}\n'
  printf "$twin" "$("$out/twin-4x16" "$REF_SECONDS")" >>"$out/ref.jsonl"
  run_jmh 'KernelBench'
  printf "$twin" "$("$out/twin-4x16" "$REF_SECONDS")" >>"$out/ref.jsonl"
  echo "# C twin ($cc -O2): 6x16 tile (12 accumulators) $("$out/twin-6x16" "$REF_SECONDS") GFLOPS; FMA-only peak $("$out/twin-peak" "$REF_SECONDS") GFLOPS (1 thread)" >>"$out/header.txt"
}

# MATER training step (forward, loss, backward, Adam) and inference forward, paper configuration; torch beside.
run_mater() {
  echo "bench: mater step" >&2
  local saved=("${JMH_ITER[@]}")
  JMH_ITER=(-wi 2 -w 2 -i 5 -r 2 -f 1)
  [ $quick = 1 ] && JMH_ITER=(-wi 1 -w 2 -i 3 -r 1 -f 1)
  run_jmh 'MaterStepBench' -p threads="$THREADS" -prof gc
  JMH_ITER=("${saved[@]}")
  if [ -n "$TORCH_PY" ]; then
    "$TORCH_PY" "$root/bench/torch_mater.py" --seconds "$([ $quick = 1 ] && echo 4 || echo 15)" \
      --threads ${THREADS//,/ } | sed 's/}$/, "ref": "torch"}/' >>"$out/ref.jsonl" || echo "bench: torch reference failed" >&2
  else
    echo "bench: torch not importable; no reference for the MATER step" >&2
  fi
}

{
  echo "# $(date -u +%FT%TZ)  $(uname -n)  $(nproc) cores  $("$JAVA" -version 2>&1 | head -1)"
  echo "# load before: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/header.txt"
for g in "${groups[@]}"; do "run_$g"; done
echo "# load after:  $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/header.txt"
echo "# command: ./mater.sh bench $*" >>"$out/header.txt"

{
  cat "$out/header.txt"
  "$PY" "$root/bench/report.py" --jmh "$out"/jmh-*.json --ref "$out/ref.jsonl" --header "$out/header.txt" \
    --markdown "$root/bench/results.md"
} | tee "$out/table.txt"
echo "bench: table written to bench/results.md" >&2
