#!/bin/sh
# Writes an AOT cache for the gateway (JDK 25 or later: JEP 483/514/515, loaded and linked classes plus the method
# profiles of a training run), so that a freshly started gateway ingests at close to its warmed-up speed instead of
# spending its first thousands of instances in the interpreter and the JIT compilers (bench/dicom-ingest/README.md,
# session 12). The training run is the product itself: `serve` with the shipped ingest route, in a scratch folder,
# receives dicom-samples/ over DICOM from the product's own `dicom store`, then stops and writes the cache.
#
# usage: src/main/docker/aot-train.sh APP_DIR CACHE [SAMPLES_DIR] [ROUTE]
#   APP_DIR   the fast-jar folder (target/quarkus-app); run the gateway later with the same folder at the same path
#   CACHE     the cache to write, e.g. APP_DIR/app.aot, and CACHE.stamp beside it; start the gateway with
#             -XX:AOTCache=CACHE (it refuses to run when the stamp does not match its files)
#   SAMPLES   a folder of labelled DICOM files (any name; files ending .csv, .md or .txt are not sent) and the
#             labels.csv that names their labels (default dicom-samples)
#   ROUTE     the ingest route to train (default routes/modality-ingest.yaml)
#   JAVA      the java command (default java); it must be the JDK build that runs the gateway, with the same GC
#             (the image sets -XX:+UseG1GC so that a small container does not switch to the serial collector)
#   JAVA_OPTS further options, the same as the gateway's
# Another JDK build makes the JVM ignore the cache (with a warning). Other application files make the gateway stop
# with one error line (CACHE.stamp, AotCacheGuard), because JDK 25.0.3 would run the cached old classes (JDK-8377932).
set -eu
app=$(cd "${1:?usage: aot-train.sh APP_DIR CACHE [SAMPLES_DIR] [ROUTE]}" && pwd)
cache=${2:?usage: aot-train.sh APP_DIR CACHE [SAMPLES_DIR] [ROUTE]}
samples=$(cd "${3:-dicom-samples}" && pwd)
route=${4:-routes/modality-ingest.yaml}
java=${JAVA:-java}
port=${TRAIN_PORT:-11199}
case "$cache" in /*) ;; *) cache="$PWD/$cache" ;; esac
[ -f "$samples/labels.csv" ] || { echo "aot-train: $samples has no labels.csv" >&2; exit 2; }

home=$(mktemp -d)
pid=""
trap 'kill "$pid" 2>/dev/null || true; rm -rf "$home"' EXIT
mkdir -p "$home/routes" "$home/dicom-samples"
cp "$route" "$home/routes/"
cp "$samples/labels.csv" "$home/dicom-samples/labels.csv"
rm -f "$cache"

# A throw-away pseudonymisation secret: nothing of the training run is kept but the cache (class metadata and method
# profiles) and its stamp.
secret=$(od -An -tx1 -N32 /dev/urandom | tr -d ' \n')
(cd "$home" && DISTILLERY_DEID_SECRET=$secret DISTILLERY_SCP_PORT=$port DISTILLERY_SCP_BIND_ADDRESS=127.0.0.1 \
  QUARKUS_HTTP_PORT=0 exec "$java" ${JAVA_OPTS:-} -XX:AOTCacheOutput="$cache" -jar "$app/quarkus-run.jar" serve \
  > "$home/serve.log" 2>&1) &
pid=$!

tries=0
until "$java" -jar "$app/quarkus-run.jar" dicom echo "DISTILLERY@127.0.0.1:$port" > /dev/null 2>&1; do
  tries=$((tries + 1))
  if [ $tries -ge 120 ] || ! kill -0 "$pid" 2>/dev/null; then
    echo "aot-train: the training gateway did not start; its log:" >&2; cat "$home/serve.log" >&2; exit 1
  fi
  sleep 1
done
find "$samples" -type f ! -name '*.csv' ! -name '*.md' ! -name '*.txt' \
    -exec "$java" -jar "$app/quarkus-run.jar" dicom store "DISTILLERY@127.0.0.1:$port" {} + \
  || { echo "aot-train: sending $samples failed; the gateway's log:" >&2; cat "$home/serve.log" >&2; exit 1; }

# SIGTERM: the gateway shuts down and the JVM writes the cache as it exits.
kill "$pid"
wait "$pid" || true
[ -s "$cache" ] || { echo "aot-train: no cache written; the gateway's log:" >&2; cat "$home/serve.log" >&2; exit 1; }
# The stamp the application wrote at the start of the training run: a run with this cache checks the files it runs
# against it and refuses a cache trained on another build (JDK 25.0.3 itself does not check; JDK-8377932).
[ -s "$cache.stamp" ] || { echo "aot-train: no $cache.stamp written" >&2; rm -f "$cache"; exit 1; }
# The cache holds class metadata and profiles; make sure the run's secret did not end up in it.
if grep -qaF "$secret" "$cache"; then
  rm -f "$cache"; echo "aot-train: the training run's secret appears in the cache; cache removed" >&2; exit 1
fi
echo "aot-train: wrote $cache ($(wc -c < "$cache") bytes)"
