#!/usr/bin/env bash
# Where the CPU time goes: perf samples (cpu-clock, every thread) of one benchmark configuration run in-process,
# with .NET's map of JIT-compiled methods so that managed frames have names.
#
#   bench/profile.sh CONFIGURATION FILE [RUNS] [REPEAT]
#     CONFIGURATION: engine-e2e | loop-e2e | read | engine-mem | loop-mem (see src/Vbc.Benchmarks/Configurations.cs)
#
# Writes bench-out/profile-CONFIGURATION.{data,txt} and prints the hottest methods (self time) and the split by
# thread. Needs perf (linux-perf); not part of tests or CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: $0 CONFIGURATION FILE [RUNS] [REPEAT]" >&2; exit 2; }
config=$1
file=$2
runs=${3:-3}
repeat=${4:-1}
dotnet build src/Vbc.Benchmarks/Vbc.Benchmarks.csproj -c Release -nologo -v quiet >&2
mkdir -p bench-out
out=bench-out/profile-$config
mapfile -t maps_before < <(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null || true)
DOTNET_PerfMapEnabled=1 DOTNET_ReadyToRun=0 DOTNET_EnableWriteXorExecute=0 perf record -q -e cpu-clock -F 499 -g -o "$out.data" -- \
    dotnet src/Vbc.Benchmarks/bin/Release/net10.0/Vbc.Benchmarks.dll --only "$config" contracts/mssp-basic-e.vbc "$file" "$runs" "$repeat"
tidy() { grep -v '^#' | grep -v '^$' | sed -E -e 's/ +$//' -e 's/\[(Optimized|OptimizedTier1|OptimizedTier1OSR|QuickJitted|Tier0|Tier1|Instrumented[A-Za-z0-9]*)\]//' -e 's/ +- +-$//' | cut -c1-200; }
{
    echo "## By thread (.NET Long Running = the reader's producer and parse workers; dotnet = the main thread)"
    perf report -i "$out.data" --stdio --no-children --sort comm -g none 2>/dev/null | tidy | head -20
    echo
    echo "## Hottest functions (self time, all threads)"
    perf report -i "$out.data" --stdio --no-children --sort sym -g none --percent-limit 0.4 2>/dev/null | tidy | head -60
    echo
    echo "## Hottest functions by thread"
    perf report -i "$out.data" --stdio --no-children --sort comm,sym -g none --percent-limit 0.7 2>/dev/null | tidy | head -60
} | tee "$out.txt"
# Remove the symbol maps this run wrote (and only those).
comm -13 <(printf '%s\n' "${maps_before[@]}" | sort) <(ls /tmp/perf-*.map /tmp/perfinfo-*.map 2>/dev/null | sort) | xargs -r rm -f
