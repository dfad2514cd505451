#!/usr/bin/env bash
# The settlement benchmark (docs/performance.md): one command, one report.
#
#   bench/run.sh [--sizes "1000000:0.95 10000000:1.05"] [--runs 4] [--no-postgres] [--wait-quiet MINUTES] [--peers-only]
#
# From a clean clone: builds Release, generates the member files into bench-out/ (git-ignored) when they are
# missing (CSV, and the same members as Parquet), installs Debian's python3-pandas when it is missing and this is
# root (else the pandas peer is reported NOT RUN), starts a throwaway PostgreSQL 15 server (bench/postgres.sh), runs
# src/Vbc.Benchmarks over every file, stops the server. The report is printed and written to bench-out/report.md.
#   --sizes       members:cost-factor pairs for `vbc generate members --seed 42`; the cost factors are chosen so the
#                 settlement is not zero (0.95: savings beyond the 2% minimum; 1.05: losses beyond it)
#   --runs        runs per configuration: the first is cold (a fresh process), the others warm
#   --wait-quiet  wait up to this many minutes for the 1-minute load average to fall below 0.7 before measuring
#   --peers-only  only the side-by-side whole processes: vbc from CSV and from Parquet, the hand-written DuckDB
#                 query (bench: DuckDbQuery.cs) and pandas (bench/pandas_settle.py), alternated, --runs times each
# This is not a test: it is not part of `dotnet test` or of CI. Speed targets are checked here, not in unit tests.
set -euo pipefail
cd "$(dirname "$0")/.."

sizes="1000000:0.95 10000000:1.05"
runs=4
postgres=1
wait_quiet=0
peers_only=()
command="bench/run.sh $*"
while [[ $# -gt 0 ]]; do
    case $1 in
        --sizes) sizes=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --no-postgres) postgres=0; shift ;;
        --wait-quiet) wait_quiet=$2; shift 2 ;;
        --peers-only) peers_only=(--peers-only); postgres=0; shift ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

out=bench-out
mkdir -p "$out"

echo "Building (Release)..." >&2
dotnet build src/vbc/vbc.csproj -c Release -nologo -v quiet >&2
dotnet build src/Vbc.Benchmarks/Vbc.Benchmarks.csproj -c Release -nologo -v quiet >&2
vbc=(dotnet src/vbc/bin/Release/net10.0/vbc.dll)
bench=(dotnet src/Vbc.Benchmarks/bin/Release/net10.0/Vbc.Benchmarks.dll)

data=()
for pair in $sizes; do
    members=${pair%%:*}
    factor=${pair#*:}
    file="$out/members-$members-seed42-cf$factor.csv"
    if [[ ! -s $file ]]; then
        echo "Generating $file..." >&2
        "${vbc[@]}" generate members --members "$members" --seed 42 --cost-factor "$factor" --out "$file.tmp" >&2
        mv "$file.tmp" "$file"
    fi
    data+=(--data "$file")
    parquet="${file%.csv}.parquet"
    if [[ ! -s $parquet ]]; then
        echo "Generating $parquet..." >&2
        "${vbc[@]}" generate members --members "$members" --seed 42 --cost-factor "$factor" --format parquet --out "$parquet.tmp" >&2
        mv "$parquet.tmp" "$parquet"
    fi
    data+=(--parquet "$parquet")
done

# Debian's pandas is installed for Debian's Python (/usr/bin/python3), which may not be the python3 on PATH (pyenv).
if ! /usr/bin/python3 -c 'import pandas' 2>/dev/null && ! python3 -c 'import pandas' 2>/dev/null && [[ $(id -u) -eq 0 ]]; then
    echo "Installing python3-pandas (the pandas peer)..." >&2
    (apt-get install -y -q python3-pandas || (apt-get update -q && apt-get install -y -q python3-pandas)) >&2 || true
fi
python=python3
if ! python3 -c 'import pandas' 2>/dev/null && /usr/bin/python3 -c 'import pandas' 2>/dev/null; then
    python=/usr/bin/python3
fi

pg_args=()
state="$out/postgres.env"
if [[ $postgres -eq 1 ]]; then
    trap 'bench/postgres.sh stop "$state" || true' EXIT
    bench/postgres.sh start "$state"
    pg_args=(--postgres "$state")
fi

if [[ $wait_quiet -gt 0 ]]; then
    deadline=$(( $(date +%s) + wait_quiet * 60 ))
    while true; do
        load=$(cut -d' ' -f1 /proc/loadavg)
        if awk -v l="$load" 'BEGIN { exit !(l < 0.7) }'; then
            echo "Load average $load: measuring." >&2
            break
        fi
        if [[ $(date +%s) -ge $deadline ]]; then
            echo "Load average still $load after $wait_quiet minutes: measuring anyway (the report records the load)." >&2
            break
        fi
        echo "Load average $load: waiting for it to fall below 0.7..." >&2
        sleep 60
    done
fi

# Whole `vbc settle` processes are timed with vbc as it is installed: the native vbc (scripts/publish-native.sh), as
# "vbc settle"; its managed copy (ReadyToRun, in managed/) is a peer row beside it.
echo "Publishing the native vbc and the managed one (scripts/publish-native.sh) into $out/vbc..." >&2
scripts/publish-native.sh "$out/vbc" >&2
"${bench[@]}" "${data[@]}" --runs "$runs" "${pg_args[@]}" "${peers_only[@]}" --python "$python" --vbc "$out/vbc/vbc" --vbc-managed "$out/vbc/managed/vbc" \
    --out "$out/report.md" --command "$command"
