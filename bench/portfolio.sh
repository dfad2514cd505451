#!/usr/bin/env bash
# A portfolio in one pass (docs/performance.md, "A portfolio"): one contract settled for 100 organisations over one
# member file, against the same file settled as one organisation, alternated in one run, with CPU time and peak memory.
#
#   bench/portfolio.sh [--members 1000000] [--organisations 100] [--runs 3] [--vbc PATH]
#     --vbc  the vbc to time: a published executable (the native vbc of scripts/publish-native.sh DIR is DIR/vbc), or
#            vbc.dll (run with dotnet); default the Release build's vbc.dll
#
# Builds Release, generates bench-out/members-N-seed42-orgsK.csv with `vbc generate members --organisations K` when it
# is missing, writes the contract (contracts/mssp-enhanced.vbc with an organisation_id column) and an inputs file of K
# rows, then runs `vbc settle` both ways under /usr/bin/time -v. Not a test: not part of `dotnet test` or CI.
set -euo pipefail
cd "$(dirname "$0")/.."

members=1000000
organisations=100
runs=3
measured=
while [[ $# -gt 0 ]]; do
    case $1 in
        --members) members=$2; shift 2 ;;
        --organisations) organisations=$2; shift 2 ;;
        --runs) runs=$2; shift 2 ;;
        --vbc) measured=$2; shift 2 ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done

out=bench-out
mkdir -p "$out"
dotnet build src/vbc/vbc.csproj -c Release -nologo -v quiet >&2
vbc=(dotnet src/vbc/bin/Release/net10.0/vbc.dll)
timed=("${vbc[@]}")
if [[ -n $measured ]]; then
    if [[ $measured == *.dll ]]; then timed=(dotnet "$measured"); else timed=("$measured"); fi
fi

data="$out/members-$members-seed42-orgs$organisations.csv"
if [[ ! -s $data ]]; then
    echo "Generating $data..." >&2
    "${vbc[@]}" generate members --members "$members" --seed 42 --cost-factor 0.95 --organisations "$organisations" --out "$data.tmp" >&2
    mv "$data.tmp" "$data"
fi
contract="$out/portfolio-enhanced.vbc"
sed 's/^  member_id: id$/  member_id: id\n  organisation_id: text/' contracts/mssp-enhanced.vbc > "$contract"
inputs="$out/portfolio-inputs-$organisations.csv"
{
    echo "organisation_id,quality_score"
    cut -d, -f2 "$data" | tail -n +2 | sort -u | awk '{ printf "%s,%d%%\n", $1, 80 + NR % 15 }'
} > "$inputs"
listed=$(($(wc -l < "$inputs") - 1))

measure() { # label, then the command: prints label, wall s, user+sys s, peak MB
    local label=$1; shift
    local log
    log=$(mktemp)
    /usr/bin/time -v "$@" > /dev/null 2> "$log" || { cat "$log" >&2; exit 1; }
    awk -v label="$label" -F': ' '
        /Elapsed \(wall clock\)/ { n = split($2, p, ":"); wall = (n == 3) ? p[1] * 3600 + p[2] * 60 + p[3] : p[1] * 60 + p[2] }
        /User time/ { user = $2 } /System time/ { sys = $2 } /Maximum resident/ { rss = $2 }
        END { printf "| %s | %.2f | %.2f | %.0f |\n", label, wall, user + sys, rss / 1024 }' "$log"
    rm -f "$log"
}

echo "Load average before: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores; $members members, $listed organisations."
echo
echo "| run | wall s | user+sys s | peak MB |"
echo "|---|---|---|---|"
for ((r = 1; r <= runs; r++)); do
    measure "one organisation (the whole file)" "${timed[@]}" settle "$contract" --data "$data" --input quality_score=90% --format json
    measure "$listed organisations in one pass" "${timed[@]}" settle "$contract" --data "$data" --inputs "$inputs" --format csv
done
echo
echo "Load average after: $(cut -d' ' -f1-3 /proc/loadavg)."
