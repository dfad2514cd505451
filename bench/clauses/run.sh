#!/usr/bin/env bash
# Times 'vbc check' and 'vbc settle' against the number of clauses in a contract, to show that both grow linearly.
# Not a test: run it by hand and read the table (docs/performance.md, "Contract size").
#
#   bench/clauses/run.sh                 # 1,000 / 10,000 / 100,000 bonus clauses
#   bench/clauses/run.sh "1000 2000"     # other sizes
#
# It publishes vbc (Release, ReadyToRun) into bench-out/vbc as bench/run.sh does, writes each contract into
# bench-out/clauses/, and prints user+system CPU seconds (the machine is shared; wall time is printed beside it).
set -euo pipefail
cd "$(dirname "$0")/../.."
sizes="${1:-1000 10000 100000}"
out=bench-out
mkdir -p "$out/clauses"
dotnet publish src/vbc/vbc.csproj -c Release -r linux-x64 --self-contained false -o "$out/vbc" -nologo -v quiet >&2
vbc="$out/vbc/vbc"

printf '| clauses | check CPU s | check wall s | settle CPU s | settle wall s |\n|---|---|---|---|---|\n'
for n in $sizes; do
    contract="$out/clauses/bonus-$n.vbc"
    python3 bench/clauses/make-contract.py bonus "$n" > "$contract"
    /usr/bin/time -o "$out/clauses/time" -f "%U %S %e" "$vbc" check "$contract" > /dev/null 2>&1
    check=$(tail -1 "$out/clauses/time")
    /usr/bin/time -o "$out/clauses/time" -f "%U %S %e" "$vbc" settle "$contract" --data seeds/members.csv --input quality_score=92% > /dev/null 2>&1
    settle=$(tail -1 "$out/clauses/time")
    read -r cu cs cw <<< "$check"
    read -r su ss sw <<< "$settle"
    printf '| %s | %.2f | %.2f | %.2f | %.2f |\n' "$n" "$(echo "$cu + $cs" | bc)" "$cw" "$(echo "$su + $ss" | bc)" "$sw"
done
