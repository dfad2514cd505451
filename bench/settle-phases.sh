#!/usr/bin/env bash
# Where a whole `vbc settle` process spends its time (docs/performance.md, "A whole vbc settle, profiled"): perf
# samples (cpu-clock, 999 Hz, every thread, call chains) of the published vbc settling the benchmark contract over
# FILE, split into phases by what the threads run (start-up until the reader starts, reading and the member stage,
# the finish, hashing the data file, writing) and into kinds of work (JIT compiler, runtime, parsing, duplicate-id
# check, member stage, kernel, SHA-256). Each sample is about 1 ms of CPU, so the counts are CPU milliseconds
# whatever the load; wall times are those of the run under perf.
#
#   bench/settle-phases.sh FILE [VBC]     (VBC: default bench-out/vbc/vbc, as bench/run.sh publishes it)
#
# Needs perf (linux-perf); not part of tests or CI. ReadyToRun code has no names in perf's maps: frames of
# precompiled methods count as "other managed / native" unless a JIT-compiled frame above them is named.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 1 ]] || { echo "usage: $0 FILE [VBC]" >&2; exit 2; }
file=$1
vbc=${2:-bench-out/vbc/vbc}
mkdir -p bench-out
out=bench-out/settle-phases
mapfile -t maps_before < <(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null || true)
DOTNET_PerfMapEnabled=3 DOTNET_EnableWriteXorExecute=0 perf record -q -e cpu-clock -F 999 -g -o "$out.data" -- \
    "$vbc" settle contracts/mssp-basic-e.vbc --data "$file" --input quality_score=92% --input participant_revenue=20000000000 >/dev/null
perf script -i "$out.data" -F comm,tid,time,ip,sym,dso 2>/dev/null > "$out.txt"
python3 bench/settle_phases.py "$out.txt"
comm -13 <(printf '%s\n' "${maps_before[@]}" | sort) <(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null | sort) | xargs -r rm -f
