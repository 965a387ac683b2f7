#!/usr/bin/env bash
# Issue 5: one 25 MB upload_data_source end to end through the real server, with peak heap.
# Usage: bench/ingest/upload.sh [work folder]
set -euo pipefail
cd "$(dirname "$0")/../.."
work="${1:-/tmp}"
./mvnw -q -pl server compile -Dspotless.check.skip=true
./mvnw -q -pl server dependency:build-classpath -Dmdep.outputFile="$PWD/server/target/bench-classpath.txt" >/dev/null
. .mvn/select-jdk.sh >/dev/null 2>&1 || true
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
"$java_bin" --enable-native-access=ALL-UNNAMED -Xmx1g -Dlogback.configurationFile=logback.xml \
  -cp "server/target/classes:$(cat server/target/bench-classpath.txt)" \
  bench/ingest/UploadBench.java "$work"
