#!/usr/bin/env bash
# Measures `./flux serve` on the embedded default: seconds from launch to a healthy /health,
# cold (new data directory: initdb + Kafka storage format) and warm (same directory again),
# and the resident memory of the whole process tree (flux JVM, postgres processes, Kafka JVM).
# Usage: bench/startup.sh [runs]   (the jar is built first; its build time is not counted)
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-3}
port=18190 pg=55490 kafka=19890
./flux --version >/dev/null   # builds app/target/flux.jar when stale

tree_rss_mb() { # RSS of a pid's descendants plus every process naming the data dir
  local root=$1 dir=$2 pids
  pids=$( (echo "$root"; pgrep -f "$dir" || true; \
           ps -e -o pid=,ppid= | awk -v r="$root" '{p[$1]=$2} END {for (k in p) {x=k; while (x in p && x!=1) {if (p[x]==r) {print k; break}; x=p[x]}}}') | sort -u)
  ps -o rss= -p $(echo $pids | tr ' ' ',') | awk '{s+=$1} END {printf "%.0f", s/1024}'
}

one_start() { # $1 data dir -> prints "seconds rss_mb"
  local dir=$1 start end pid
  start=$(date +%s.%N)
  java -jar app/target/flux.jar serve --port $port --pg-port $pg --kafka-port $kafka --data-dir "$dir" >/dev/null 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do
    kill -0 $pid 2>/dev/null || { echo "flux exited" >&2; exit 1; }
    sleep 0.05
  done
  end=$(date +%s.%N)
  sleep 2 # let the JVMs settle before reading memory
  local rss; rss=$(tree_rss_mb $pid "$dir")
  kill -TERM $pid; wait $pid 2>/dev/null || true
  printf "%.2f %s\n" "$(echo "$end - $start" | bc)" "$rss"
}

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

cold=() warm=() mem=()
for i in $(seq 1 "$runs"); do
  dir=$(mktemp -d /tmp/flux-bench-startup.XXXXXX)
  read -r s m < <(one_start "$dir"); cold+=("$s")
  read -r s m < <(one_start "$dir"); warm+=("$s"); mem+=("$m")
  rm -rf "$dir"
done
echo "| start | median s | runs (s) |"
echo "|---|---|---|"
echo "| cold (new .flux) | $(printf '%s\n' "${cold[@]}" | median) | ${cold[*]} |"
echo "| warm (existing .flux) | $(printf '%s\n' "${warm[@]}" | median) | ${warm[*]} |"
echo
echo "process tree RSS when healthy (warm): median $(printf '%s\n' "${mem[@]}" | median) MB (runs: ${mem[*]} MB)"
