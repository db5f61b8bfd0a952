#!/usr/bin/env bash
# Where the Camel route (camel-ingest.yaml, no fsync; SERVER=ours: dicom scp --no-fsync) spends its CPU per instance
# in steady state: JDK Flight Recorder started after WARMUP passes of 200 warm-up instances, then PASSES passes of
# the 500 small instances (one sender), Java execution samples every 1 ms (a copy of the JDK's profile settings),
# aggregated by jfr-top.py. Needs a WORKDIR prepared by run.sh.
# usage: [SERVER=ours] [ROUTE=file.yaml] [WARMUP=25] [PASSES=10] unshare --net bench/dicom-ingest/profile-jfr.sh WORKDIR CLASSES [JVM options]
set -u
W=$1; CLS=$2; shift 2
HERE="$(cd "$(dirname "$0")" && pwd)"
ip link set lo up; export TCP_NODELAY=1
CP="$W/classes:$CLS:$(cat $W/cp.txt)"
waitp() { for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/11112) 2>/dev/null && return 0; sleep 0.1; done; }
JDK_JFR="$(dirname "$(dirname "$(readlink -f "$(command -v java)")")")/lib/jfr/profile.jfc"
sed 's/<setting name="period" control="method-sampling-java-interval">10 ms</<setting name="period" control="method-sampling-java-interval">1 ms</' \
  "$JDK_JFR" > $W/sample-1ms.jfc
rm -rf $W/p-jfr; mkdir -p $W/p-jfr
if [ "${SERVER:-camel}" = camel ]; then
  java "$@" -Dcamel.main.routesIncludePattern="file:${ROUTE:-$HERE/camel-ingest.yaml}" -Dcamel.main.routesReloadEnabled=false \
    -Dbench.port=11112 -Dbench.dir=$W/p-jfr -Dbench.fsync=false -cp "$CP" CamelIngest >$W/p-jfr.log 2>&1 & P=$!
else
  java "$@" -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port 11112 --dir $W/p-jfr --min-free-mb 0 --no-fsync >$W/p-jfr.log 2>&1 & P=$!
fi
waitp
for _ in $(seq 1 ${WARMUP:-25}); do storescu -aet W -aec BENCH 127.0.0.1 11112 +sd $W/data/warmup >/dev/null 2>&1; done
# CPU (user, system; clock ticks) of the association threads, whose names start with dicom-BENCH-.
assoc_cpu() { for t in /proc/$P/task/*; do [[ "$(cat $t/comm)" == dicom-BENCH-[0-9]* ]] && awk '{print $14, $15}' $t/stat; done | awk '{u+=$1; s+=$2} END {print u+0, s+0}'; }
jcmd $P JFR.start name=steady settings=$W/sample-1ms.jfc >/dev/null
read u0 s0 < <(assoc_cpu)
t0=$(date +%s.%N)
for i in $(seq 1 ${PASSES:-10}); do
  storescu -aet S -aec BENCH 127.0.0.1 11112 +sd $W/data/small >/dev/null 2>&1
  rm -f $W/p-jfr/*.dcm
done
t1=$(date +%s.%N)
read u1 s1 < <(assoc_cpu)
jcmd $P JFR.stop name=steady filename=$W/steady.jfr >/dev/null
kill $P; wait $P 2>/dev/null
N=$((500 * ${PASSES:-10}))
echo "instances $N, seconds $(echo "$t1-$t0" | bc -l | cut -c1-6) (rm of the received files between passes included)"
echo "association thread CPU per instance: user $(echo "($u1-$u0)*10000/$N" | bc) us, system $(echo "($s1-$s0)*10000/$N" | bc) us"
python3 "$HERE/jfr-top.py" $W/steady.jfr
