#!/usr/bin/env bash
# Decode throughput of JpegLsDecoder and Jpeg2000Decoder on the shared corpus.
# Usage: bench/codec-throughput.sh [seconds-per-file]   (from the repository root)
set -euo pipefail
cd "$(dirname "$0")/.."
mvn -q -o -B test-compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
CP="target/classes:target/test-classes:$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "$CP" bench/CodecThroughput.java
exec java -Xmx2g -cp "target/bench-classes:$CP" io.distillery.dicom.codec.CodecThroughput "${1:-1.0}"
