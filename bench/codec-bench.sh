#!/bin/sh
# Decode throughput (MB/s of native pixels, frames/s) of the RLE and JPEG codecs over the shared corpus.
# Usage: bench/codec-bench.sh [seconds-per-file]   (default 1; the corpus is found like the tests find it)
set -e
cd "$(dirname "$0")/.."
mvn -q -o -B test-compile
exec java -Xmx1g -cp target/classes:target/test-classes io.distillery.dicom.codec.CodecBench "$@"
