#!/usr/bin/env bash
# Parse and decode throughput of the DICOM toolkit on the shared corpus, per transfer-syntax family, one thread.
# Usage: bench/toolkit-bench.sh [seconds-per-family]   (from anywhere; the corpus is found like the tests find it:
# $DISTILLERY_SHARED/data/dicom, else shared/data/dicom beside the clone or one of its parent folders). Prints a markdown table.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${DISTILLERY_SHARED:-}"
if [ -z "$SHARED" ]; then   # like SharedData: the first ancestor with shared/data beside it
  d="$PWD"
  while [ "$d" != "/" ] && [ ! -d "$(dirname "$d")/shared/data" ]; do d="$(dirname "$d")"; done
  SHARED="$(dirname "$d")/shared"
fi
mvn -q -o -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="target/classes:$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "$CP" bench/ToolkitBench.java
exec java -Xmx2g -XX:ActiveProcessorCount=1 -cp "target/bench-classes:$CP" io.distillery.bench.ToolkitBench \
    "$SHARED/data/dicom" "${1:-2.0}"
