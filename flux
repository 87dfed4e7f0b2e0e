#!/usr/bin/env bash
# The flux launcher: builds the app jar when it is missing or older than the sources,
# then runs it with the arguments given (`./flux serve`, `./flux --help`, ...).
# Opt-ins (docs/capture.md, "Starting warm"): FLUX_JAVA_HOME runs it with that JDK's java instead of
# the one on the PATH; FLUX_AOT_CACHE=file starts it from that AOT cache (JDK 25+), made by a
# training run: FLUX_JAVA_OPTS=-XX:AOTCacheOutput=file ./flux serve, then stop it (the cache is
# written at its exit). FLUX_JAVA_OPTS adds JVM options (one naming a collector, -XX:+Use...GC,
# replaces the default -XX:+UseParallelGC).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
jar="$here/app/target/flux.jar"

stale() {
  [ -f "$jar" ] || return 0
  [ -n "$(find "$here" \( -name target -o -name .flux -o -name .git -o -path "$here/bench" \) -prune -o \
      \( -name '*.java' -o -name pom.xml -o -path '*/src/main/resources/*' \) -type f -newer "$jar" -print -quit)" ]
}

if stale; then
  echo "flux: building the app jar (first run, or the sources changed)..." >&2
  # Only the app and what it is built from: the benchmarks (./flux-bench) are not part of it.
  if ! (cd "$here" && ./mvnw -B -q -DskipTests -Dmaven.javadoc.skip=true -pl app -am package \
      >"$here/.flux-build.log" 2>&1); then
    echo "flux: the build failed; see .flux-build.log" >&2
    exit 1
  fi
  rm -f "$here/.flux-build.log"
fi

java="${FLUX_JAVA_HOME:+$FLUX_JAVA_HOME/bin/}java"
aot=()
if [ -n "${FLUX_AOT_CACHE:-}" ]; then
  if [ -f "$FLUX_AOT_CACHE" ]; then
    aot=("-XX:AOTCache=$FLUX_AOT_CACHE")
  else
    echo "flux: FLUX_AOT_CACHE=$FLUX_AOT_CACHE does not exist; starting without an AOT cache" >&2
  fi
fi
# The throughput collector unless FLUX_JAVA_OPTS picks one: capture's drain allocates ~37 KB per
# event and the JIT needs the CPU right after a start; G1's barriers and concurrent work cost the
# first drain 15% of its rate (docs/capture.md, "Garbage collector"; BENCHMARKS.md).
gc=(-XX:+UseParallelGC)
case " ${FLUX_JAVA_OPTS:-} " in *" -XX:+Use"*GC" "*) gc=() ;; esac
exec "$java" "${gc[@]+"${gc[@]}"}" ${FLUX_JAVA_OPTS:-} ${aot[@]+"${aot[@]}"} -jar "$jar" "$@"
