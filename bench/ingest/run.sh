#!/usr/bin/env bash
# Issue 5 ingestion benchmark. Usage: bench/ingest/run.sh [work folder] [rows]
# Generates a ~1 GB, 10-million-row CSV once (kept in the work folder), then prints raw DuckDB
# read_csv time, the ingestion core's load + profile, the URL path end to end and the upload core.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/claribi-bench-ingest}"
rows="${2:-10000000}"
./mvnw -q -pl server compile -Dspotless.check.skip=true
./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/bench-classpath.txt" >/dev/null
. .mvn/select-jdk.sh >/dev/null 2>&1 || true
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java_bin" --enable-native-access=ALL-UNNAMED -Xmx1g \
  -cp "server/target/classes:$(cat server/target/bench-classpath.txt)" \
  bench/ingest/IngestBench.java "$work" "$rows"
