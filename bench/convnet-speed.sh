#!/usr/bin/env bash
# Seconds per outer iteration of the ConvNet at 64 px (PneumoniaMNIST upsampled; see bench/ConvNetSpeed.java),
# one thread, for each width given. Usage: bench/convnet-speed.sh [iterations] [batch] [widths...]
# (defaults: 20 iterations, batch 64, widths 32 128). Env: DISTILLERY_SHARED.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${DISTILLERY_SHARED:-}"
if [ -z "$SHARED" ]; then   # like SharedData: the first ancestor with shared/data beside it
  d="$PWD"
  while [ "$d" != "/" ] && [ ! -d "$(dirname "$d")/shared/data" ]; do d="$(dirname "$d")"; done
  SHARED="$(dirname "$d")/shared"
fi
ITERS="${1:-20}"
BATCH="${2:-64}"
shift $(( $# > 2 ? 2 : $# ))
WIDTHS=("${@:-32 128}")
export OMP_NUM_THREADS=1
mvn -q -o -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
DEPS="$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "target/classes:$DEPS" bench/ConvNetSpeed.java
echo "width wall_s_per_iter cpu_s_per_iter (iterations $ITERS, batch $BATCH)"
java -Xmx4g -cp "target/bench-classes:target/classes:$DEPS" io.distillery.bench.ConvNetSpeed \
  "$SHARED/data/medmnist/pneumoniamnist.npz" "$ITERS" "$BATCH" ${WIDTHS[@]} 2>/dev/null | grep -E '^[0-9]+ '
