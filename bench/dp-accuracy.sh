#!/usr/bin/env bash
# The accuracy cost of the differentially private mode (docs/dp.md): PneumoniaMNIST, fixed init, 2 soft-label
# images, batch 256, the same iterations non-private and at each target ε; writes a markdown table.
# Usage: bench/dp-accuracy.sh [epsilon ...]   (default: 8 1)
# Env: ITERATIONS (default 300), CLIP (default 1), DELTA (default 1e-5), OMP_NUM_THREADS (default 1),
#      DISTILLERY_SHARED (folder holding data/), OUT (default target/dp-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
SHARED="${DISTILLERY_SHARED:-}"
if [ -z "$SHARED" ]; then
  d="$PWD"
  while [ "$d" != "/" ]; do
    if [ -d "$d/../shared/data" ]; then SHARED="$(cd "$d/../shared" && pwd)"; break; fi
    d="$(dirname "$d")"
  done
fi
[ -n "$SHARED" ] || { echo "shared data folder not found: set DISTILLERY_SHARED" >&2; exit 1; }
OUT="${OUT:-target/dp-bench}"
ITERATIONS="${ITERATIONS:-300}"
CLIP="${CLIP:-1}"
DELTA="${DELTA:-1e-5}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
EPSILONS=("$@")
[ ${#EPSILONS[@]} -eq 0 ] && EPSILONS=(8 1)
mkdir -p "$OUT"
mvn -q -o -B compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CP="target/classes:$(cat "$OUT/cp.txt")"
COMMON="--data $SHARED/data/medmnist/pneumoniamnist.npz --iterations $ITERATIONS --batch 256 --images-per-step 2
  --steps 1 --epochs 3 --init fixed --seed 0 --full-epochs 1"

run() { # name, extra args
  java -cp "$CP" io.distillery.cli.Main distill $COMMON --out "$OUT/$1" ${2:-} > "$OUT/$1.log"
}
row() { # name
  python3 - "$OUT/$1/metrics.json" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); p = m["privacy"]
mode = "non-private" if p["mode"] == "non-private" else "ε = %.3g (σ = %.4g)" % (p["epsilon"], p["noise_multiplier"])
print("| %s | %.4f | %.4f | %.4f | %.4f | %.3f |" % (mode, m["acc_distilled"], m["harmonic_mean"], m["auc"],
      m["final_outer_loss"], m["sec_per_iter"]))
PY
}
run nonprivate
for e in "${EPSILONS[@]}"; do
  run "eps$e" "--dp-epsilon $e --dp-delta $DELTA --dp-clip $CLIP"
done
TABLE="$OUT/results.md"
{
  echo "| mode | test accuracy | harmonic mean | AUC | last outer loss | s/iter |"
  echo "| --- | --- | --- | --- | --- | --- |"
  row nonprivate
  for e in "${EPSILONS[@]}"; do row "eps$e"; done
} > "$TABLE"
cat "$TABLE"
