#!/usr/bin/env bash
# Issue 6 analysis benchmark. Usage: bench/analysis/run.sh [rows] [repeats] [warm-up rounds]
# Starts the real server in-process (embedded store, loopback port) with an Enterprise workspace whose
# data source is a 10-million-row sales CSV ingested by the product's Ingestor, then for 10 representative
# questions prints run_analysis end to end over MCP Streamable HTTP beside the hand-written DuckDB SQL for
# the same answer on the same database, with the ratio, the 1.5x + 5 ms target and an answer check.
# BENCH_PROFILE=1 records JFR over the whole run into bench/analysis/results/<UTC time>/.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-10000000}"
repeats="${2:-15}"
warmups="${3:-3}"
./mvnw -q -pl server compile -Dspotless.check.skip=true
./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/bench-classpath.txt" >/dev/null
. .mvn/select-jdk.sh >/dev/null 2>&1 || true
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# run from a copy of the classes, so that a rebuild during the run cannot mix two versions
classes="$(mktemp -d)"
trap 'rm -rf "$classes"' EXIT
cp -r server/target/classes/. "$classes/"
profile=()
if [[ "${BENCH_PROFILE:-0}" == 1 ]]; then
  out="bench/analysis/results/$(date -u +%Y%m%dT%H%M%SZ)"
  mkdir -p "$out"
  profile=("-XX:StartFlightRecording=filename=$out/analysis.jfr,settings=profile")
  echo "JFR recording to $out/analysis.jfr"
fi
echo "git $(git rev-parse --short HEAD)$(git diff --quiet HEAD -- server/src || echo ' (uncommitted server changes)'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
"$java_bin" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Xmx2g -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
  "${profile[@]}" -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "$classes:$(cat server/target/bench-classpath.txt)" \
  bench/analysis/AnalysisBench.java "$rows" "$repeats" "$warmups"
