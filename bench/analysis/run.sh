#!/usr/bin/env bash
# Issue 6 analysis benchmark. Usage: bench/analysis/run.sh [rows] [repeats]
# Builds a 10-million-row sales table in an in-memory DuckDB, then for 10 representative questions
# prints the engine's end-to-end latency (plan + SQL + answer + follow-ups + PNG chart) beside the
# hand-written DuckDB SQL for the same answer, with the ratio and the 1.5x + 5 ms target.
set -euo pipefail
cd "$(dirname "$0")/../.."
rows="${1:-10000000}"
repeats="${2:-7}"
./mvnw -q -pl server compile -Dspotless.check.skip=true
./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/bench-classpath.txt" >/dev/null
. .mvn/select-jdk.sh >/dev/null 2>&1 || true
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java_bin" --enable-native-access=ALL-UNNAMED -Djava.awt.headless=true -Xmx2g \
  -cp "server/target/classes:$(cat server/target/bench-classpath.txt)" \
  bench/analysis/AnalysisBench.java "$rows" "$repeats"
