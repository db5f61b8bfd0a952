#!/usr/bin/env bash
# CPU by thread of our SCP (dicom scp --no-fsync; SERVER=camel: the Camel route camel-ingest.yaml without fsync) and
# of storescp over the 500 small instances, after WARMUP passes of 200 warm-up instances; STRACE=1 also counts the
# JVM's system calls over those 500 instances (strace -c -f, attached after the warm-up).
# Needs a WORKDIR prepared by run.sh. usage: [SERVER=camel [ROUTE=file.yaml]] [WARMUP=n] [STRACE=1] unshare --net profile-cpu.sh WORKDIR CLASSES [JVM options]
set -u
W=$1; CLS=$2; shift 2
ip link set lo up; export TCP_NODELAY=1
CP="$W/classes:$CLS:$(cat $W/cp.txt)"
waitp() { for _ in $(seq 1 300); do (echo > /dev/tcp/127.0.0.1/11112) 2>/dev/null && return 0; sleep 0.1; done; }
snap() { for t in /proc/$1/task/*; do echo "$(cat $t/comm | tr ' ' _) $(awk "{print \$14\" \"\$15}" $t/stat)"; done | awk "{u[\$1]+=\$2; s[\$1]+=\$3} END {for (k in u) print k, u[k]+s[k], u[k], s[k]}" | sort; }
rm -rf $W/p-cpu; mkdir -p $W/p-cpu
if [ "${SERVER:-ours}" = camel ]; then
  java "$@" -Dcamel.main.routesIncludePattern="file:${ROUTE:-$(dirname "$0")/camel-ingest.yaml}" -Dcamel.main.routesReloadEnabled=false \
    -Dbench.port=11112 -Dbench.dir=$W/p-cpu -Dbench.fsync=false -cp "$CP" CamelIngest >$W/p-cpu.log 2>&1 & P=$!
else
  java "$@" -cp "$CP" io.distillery.cli.Main dicom scp --aet BENCH --port 11112 --dir $W/p-cpu --min-free-mb 0 --no-fsync >$W/p-cpu.log 2>&1 & P=$!
fi
waitp
for _ in $(seq 1 ${WARMUP:-1}); do storescu -aet W -aec BENCH 127.0.0.1 11112 +sd $W/data/warmup >/dev/null 2>&1; done
if [ -n "${STRACE:-}" ]; then strace -c -f -p $P -o $W/strace.txt & S=$!; sleep 1; fi
snap $P > $W/cpu-a.txt
t0=$(date +%s.%N)
storescu -aet S -aec BENCH 127.0.0.1 11112 +sd $W/data/small >/dev/null 2>&1
t1=$(date +%s.%N)
snap $P > $W/cpu-b.txt
if [ -n "${STRACE:-}" ]; then kill -INT $S; wait $S 2>/dev/null; head -25 $W/strace.txt; fi
kill $P; wait $P 2>/dev/null
echo "rate $(echo "500/($t1-$t0)" | bc -l | cut -c1-6)/s"
W="$W" python3 - <<'PY'
import os; W = os.environ['W']
a={l.split()[0]:list(map(int,l.split()[1:])) for l in open(W + '/cpu-a.txt')}
for l in open(W + '/cpu-b.txt'):
    k,*v=l.split(); v=list(map(int,v)); o=a.get(k,[0,0,0])
    d=[(x-y)*10 for x,y in zip(v,o)]
    if d[0]>0: print(f"{k}: {d[0]} ms (user {d[1]}, sys {d[2]})")
PY
# storescp, same 500 instances, same warm-up
rm -rf $W/p-sc; mkdir -p $W/p-sc
storescp -aet BENCH -od $W/p-sc 11112 >/dev/null 2>&1 & P=$!
waitp
storescu -aet W -aec BENCH 127.0.0.1 11112 +sd $W/data/warmup >/dev/null 2>&1
read u0 s0 < <(awk '{print $14, $15}' /proc/$P/stat)
t0=$(date +%s.%N)
storescu -aet S -aec BENCH 127.0.0.1 11112 +sd $W/data/small >/dev/null 2>&1
t1=$(date +%s.%N)
read u1 s1 < <(awk '{print $14, $15}' /proc/$P/stat)
kill $P; wait $P 2>/dev/null
echo "storescp rate $(echo "500/($t1-$t0)" | bc -l | cut -c1-6)/s; cpu $(( (u1-u0+s1-s0)*10 )) ms (user $(( (u1-u0)*10 )), sys $(( (s1-s0)*10 )))"
