#!/usr/bin/env bash
# C-STORE ingest benchmark on loopback: dcmtk storescu (TCP_NODELAY=1) sends 500 small (~5 KB) and 200 large
# (~500 KB) instances to our SCP (dicom scp, spooling to disk, with and without fsync), to dcmtk storescp writing to
# disk, and to Orthanc; one sender, then 8 concurrent senders. Every run is verified: count and SHA-256 of each
# dataset (Orthanc: read back from its storage directory). Runs inside its own network namespace when it can.
#
# usage: [RECEIVERS="ours-nofsync storescp"] [SIZES="small large"] [SENDERS="1 8"] [REPEAT=n] [WARMUPS="1 10"]
#        [BASE_CLASSES=dir] bench/dicom-ingest/run.sh [WORKDIR]
#        (receivers camel-fsync/camel-nofsync: the product's dicom:scp consumer in a Camel route, camel-ingest.yaml,
#        loaded by Camel Main with the YAML DSL, CamelIngest.java; WARMUPS: warm-up passes of 200 instances before the measurement, one
#        measurement per value, every receiver alike; WARMUP=n is the same as WARMUPS=n)
#        (receivers base-fsync/base-nofsync: our SCP from the compiled classes in BASE_CLASSES, e.g. a copy of
#        target/classes of an earlier commit, for before/after in one run)
#        (prints a markdown table; needs dcmtk, orthanc, bc, a JDK, maven)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"

if [ "${1:-}" != "--inside" ]; then
  WORK="${1:-$(mktemp -d /tmp/dicom-ingest.XXXX)}"
  mkdir -p "$WORK/classes"
  (cd "$ROOT" && mvn -q -o -B compile && mvn -q -o -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt")
  # A private copy of the classes, so that a build running meanwhile cannot pull them away.
  rm -rf "$WORK/app-classes"; cp -r "$ROOT/target/classes" "$WORK/app-classes"
  CP="$WORK/app-classes:$(cat "$WORK/cp.txt")"
  javac -d "$WORK/classes" -cp "$CP" "$HERE/Generate.java" "$HERE/Verify.java" "$HERE/CamelIngest.java"
  rm -rf "$WORK/data"
  java -cp "$WORK/classes:$CP" Generate "$WORK/data/small" 500 48
  java -cp "$WORK/classes:$CP" Generate "$WORK/data/large" 200 500
  java -cp "$WORK/classes:$CP" Generate "$WORK/data/warmup" 200 48
  for size in small large; do
    i=0
    for f in "$WORK/data/$size"/*.dcm; do
      d="$WORK/data/$size-split/$((i % 8))"; mkdir -p "$d"; ln -sf "$f" "$d/"; i=$((i + 1))
    done
  done
  if unshare --net true 2>/dev/null; then
    exec unshare --net bash "$0" --inside "$WORK"
  fi
  echo "note: unshare --net unavailable; receivers listen on all interfaces during the run" >&2
  exec bash "$0" --inside "$WORK"
fi

WORK="$2"
ip link set lo up 2>/dev/null || true
export TCP_NODELAY=1
CP="$WORK/classes:$WORK/app-classes:$(cat "$WORK/cp.txt")"
PORT=11112
HTTP=18042
PIDS=()

wait_port() { for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/$1) 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 never opened" >&2; exit 1; }
stop_receiver() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap stop_receiver EXIT

start_receiver() { # name outdir warm-up-passes
  rm -rf "$2"; mkdir -p "$2"
  case "$1" in
    ours-fsync) java -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port $PORT --dir "$2" --min-free-mb 0 >"$WORK/$1.log" 2>&1 & ;;
    ours-nofsync) java -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port $PORT --dir "$2" --min-free-mb 0 --no-fsync >"$WORK/$1.log" 2>&1 & ;;
    base-fsync) java -cp "$WORK/classes:$BASE_CLASSES:$(cat "$WORK/cp.txt")" io.distillery.cli.Main dicom scp --aet BENCH \
      --port $PORT --dir "$2" --min-free-mb 0 >"$WORK/$1.log" 2>&1 & ;;
    base-nofsync) java -cp "$WORK/classes:$BASE_CLASSES:$(cat "$WORK/cp.txt")" io.distillery.cli.Main dicom scp --aet BENCH \
      --port $PORT --dir "$2" --min-free-mb 0 --no-fsync >"$WORK/$1.log" 2>&1 & ;;
    camel-fsync|camel-nofsync)
      local fsync=true; [ "$1" = camel-nofsync ] && fsync=false
      java -Dcamel.main.routesIncludePattern="file:$HERE/camel-ingest.yaml" -Dcamel.main.routesReloadEnabled=false \
        -Dbench.port=$PORT -Dbench.dir="$2" -Dbench.fsync=$fsync -cp "$CP" CamelIngest >"$WORK/$1.log" 2>&1 & ;;
    storescp) storescp --fork -aet BENCH -od "$2" $PORT >"$WORK/$1.log" 2>&1 & ;;
    orthanc)
      cat > "$WORK/orthanc.json" <<JSON
{ "Name": "bench", "StorageDirectory": "$2", "IndexDirectory": "$2.index", "DicomAet": "BENCH", "DicomPort": $PORT,
  "HttpPort": $HTTP, "RemoteAccessAllowed": false, "Plugins": [], "StorageCompression": false }
JSON
      rm -rf "$2.index"; Orthanc "$WORK/orthanc.json" >"$WORK/$1.log" 2>&1 & ;;
  esac
  PIDS+=($!)
  wait_port $PORT
  # Warm-up (JIT, caches): passes over 200 other small instances, not timed, not counted.
  for _ in $(seq 1 "$3"); do
    storescu -aet WARMUP -aec BENCH 127.0.0.1 $PORT +sd "$WORK/data/warmup" >/dev/null 2>&1
  done
}

now() { date +%s.%N; }

measure() { # receiver size mode warm-up-passes -> prints a table row
  local out="$WORK/out-$1-$2-$3" n t0 t1
  start_receiver "$1" "$out" "$4"
  n=$(ls "$WORK/data/$2" | wc -l)
  t0=$(now)
  if [ "$3" = "1" ]; then
    storescu -aet SENDER -aec BENCH 127.0.0.1 $PORT +sd "$WORK/data/$2" >"$WORK/send.log" 2>&1
  else
    local senders=()
    for d in "$WORK/data/$2-split"/*; do
      storescu -aet SENDER -aec BENCH 127.0.0.1 $PORT +sd "$d" >"$WORK/send-$(basename "$d").log" 2>&1 &
      senders+=($!)
    done
    for s in "${senders[@]}"; do wait "$s"; done
  fi
  t1=$(now)
  stop_receiver
  local verdict
  verdict=$(java -cp "$CP" Verify "$WORK/data/$2" "$out" || true)
  printf '| %s | %s | %s | %d | %d | %.2f | %.0f | %s |\n' "$1" "$2" "$3" "$((200 * $4))" "$n" "$(echo "$t1 - $t0" | bc -l)" \
    "$(echo "$n / ($t1 - $t0)" | bc -l)" "$verdict"
  rm -rf "$out" "$out.index"
}

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "| receiver | size | senders | warm-up | instances | seconds | instances/s | verified (count + SHA-256) |"
echo "|---|---|---|---|---|---|---|---|"
# Receivers take turns for each size and sender count (and each repetition), so that a change in the machine's
# load during the run hits all of them alike; compare rows of the same round and warm-up.
for size in ${SIZES:-small large}; do
  for mode in ${SENDERS:-1 8}; do
    for round in $(seq 1 "${REPEAT:-1}"); do
      for warmup in ${WARMUPS:-${WARMUP:-1}}; do
        for receiver in ${RECEIVERS:-ours-fsync ours-nofsync camel-fsync camel-nofsync storescp orthanc}; do
          measure "$receiver" "$size" "$mode" "$warmup"
        done
      done
    done
  done
done
echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
