#!/usr/bin/env bash
# Parse/write throughput of the Part 10 reader and writer, one thread, over the shared corpus.
# Usage: bench/parse.sh [CORPUS_DIR] [SECONDS_PER_MEASUREMENT]
set -euo pipefail
cd "$(dirname "$0")/.."
corpus="${1:-../shared/data/dicom}"
mvn -q -o -B compile
cp="target/classes:$(mvn -q -o -B dependency:build-classpath -Dmdep.outputFile=/dev/stdout -Dmdep.includeGroupIds=com.fasterxml.jackson.core)"
exec java -cp "$cp" bench/ParseBench.java "$corpus" "${2:-5}"
