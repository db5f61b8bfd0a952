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
#        (camelbase-fsync/camelbase-nofsync: the Camel receiver with the route file BASE_ROUTE, default
#        camel-ingest.yaml, and the classes in BASE_CLASSES, default the current ones: before/after in one run)
#        (a Camel receiver name may end in JVM option sets, e.g. camel-nofsync+cds+serialgc: cds = a class-data
#        sharing archive of the Camel receiver, made once per WORKDIR after one warm-up pass; c1 =
#        -XX:TieredStopAtLevel=1; serialgc = -XX:+UseSerialGC; jit = -XX:CompileThresholdScaling=$JIT_SCALING,
#        default 0.1; nostream = Camel's stream caching off; j25 = the JDK in JAVA25 (default Temurin 25); aot = JDK 25
#        with an AOT cache of the receiver kind, written first by a training run that gets TRAIN passes (default 10)
#        of the warm-up instances; CAMEL_JVM_OPTS adds options to every Camel receiver; ours-* takes the same sets
#        except cds and aot (its class path has directories, which neither archive takes); gateway-* all but cds)
#        (receivers gateway-fsync/gateway-nofsync: the same route run by the packaged product, `serve` on Quarkus,
#        built with mvn package)
#        [PASSES=n]: the measured batch (500 small or 200 large) is sent n times to the same receiver after its
#        warm-up, each pass verified and the received files removed before the next; the row gives the median
#        pass and every pass's rate (not for orthanc); "ready after": seconds from the receiver's launch to its
#        port accepting connections
#        [OUT_FS=auto|ext4|host]: where the receivers write: auto (default) = a fresh journaled ext4 on a loop
#        device when run as root, else WORKDIR's file system; ext4 = the loop file system or fail; host = WORKDIR's
#        file system (this machine's: ext4 without a journal, see below)
#        [OUT_BASE=dir]: where the receivers write, overriding OUT_FS, e.g. /dev/shm to take the disk out of the
#        comparison
#        [INTERLEAVE=1]: all receivers of a row run at once on their own ports and the passes alternate between
#        them (default PASSES=5); each pass is also given as a ratio to storescp's rate in the same pass, and each
#        receiver's CPU time (user + system, children included) per instance as the median over the passes
#        (prints a markdown table; needs dcmtk, orthanc, bc, a JDK, maven)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
. "$HERE/common.sh"

if [ "${1:-}" != "--inside" ]; then
  WORK="${1:-$(mktemp -d /tmp/dicom-ingest.XXXX)}"
  mkdir -p "$WORK/classes"
  (cd "$ROOT" && mvn -q -o -B compile && mvn -q -o -B dependency:build-classpath -Dmdep.outputFile="$WORK/cp.txt")
  # A private copy of the classes, so that a build running meanwhile cannot pull them away.
  rm -rf "$WORK/app-classes"; cp -r "$ROOT/target/classes" "$WORK/app-classes"
  CP="$WORK/app-classes:$(cat "$WORK/cp.txt")"
  javac -d "$WORK/classes" -cp "$CP" "$HERE/Generate.java" "$HERE/Verify.java" "$HERE/CamelIngest.java"
  # The gateway receivers run the packaged Quarkus application (a private copy, as above).
  case "${RECEIVERS:-}" in *gateway*)
    (cd "$ROOT" && mvn -q -o -B package -DskipTests)
    rm -rf "$WORK/gateway-app"; cp -r "$ROOT/target/quarkus-app" "$WORK/gateway-app" ;;
  esac
  # The Camel receivers run from jars: a class-data sharing archive accepts only jars on the class path.
  rm -f "$WORK/app.jar" "$WORK/bench.jar" "$WORK/camel.jsa"
  jar cf "$WORK/app.jar" -C "$WORK/app-classes" . && jar cf "$WORK/bench.jar" -C "$WORK/classes" .
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
  mount_out_fs "$WORK"
  status=0
  if unshare --net true 2>/dev/null; then
    unshare --net bash "$0" --inside "$WORK" || status=$?
  else
    echo "note: unshare --net unavailable; receivers listen on all interfaces during the run" >&2
    bash "$0" --inside "$WORK" || status=$?
  fi
  unmount_out_fs "$WORK"
  exit $status
fi

WORK="$2"
OUT_BASE="${OUT_BASE:-$WORK}"; mkdir -p "$OUT_BASE"
ip link set lo up 2>/dev/null || true
export TCP_NODELAY=1
CP="$WORK/classes:$WORK/app-classes:$(cat "$WORK/cp.txt")"
PORT=11112
HTTP=18042
PIDS=()

# JVM options of a Java receiver: CAMEL_JVM_OPTS (Camel receivers only), then the option sets named after '+' in the
# receiver name.
jvm_opts() {
  local opts=() set
  case "$1" in camel*|gateway*) opts=(${CAMEL_JVM_OPTS:-}) ;; esac
  IFS=+ read -ra sets <<< "${1#*+}"
  [ "$1" = "${1#*+}" ] && sets=()
  for set in "${sets[@]}"; do
    case "$set" in
      cds) opts+=(-XX:SharedArchiveFile="$WORK/camel.jsa" -Xshare:auto) ;;
      c1) opts+=(-XX:TieredStopAtLevel=1) ;;
      serialgc) opts+=(-XX:+UseSerialGC) ;;
      jit) opts+=(-XX:CompileThresholdScaling=${JIT_SCALING:-0.1}) ;;
      nostream) opts+=(-Dcamel.main.streamCachingEnabled=false) ;;
      j25) ;;
      aot) [ -f "$(aot_cache "$1")" ] || { echo "no AOT cache $(aot_cache "$1")" >&2; exit 1; }
        opts+=(-XX:AOTCache="$(aot_cache "$1")") ;;
      *) echo "unknown JVM option set $set in $1" >&2; exit 1 ;;
    esac
  done
  [ -n "${AOT_TRAINING:-}" ] && opts+=(-XX:AOTCacheOutput="$AOT_TRAINING")
  echo "${opts[@]}"
}
# The java command of a Java receiver: the default JDK, or with the option set j25 or aot the JDK in JAVA25.
jvm_bin() { case "$1" in *+j25*|*+aot*) echo "$JAVA25" ;; *) echo java ;; esac; }
# The AOT cache (JDK 25, JEP 483/515: classes loaded and linked, and method profiles) of a receiver kind.
aot_cache() { local kind="${1%%+*}"; echo "$WORK/${kind%%-*}.aot"; }
# Makes the AOT caches the receivers named with +aot need: a training run of the receiver on the JDK in JAVA25 that
# gets TRAIN passes of the 200 warm-up instances (never the measured ones) and writes the cache as it exits.
make_aot_caches() {
  local r
  for r in ${RECEIVERS:-}; do
    case "$r" in *+aot*) ;; *) continue ;; esac
    [ -f "$(aot_cache "$r")" ] && continue
    AOT_TRAINING="$(aot_cache "$r")" start_receiver "${r%%+*}+j25" "$OUT_BASE/aot-training" "${TRAIN:-10}"
    stop_receiver
    rm -rf "$OUT_BASE/aot-training"
    [ -f "$(aot_cache "$r")" ] || { echo "no AOT cache written for $r, see $WORK/${r%%+*}+j25.log" >&2; exit 1; }
  done
}
camel_java() { # jvm-options route-file classes fsync outdir log [java]
  ${7:-java} $1 -Dcamel.main.routesIncludePattern="file:$2" -Dcamel.main.routesReloadEnabled=false \
    -Dbench.port=$PORT -Dbench.dir="$5" -Dbench.fsync=$4 -cp "$WORK/bench.jar:$3:$(cat "$WORK/cp.txt")" CamelIngest >"$6" 2>&1 &
}
# The class-data sharing archive of the Camel receiver: the classes loaded at start and during one warm-up pass.
make_cds_archive() {
  [ -f "$WORK/camel.jsa" ] && return 0
  rm -rf "$WORK/cds-out"; mkdir -p "$WORK/cds-out"
  camel_java "-XX:ArchiveClassesAtExit=$WORK/camel.jsa" "$HERE/camel-ingest.yaml" "$WORK/app.jar" false \
    "$WORK/cds-out" "$WORK/cds.log"
  local p=$!
  wait_port $PORT
  storescu -aet WARMUP -aec BENCH 127.0.0.1 $PORT +sd "$WORK/data/warmup" >/dev/null 2>&1
  kill "$p"; wait "$p" 2>/dev/null || true
  rm -rf "$WORK/cds-out"
  [ -f "$WORK/camel.jsa" ] || { echo "no CDS archive written, see $WORK/cds.log" >&2; exit 1; }
}
stop_receiver() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done; PIDS=(); }
trap stop_receiver EXIT

start_receiver() { # name outdir warm-up-passes; sets READY: seconds from launch to the port accepting
  rm -rf "$2"; mkdir -p "$2"
  local launched; launched=$(now)
  case "$1" in
    ours-fsync*) $(jvm_bin "$1") $(jvm_opts "$1") -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port $PORT --dir "$2" --min-free-mb 0 >"$WORK/$1.log" 2>&1 & ;;
    ours-nofsync*) $(jvm_bin "$1") $(jvm_opts "$1") -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port $PORT --dir "$2" --min-free-mb 0 --no-fsync >"$WORK/$1.log" 2>&1 & ;;
    base-fsync) java -cp "$WORK/classes:$BASE_CLASSES:$(cat "$WORK/cp.txt")" io.distillery.cli.Main dicom scp --aet BENCH \
      --port $PORT --dir "$2" --min-free-mb 0 >"$WORK/$1.log" 2>&1 & ;;
    base-nofsync) java -cp "$WORK/classes:$BASE_CLASSES:$(cat "$WORK/cp.txt")" io.distillery.cli.Main dicom scp --aet BENCH \
      --port $PORT --dir "$2" --min-free-mb 0 --no-fsync >"$WORK/$1.log" 2>&1 & ;;
    camel-fsync*|camel-nofsync*)
      local fsync=true; [ "${1%%+*}" = camel-nofsync ] && fsync=false
      camel_java "$(jvm_opts "$1")" "$HERE/camel-ingest.yaml" "$WORK/app.jar" $fsync "$2" "$WORK/$1.log" "$(jvm_bin "$1")" ;;
    camelbase-fsync*|camelbase-nofsync*)
      local fsync=true; [ "${1%%+*}" = camelbase-nofsync ] && fsync=false
      camel_java "$(jvm_opts "$1")" "${BASE_ROUTE:-$HERE/camel-ingest.yaml}" "${BASE_CLASSES:-$WORK/app.jar}" \
        $fsync "$2" "$WORK/$1.log" "$(jvm_bin "$1")" ;;
    gateway-fsync*|gateway-nofsync*)
      # The product as deployed: `serve` (Quarkus, Camel Quarkus, the gateway's configuration) with the benchmark's
      # route as the only file of routes/, in a folder of its own (its embedded store and H2 files land there).
      local fsync=true home="$WORK/$1.home"; [ "${1%%+*}" = gateway-nofsync ] && fsync=false
      rm -rf "$home"; mkdir -p "$home/routes" "$home/dicom-samples"
      cp "$HERE/camel-ingest.yaml" "$home/routes/"; echo "accession_number,label" > "$home/dicom-samples/labels.csv"
      (cd "$home" && DISTILLERY_DEID_SECRET=bench-only-secret-0123456789 exec $(jvm_bin "$1") $(jvm_opts "$1") \
        -Dbench.port=$PORT -Dbench.dir="$2" -Dbench.fsync=$fsync -Dquarkus.http.port=$((PORT + 7000)) \
        -jar "$WORK/gateway-app/quarkus-run.jar" serve >"$WORK/$1.log" 2>&1) & ;;
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
  READY=$(echo "$(now) - $launched" | bc -l)
  # Warm-up (JIT, caches): passes over 200 other small instances, not timed, not counted.
  for _ in $(seq 1 "$3"); do
    storescu -aet WARMUP -aec BENCH 127.0.0.1 $PORT +sd "$WORK/data/warmup" >/dev/null 2>&1
  done
}

send_batch() { # size mode
  if [ "$2" = "1" ]; then
    storescu -aet SENDER -aec BENCH 127.0.0.1 $PORT +sd "$WORK/data/$1" >"$WORK/send.log" 2>&1
  else
    local senders=() s
    for d in "$WORK/data/$1-split"/*; do
      storescu -aet SENDER -aec BENCH 127.0.0.1 $PORT +sd "$d" >"$WORK/send-$(basename "$d").log" 2>&1 &
      senders+=($!)
    done
    for s in "${senders[@]}"; do wait "$s"; done
  fi
}

measure() { # receiver size mode warm-up-passes -> prints a table row
  local out="$OUT_BASE/out-$1-$2-$3" n t0 t1 passes="${PASSES:-1}" pass verdict="" v secs=() rates=()
  case "$1" in orthanc) [ "$passes" = 1 ] || { echo "PASSES>1 is not supported for orthanc" >&2; exit 1; } ;; esac
  start_receiver "$1" "$out" "$4"
  n=$(ls "$WORK/data/$2" | wc -l)
  for pass in $(seq 1 "$passes"); do
    t0=$(now)
    send_batch "$2" "$3"
    t1=$(now)
    secs+=("$(echo "$t1 - $t0" | bc -l)")
    rates+=("$(printf '%.0f' "$(echo "$n / ($t1 - $t0)" | bc -l)")")
    if [ "$pass" = "$passes" ]; then stop_receiver; fi
    v=$(java -cp "$CP" Verify "$WORK/data/$2" "$out" || true)
    [ "$v" = "ok $n" ] || verdict="pass $pass: $v"
    [ "$pass" = "$passes" ] || find "$out" -mindepth 1 -maxdepth 1 -type f ! -name '.*' -delete
  done
  [ -n "$verdict" ] || verdict="ok $n x $passes"
  local median_secs median_rate
  median_secs=$(printf '%s\n' "${secs[@]}" | sort -gr | sed -n "$(( (passes + 1) / 2 ))p")
  median_rate=$(printf '%s\n' "${rates[@]}" | sort -g | sed -n "$(( (passes + 1) / 2 ))p")
  printf '| %s | %s | %s | %d | %d | %.2f | %s | %s | %.1f | %s |\n' "$1" "$2" "$3" "$((200 * $4))" "$n" "$median_secs" \
    "$median_rate" "$(IFS=' '; echo "${rates[*]}")" "$READY" "$verdict"
  rm -rf "$out" "$out.index"
}

# INTERLEAVE=1: every receiver of the row runs at once, each on its own port, and the passes alternate between them
# (pass 1 to each receiver in turn, then pass 2, the order rotated every pass), so that a slow spell of the shared
# machine hits every receiver alike; two columns give each pass's rate divided by storescp's pass of the same turn
# and the median of those ratios; one more the receiver's CPU time (user + system, children included) per instance,
# median over the passes: with 8 senders on 2 cores, CPU per instance decides the rate.
measure_interleaved() { # size mode warm-up-passes -> prints one table row per receiver
  local receivers=(${RECEIVERS:-ours-nofsync camel-nofsync storescp}) passes="${PASSES:-5}" i r pass n t0 t1 c0 k
  local -A port rates secs verdict pid cpu
  n=$(ls "$WORK/data/$1" | wc -l)
  for i in "${!receivers[@]}"; do
    r=${receivers[$i]}
    case "$r" in orthanc) echo "INTERLEAVE does not support orthanc" >&2; exit 1 ;; esac
    port[$r]=$((11112 + i)); PORT=${port[$r]}
    start_receiver "$r" "$OUT_BASE/out-$r" "$3"; READY_OF[$r]=$READY; pid[$r]=${PIDS[-1]}
  done
  for pass in $(seq 1 "$passes"); do
    for k in $(seq 0 $((${#receivers[@]} - 1))); do
      r=${receivers[$(( (k + pass - 1) % ${#receivers[@]} ))]}; PORT=${port[$r]}
      c0=$(cpu_ticks "${pid[$r]}"); t0=$(now); send_batch "$1" "$2"; t1=$(now)
      rates[$r:$pass]=$(echo "$n / ($t1 - $t0)" | bc -l)
      secs[$r:$pass]=$(echo "$t1 - $t0" | bc -l)
      v=$(java -cp "$CP" Verify "$WORK/data/$1" "$OUT_BASE/out-$r" || true)
      # read after Verify: storescp has reaped its children by then, and a JVM's compiler threads have finished
      # what the pass gave them (both are the receiver's cost of the pass)
      cpu[$r:$pass]=$(( ($(cpu_ticks "${pid[$r]}") - c0) * 1000000 / CLK_TCK / n ))
      [ "$v" = "ok $n" ] || verdict[$r]="pass $pass: $v"
      find "$OUT_BASE/out-$r" -mindepth 1 -maxdepth 1 -type f ! -name '.*' -delete
    done
  done
  stop_receiver
  for r in "${receivers[@]}"; do
    local each="" ratios="" median_rate median_secs median_ratio="-" median_cpu
    for pass in $(seq 1 "$passes"); do
      each+="$(printf '%.0f ' "${rates[$r:$pass]}")"
      [ -n "${rates[storescp:$pass]:-}" ] && ratios+="$(printf '%.2f ' "$(echo "${rates[$r:$pass]} / ${rates[storescp:$pass]}" | bc -l)")"
    done
    median_rate=$(for pass in $(seq 1 "$passes"); do echo "${rates[$r:$pass]}"; done | sort -g | sed -n "$(( (passes + 1) / 2 ))p")
    median_secs=$(for pass in $(seq 1 "$passes"); do echo "${secs[$r:$pass]}"; done | sort -g | sed -n "$(( (passes + 1) / 2 ))p")
    [ -n "$ratios" ] && median_ratio=$(printf '%s\n' $ratios | sort -g | sed -n "$(( (passes + 1) / 2 ))p")
    median_cpu=$(for pass in $(seq 1 "$passes"); do echo "${cpu[$r:$pass]}"; done | sort -g | sed -n "$(( (passes + 1) / 2 ))p")
    printf '| %s | %s | %s | %d | %d | %.2f | %.0f | %s| %s| **%s** | %d | %.1f | %s |\n' "$r" "$1" "$2" "$((200 * $3))" "$n" \
      "$median_secs" "$median_rate" "$each" "${ratios:--}" "$median_ratio" "$median_cpu" "${READY_OF[$r]}" \
      "${verdict[$r]:-ok $n x $passes}"
    rm -rf "$OUT_BASE/out-$r"
  done
  PORT=11112
}
declare -A READY_OF

echo "load average at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "receivers write to $(out_fs)"
if [ -n "${INTERLEAVE:-}" ]; then
  case "${RECEIVERS:-}" in *+cds*) make_cds_archive ;; esac
  case "${RECEIVERS:-}" in *+aot*) make_aot_caches ;; esac
  echo "interleaved: all receivers of a row run at once, passes alternate between them (${PASSES:-5} passes each)"
  echo "| receiver | size | senders | warm-up | instances | seconds | instances/s | each pass (instances/s) | ÷ storescp, each pass | ÷ storescp, median | receiver CPU per instance (µs, median) | ready after (s) | verified (count + SHA-256) |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  for size in ${SIZES:-small large}; do
    for mode in ${SENDERS:-1 8}; do
      for warmup in ${WARMUPS:-${WARMUP:-1}}; do
        measure_interleaved "$size" "$mode" "$warmup"
      done
    done
  done
  echo "load average at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
  exit 0
fi
case "${RECEIVERS:-}" in *+cds*) make_cds_archive ;; esac
case "${RECEIVERS:-}" in *+aot*) make_aot_caches ;; esac
echo "passes per row: ${PASSES:-1} (seconds and instances/s: median pass)"
echo "| receiver | size | senders | warm-up | instances | seconds | instances/s | each pass (instances/s) | ready after (s) | verified (count + SHA-256) |"
echo "|---|---|---|---|---|---|---|---|---|---|"
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
