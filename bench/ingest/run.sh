#!/usr/bin/env bash
# Issue 5 ingestion benchmark. Usage: bench/ingest/run.sh [work folder] [rows] [rounds]
# Generates a ~1.15 GB, 10-million-row CSV once (kept in the work folder), starts the real server
# in-process on loopback, and prints in one run: raw DuckDB read_csv time, ingest_url_data_source
# over MCP Streamable HTTP from request to ready (loopback, allowlisted, URL cap raised for the run
# with CLARIBI_URL_FETCH_MAX_BYTES), the ratio, and a 25 MB upload_data_source with peak heap.
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp/claribi-bench-ingest}"
rows="${2:-10000000}"
rounds="${3:-3}"
./mvnw -q -pl server compile -Dspotless.check.skip=true
./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/bench-classpath.txt" >/dev/null
. .mvn/select-jdk.sh >/dev/null 2>&1 || true
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
# The same collector settings as ./claribi; 1 GB of heap.
"$java_bin" --enable-native-access=ALL-UNNAMED -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -Xmx1g \
  -cp "server/target/classes:$(cat server/target/bench-classpath.txt)" \
  bench/ingest/IngestBench.java "$work" "$rows" "$rounds"
