#!/usr/bin/env bash
# The gateway's own ingest route under load: dcmtk storescu (TCP_NODELAY=1) sends labelled CT studies to `serve`
# (the packaged Quarkus application) running the shipped routes/modality-ingest.yaml, which labels, de-identifies,
# decodes, normalises and stores every instance before answering its C-STORE. Several gateways run at once, one per
# JVM option set (VARIANTS), each with its own folder, store and port, and every study goes to each of them in turn
# (order rotated per study), so a slow spell of the shared machine hits all alike. Prints one row per study (rate and
# the gateway's CPU per instance) and a summary per window of the run: right after start, then warmer. At the end
# every gateway's store must hold every instance as a sample (cohort counts).
#
# usage: [VARIANTS="default c1"] [STUDIES=30] [PER_STUDY=100] [SIDE=512] [CHUNK=PER_STUDY] [SENDERS=1]
#        bench/dicom-ingest/gateway-route.sh [WORKDIR]
#        variants: default (the JVM and route as shipped), c1 (-XX:TieredStopAtLevel=1), jit
#        (-XX:CompileThresholdScaling=0.1), list (the route with the studyInstances aggregation strategy, which keeps
#        every instance's path and UID, instead of studyInstanceCount), base (the application in BASE_APP, e.g. a
#        copy of target/quarkus-app built from an earlier commit, for before/after in one run), j25 (the JDK in
#        JAVA25, default Temurin 25), aot (JDK 25 with an AOT cache, JEP 483/514/515: classes loaded and linked and
#        method profiles, written by the product's recipe src/main/docker/aot-train.sh on TRAIN_STUDIES other studies,
#        default 10), aotsamples (the same recipe on dicom-samples/, as the JDK 25 image does), pg (the default JVM
#        with the sample store and the study aggregation in a PostgreSQL that the script starts on 127.0.0.1:PG_PORT,
#        default 11160, as replicas share it; its CPU column adds the server's CPU); CHUNK: instances per
#        association and per row,
#        e.g. STUDIES=1 PER_STUDY=2000 CHUNK=100 sends one large study in 20 rows; SENDERS: concurrent storescu
#        associations per row, each an equal share of the row; as root the gateways write to a fresh journaled ext4
#        (common.sh)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
. "$HERE/common.sh"
WORK="${1:-$(mktemp -d /tmp/gateway-route.XXXX)}"
VARIANTS=(${VARIANTS:-default c1})
STUDIES=${STUDIES:-30}; PER_STUDY=${PER_STUDY:-100}; SIDE=${SIDE:-512}; CHUNK=${CHUNK:-$PER_STUDY}; SENDERS=${SENDERS:-1}
mkdir -p "$WORK/classes"
(cd "$ROOT" && mvn -q -o -B package -DskipTests && mvn -q -o -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt")
rm -rf "$WORK/gateway-app"; cp -r "$ROOT/target/quarkus-app" "$WORK/gateway-app"
CP="$ROOT/target/classes:$(cat "$WORK/cp.txt")"
DATA="$WORK/studies-$STUDIES-$PER_STUDY-$SIDE"
if [ ! -f "$DATA/labels.csv" ]; then
  javac -d "$WORK/classes" -cp "$CP" "$HERE/GenerateStudies.java" "$HERE/Generate.java"
  rm -rf "$DATA"; java -cp "$WORK/classes:$CP" GenerateStudies "$DATA" "$STUDIES" "$PER_STUDY" "$SIDE"
fi
# Rows: chunks of CHUNK instances, study after study, as links, dealt to SENDERS folders (one association each).
rm -rf "$WORK/chunks"; ROWS=0
for d in "$DATA"/s*; do
  i=0
  for f in "$d"/*.dcm; do
    c="$WORK/chunks/$(printf '%05d' $((ROWS + i / CHUNK)))/$((i % SENDERS))"; mkdir -p "$c"; ln -s "$f" "$c/"
    i=$((i + 1))
  done
  ROWS=$((ROWS + (i + CHUNK - 1) / CHUNK))
done
mount_out_fs "$WORK"
OUT_BASE="${OUT_BASE:-$WORK}"
export TCP_NODELAY=1
PIDS=()
PG_DIR="$OUT_BASE/pg"; PG_PORT=${PG_PORT:-11160}; PG_URL="jdbc:postgresql://127.0.0.1:$PG_PORT/distillery"
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
  stop_postgres "$PG_DIR"; unmount_out_fs "$WORK"
}
trap cleanup EXIT

jvm_bin() { case "$1" in j25|aot|aotsamples) echo "$JAVA25" ;; *) echo java ;; esac; }
jvm_opts() {
  case "$1" in
    default|list|base|j25|pg) ;;
    aot) echo "-XX:AOTCache=$WORK/gateway.aot" ;;
    aotsamples) echo "-XX:AOTCache=$WORK/gateway-samples.aot" ;;
    c1) echo "-XX:TieredStopAtLevel=1" ;;
    jit) echo "-XX:CompileThresholdScaling=0.1" ;;
    *) echo "unknown variant $1" >&2; exit 1 ;;
  esac
}
app() { if [ "$1" = base ]; then echo "${BASE_APP:?variant base needs BASE_APP}"; else echo "$WORK/gateway-app"; fi; }

# The AOT caches, each written by the product's own recipe, src/main/docker/aot-train.sh (a training run of the same
# application on JDK 25 that receives a folder of labelled instances and writes the cache as it exits). Variant aot:
# TRAIN_STUDIES studies generated apart from the measured ones (other pixels and UIDs); variant aotsamples:
# dicom-samples/ (the demo's 300 small images, not CT), as the image Dockerfile.jvm25-aot does.
if [[ " ${VARIANTS[*]} " == *" aot "* ]]; then
  TRAIN="$WORK/train-${TRAIN_STUDIES:-10}-$PER_STUDY-$SIDE"
  if [ ! -f "$TRAIN/labels.csv" ]; then
    javac -d "$WORK/classes" -cp "$CP" "$HERE/GenerateStudies.java" "$HERE/Generate.java"
    rm -rf "$TRAIN"; java -cp "$WORK/classes:$CP" GenerateStudies "$TRAIN" "${TRAIN_STUDIES:-10}" "$PER_STUDY" "$SIDE"
  fi
  (cd "$ROOT" && JAVA="$JAVA25" src/main/docker/aot-train.sh "$WORK/gateway-app" "$WORK/gateway.aot" "$TRAIN")
fi
if [[ " ${VARIANTS[*]} " == *" aotsamples "* ]]; then
  (cd "$ROOT" && JAVA="$JAVA25" src/main/docker/aot-train.sh "$WORK/gateway-app" "$WORK/gateway-samples.aot")
fi

# Variant pg: the server lives beside the gateways' folders; the postgres user must be able to reach it.
if [[ " ${VARIANTS[*]} " == *" pg "* ]]; then chmod a+x "$WORK" "$OUT_BASE"; start_postgres "$PG_DIR" "$PG_PORT"; fi
# The settings that put a variant's store and study aggregation in PostgreSQL (variant pg), as env assignments.
db_env() {
  [ "$1" = pg ] || return 0
  echo DISTILLERY_STORE_JDBC_URL="$PG_URL" DISTILLERY_STORE_USERNAME=postgres \
    DISTILLERY_STUDY_AGGREGATION_JDBC_URL="$PG_URL" DISTILLERY_STUDY_AGGREGATION_USERNAME=postgres
}
# CPU time of a variant in clock ticks: its gateway's, and for pg the database server's too.
variant_cpu() { local t; t=$(cpu_ticks "${PID[$1]}"); [ "$1" = pg ] && t=$(( t + $(pg_cpu_ticks "$PG_DIR") )); echo "$t"; }

declare -A PORT PID
for i in "${!VARIANTS[@]}"; do
  v=${VARIANTS[$i]}; home="$OUT_BASE/gw-$v"; PORT[$v]=$((11130 + i))
  rm -rf "$home"; mkdir -p "$home/routes" "$home/dicom-samples"
  cp "$ROOT/routes/modality-ingest.yaml" "$home/routes/"; cp "$DATA/labels.csv" "$home/dicom-samples/"
  [ "$v" = list ] && sed -i 's/aggregationStrategy: studyInstanceCount/aggregationStrategy: studyInstances/' \
    "$home/routes/modality-ingest.yaml"
  (cd "$home" && exec env $(db_env "$v") DISTILLERY_DEID_SECRET=bench-only-secret-0123456789 \
    DISTILLERY_SCP_PORT=${PORT[$v]} QUARKUS_HTTP_PORT=$((18130 + i)) "$(jvm_bin "$v")" $(jvm_opts "$v") -jar "$(app "$v")/quarkus-run.jar" serve \
    >"$WORK/gw-$v.log" 2>&1) &
  PID[$v]=$!; PIDS+=($!)
done
for v in "${VARIANTS[@]}"; do wait_port "${PORT[$v]}" 600; done

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "gateways write to $(out_fs)"
echo "$STUDIES studies x $PER_STUDY CT instances, ${SIDE}x${SIDE}x16 bit, $CHUNK per row over $SENDERS concurrent associations; route: routes/modality-ingest.yaml"
declare -A RATE CPU N
header="| row | instances before |"; rule="|---|---|"
for v in "${VARIANTS[@]}"; do header+=" $v instances/s | $v CPU µs per instance |"; rule+="---|---|"; done
echo "$header"; echo "$rule"
before=0
for s in $(seq 0 $((ROWS - 1))); do
  chunk="$WORK/chunks/$(printf '%05d' "$s")"; n=$(find "$chunk" -name '*.dcm' | wc -l)
  row="| $s | $before |"; before=$((before + n))
  for k in "${!VARIANTS[@]}"; do
    v=${VARIANTS[$(( (k + s) % ${#VARIANTS[@]} ))]}
    c0=$(variant_cpu "$v"); t0=$(now)
    senders=()
    for part in "$chunk"/*; do
      storescu -v -aet BENCH -aec DISTILLERY 127.0.0.1 "${PORT[$v]}" +sd "$part" >"$WORK/send-$v-$(basename "$part").log" 2>&1 &
      senders+=($!)
    done
    for p in "${senders[@]}"; do wait "$p" || true; done
    t1=$(now)
    ok=$(cat "$WORK"/send-"$v"-*.log | grep -c "Received Store Response (Success)" || true)
    [ "$ok" = "$n" ] || { echo "row $s to $v: $ok of $n answered Success, see $WORK/send-$v-*.log" >&2; exit 1; }
    rm -f "$WORK"/send-"$v"-*.log
    RATE[$v:$s]=$(echo "$n / ($t1 - $t0)" | bc -l)
    CPU[$v:$s]=$(( ($(variant_cpu "$v") - c0) * 1000000 / CLK_TCK / n ))
  done
  for v in "${VARIANTS[@]}"; do row+="$(printf ' %.0f | %d |' "${RATE[$v:$s]}" "${CPU[$v:$s]}")"; done
  echo "$row"
done

# Summary: medians per window of rows (the first two, then up to a third of the run, then the rest).
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2}'; }
w1=$(( ROWS < 2 ? ROWS : 2 )); w2=$(( ROWS / 3 > w1 ? ROWS / 3 : w1 ))
echo
echo "| instances | variant | instances/s (median row) | CPU µs per instance (median row) | ÷ ${VARIANTS[0]}, paired rows (median) |"
echo "|---|---|---|---|---|"
for win in "0 $w1" "$w1 $w2" "$w2 $ROWS"; do
  read -r a b <<< "$win"; [ "$b" -gt "$a" ] || continue
  for v in "${VARIANTS[@]}"; do
    r=$(for s in $(seq $a $((b - 1))); do echo "${RATE[$v:$s]}"; done | median)
    c=$(for s in $(seq $a $((b - 1))); do echo "${CPU[$v:$s]}"; done | median)
    q=$(for s in $(seq $a $((b - 1))); do echo "${RATE[$v:$s]} / ${RATE[${VARIANTS[0]}:$s]}" | bc -l; done | median)
    printf '| %d-%d | %s | %.0f | %.0f | %.2f |\n' $((a * CHUNK + 1)) $((b * CHUNK)) "$v" "$r" "$c" "$q"
  done
done

# Nothing lost: every gateway's store holds every instance as a sample.
for v in "${VARIANTS[@]}"; do kill "${PID[$v]}"; wait "${PID[$v]}" 2>/dev/null || true; done
PIDS=()
for v in "${VARIANTS[@]}"; do
  if [ "$v" = pg ]; then where=(--jdbc-url "$PG_URL" --db-user postgres); else where=(--store "$OUT_BASE/gw-$v/data/store"); fi
  n=$(java -jar "$(app "$v")/quarkus-run.jar" cohort counts "${where[@]}" 2>&1 \
    | tee "$WORK/counts-$v.txt" | grep -v '^parked' | grep -o '=[0-9]*' | tr -d = | awk '{n+=$1} END {print n+0}')
  echo "$v: ${n:-?} samples stored of $((STUDIES * PER_STUDY)) sent (cohort counts: $WORK/counts-$v.txt)"
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
