#!/usr/bin/env bash
# MATER launcher: finds a JDK >= 21 by itself, builds mater-engine.jar when it is missing or stale, runs it.
# (Named mater.sh because ./mater is the mater/ module's directory.)
#   ./mater.sh test          run the whole test suite (all modules)
#   ./mater.sh bench [...]   run the benchmarks (see README, "Performance")
#   ./mater.sh build         build the jars without running tests
#   ./mater.sh <command> ... run mater-engine.jar <command> ... (train, evaluate, predict, info, ...)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cache="${XDG_CACHE_HOME:-$HOME/.cache}/mater"

die() { echo "mater: $*" >&2; exit 1; }

# Major version of a java binary, or 0.
java_major() {
  local v
  v=$("$1" -XshowSettings:properties -version 2>&1 | sed -n 's/^ *java\.specification\.version = //p' | head -1)
  case "$v" in 1.*|"") echo 0 ;; *) echo "${v%%.*}" ;; esac
}

# A JDK >= 21 with javac: JAVA_HOME, then java on PATH, then /usr/lib/jvm/* (newest first).
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

JAVA_HOME="$(find_jdk)" || die "no JDK 21 or newer found (looked at JAVA_HOME, java on PATH, /usr/lib/jvm/*). Install one (e.g. Temurin 25) and set JAVA_HOME."
export JAVA_HOME
JAVA="$JAVA_HOME/bin/java"

# Maven >= 3.6.3 from PATH, else a pinned Maven fetched once from Maven Central into the cache.
find_mvn() {
  local m v ver=3.9.9 dir
  m=$(command -v mvn 2>/dev/null || true)
  if [ -n "$m" ]; then
    v=$("$m" -v 2>/dev/null | sed -n 's/.*Apache Maven \([0-9.]*\).*/\1/p' | head -1)
    if [ -n "$v" ] && [ "$(printf '%s\n3.6.3\n' "$v" | sort -V | head -1)" = "3.6.3" ]; then echo "$m"; return 0; fi
  fi
  dir="$cache/apache-maven-$ver"
  if [ ! -x "$dir/bin/mvn" ]; then
    mkdir -p "$cache"
    echo "mater: fetching Maven $ver from Maven Central" >&2
    curl -fsSL "https://repo.maven.apache.org/maven2/org/apache/maven/apache-maven/$ver/apache-maven-$ver-bin.tar.gz" \
      | tar -xz -C "$cache" || die "could not fetch Maven; install it (apt-get install -y maven)"
  fi
  echo "$dir/bin/mvn"
}

# Maven, with the noise that old Maven prints on new JDKs filtered out.
mvn_run() {
  local mvn
  mvn="$(find_mvn)"
  set +e
  "$mvn" -B -f "$root/pom.xml" "$@" 2>&1 | grep -v -e 'sun\.misc\.Unsafe' -e '^WARNING: Please consider reporting' \
    -e '^WARNING: .*will be removed in a future release'
  local rc=${PIPESTATUS[0]}
  set -e
  return "$rc"
}

jar="$root/mater/target/mater-engine.jar"

# The TornadoVM backend jar (built by the tornadovm profile), or nothing.
tornado_jar() {
  ls "$root"/gpu-kernels/tornado/target/gpu-kernels-tornado-*.jar 2>/dev/null | grep -v -e '-sources' -e '-tests' | head -1
}

# TornadoVM SDK: TORNADOVM_HOME must name an SDK with its generated argfile.
if [ -n "${TORNADOVM_HOME:-}" ]; then
  [ -f "$TORNADOVM_HOME/tornado-argfile" ] || die "TORNADOVM_HOME=$TORNADOVM_HOME has no tornado-argfile; is it a TornadoVM SDK (JDK 25, OpenCL backend)? Unset TORNADOVM_HOME to run without TornadoVM."
  [ "$(java_major "$JAVA")" -ge 25 ] || die "TornadoVM needs JDK 25; $JAVA_HOME is older (set JAVA_HOME to a JDK 25, or unset TORNADOVM_HOME)"
fi

stale() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$root/pom.xml" "$root"/{engine,nn,mater,gpu-kernels}/pom.xml "$root"/{engine,nn,mater,gpu-kernels}/src/main \
          -newer "$jar" -type f 2>/dev/null | head -1)" ] && return 0
  # With TornadoVM, the tornado backend jar must exist and be newer than its sources too.
  if [ -n "${TORNADOVM_HOME:-}" ]; then
    local tjar
    tjar=$(tornado_jar)
    [ -z "$tjar" ] && return 0
    [ -n "$(find "$root/gpu-kernels/tornado/pom.xml" "$root/gpu-kernels/tornado/src/main" -newer "$tjar" -type f 2>/dev/null | head -1)" ] && return 0
  fi
  return 1
}

build_jar() {
  echo "mater: building mater-engine.jar with $JAVA_HOME" >&2
  local mods=mater
  # TORNADOVM_HOME switches on the root pom's tornadovm profile; build the TornadoVM backend with the jar.
  [ -n "${TORNADOVM_HOME:-}" ] && mods=mater,gpu-kernels/tornado
  mvn_run -q -DskipTests -pl "$mods" -am package >&2 || die "build failed (run ./mater.sh build to see why)"
  [ -f "$jar" ] || die "build did not produce $jar"
}

JVM_OPTS=(--add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED)
# The parallel collector unless MATER_JAVA_OPTS picks one: G1 made the paper training step 1.14x slower idle,
# 1.8x with other work on the 2 cores (measured before steps reused their arrays; see README, Performance).
case " ${MATER_JAVA_OPTS:-} " in *" -XX:+Use"*GC" "*) ;; *) JVM_OPTS+=(-XX:+UseParallelGC) ;; esac

case "${1:-}" in
  test)
    shift
    mvn_run test "$@"
    ;;
  build)
    shift
    mvn_run -DskipTests package "$@"
    ;;
  bench)
    shift
    exec "$root/bench/run.sh" "$@"
    ;;
  *)
    if stale; then build_jar; fi
    if [ -n "${TORNADOVM_HOME:-}" ]; then
      # Through the SDK's argfile (its runtime, JVMCI compiler and OpenCL driver); --device tornado works.
      tjar="$(tornado_jar)"
      [ -n "$tjar" ] || die "TORNADOVM_HOME is set but the TornadoVM backend jar was not built (run ./mater.sh build)"
      # The SDK's argfile puts the current directory first on the module path, so any jar in the user's
      # working directory would join the boot layer; use a copy without it.
      argfile="$cache/tornado-argfile"
      if [ ! -f "$argfile" ] || [ "$TORNADOVM_HOME/tornado-argfile" -nt "$argfile" ] || ! grep -qF "$TORNADOVM_HOME" "$argfile"; then
        mkdir -p "$cache"
        sed 's#^--module-path \.:#--module-path #' "$TORNADOVM_HOME/tornado-argfile" > "$argfile.tmp" && mv "$argfile.tmp" "$argfile"
      fi
      # shellcheck disable=SC2086
      exec "$JAVA" @"$argfile" "${JVM_OPTS[@]}" ${MATER_JAVA_OPTS:-} \
        -cp "$jar:$tjar" io.mater.cli.Main "$@"
    fi
    # shellcheck disable=SC2086
    exec "$JAVA" "${JVM_OPTS[@]}" ${MATER_JAVA_OPTS:-} -jar "$jar" "$@"
    ;;
esac
