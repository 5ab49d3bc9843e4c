#!/bin/bash
# usage: drain.sh <count> <concurrency> [prof]
cd /work/main
N=node_modules/.bin/node
T=drain_$(date +%s%N | cut -c1-13)
$N src/cli/main.ts ingest --source builtin --count $1 --rate 0 --topic $T --log-level warn >/dev/null 2>&1
PROF=""; [ -n "$3" ] && PROF="--cpu-prof --cpu-prof-dir=scratch/prof"
S=$(date +%s.%N)
$N $PROF src/bench/engine-child.ts node "{\"topic\":\"$T\",\"keyspace\":\"$T\",\"groupId\":\"$T\",\"concurrency\":\"$2\"}" > scratch/eng.out 2>scratch/eng.err &
PID=$!
while ! grep -q "\"written\":$1" scratch/eng.out 2>/dev/null; do sleep 0.2; done
E=$(date +%s.%N)
HWM=$(grep VmHWM /proc/$PID/status)
kill -TERM $PID; wait $PID
R=$(grep -m1 -n ready scratch/eng.out | cut -d: -f1)
python3 -c "print('drain $1 @c=$2: %.1f s => %.0f rows/s (incl. startup)' % ($E-$S, $1/($E-$S)))"
echo "$HWM"; grep '"written"' scratch/eng.out | head -3 | cut -c1-120
