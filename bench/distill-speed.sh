#!/usr/bin/env bash
# Seconds per outer iteration, side by side on this machine: the engine in this tree, optionally the engine at
# an older git revision, and the PyTorch reference (bench/reference/distill_ref.py, Debian python3-torch), on
# the first row of issue 4 (PneumoniaMNIST, fixed init, 2 soft-label images, 1 step x 3 epochs, batch 256).
# Rounds alternate the implementations so that load changes hit all of them. CPU time is the comparable number
# on a shared machine (one thread each); wall time is printed too.
# Usage: bench/distill-speed.sh [iterations] [rounds]   Env: OLD_REV (e.g. a commit), DISTILLERY_SHARED.
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${DISTILLERY_SHARED:-}"
if [ -z "$SHARED" ]; then   # like SharedData: the first ancestor with shared/data beside it
  d="$PWD"
  while [ "$d" != "/" ] && [ ! -d "$(dirname "$d")/shared/data" ]; do d="$(dirname "$d")"; done
  SHARED="$(dirname "$d")/shared"
fi
NPZ="$SHARED/data/medmnist/pneumoniamnist.npz"
ITERS="${1:-100}"
ROUNDS="${2:-2}"
export OMP_NUM_THREADS=1
mvn -q -o -B compile dependency:build-classpath -Dmdep.outputFile=target/bench-classpath.txt >/dev/null
DEPS="$(cat target/bench-classpath.txt)"
mkdir -p target/bench-classes
javac -d target/bench-classes -cp "target/classes:$DEPS" bench/DistillSpeed.java
declare -A CPS=([this-tree]="target/bench-classes:target/classes:$DEPS")
if [ -n "${OLD_REV:-}" ]; then
  old=target/speed-old
  rm -rf "$old" && mkdir -p "$old/src" "$old/classes"
  git archive "$OLD_REV" src/main/java/io/distillery/distill | tar -x -C "$old/src"
  javac -nowarn -d "$old/classes" -cp "$DEPS" $(find "$old/src" -name '*.java')
  CPS[$OLD_REV]="target/bench-classes:$old/classes:$DEPS"
fi
declare -A WALL CPU
for r in $(seq "$ROUNDS"); do
  for impl in "${!CPS[@]}"; do
    read -r w c < <(java -Xmx2g -cp "${CPS[$impl]}" io.distillery.bench.DistillSpeed "$NPZ" "$ITERS" 2>/dev/null | tail -1)
    WALL[$impl]+="$w "; CPU[$impl]+="$c "
  done
  read -r w c < <(/usr/bin/python3 bench/reference/distill_ref.py --data "$NPZ" --iterations "$ITERS" --log-every 0 \
      | tail -1 | python3 -c 'import json,sys; m=json.load(sys.stdin); print(m["sec_per_iter"], m["cpu_sec_per_iter"])')
  WALL[pytorch]+="$w "; CPU[pytorch]+="$c "
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); $ITERS iterations x $ROUNDS rounds, OMP_NUM_THREADS=1"
echo "| implementation | wall s/iter (per round) | CPU s/iter (per round) | CPU ratio to PyTorch (min over rounds) |"
echo "| --- | --- | --- | --- |"
ref=$(tr ' ' '\n' <<<"${CPU[pytorch]}" | grep . | sort -g | head -1)
for impl in "${!CPS[@]}" pytorch; do
  best=$(tr ' ' '\n' <<<"${CPU[$impl]}" | grep . | sort -g | head -1)
  echo "| $impl | ${WALL[$impl]}| ${CPU[$impl]}| $(awk -v a="$best" -v b="$ref" 'BEGIN { printf "%.2f", a / b }') |"
done
