#!/usr/bin/env bash
# Two builds of vbc, before and after a change, settling the same file in turns (docs/performance.md, "CSV end to end
# faster"). Each round runs A then B, or B then A on odd rounds, each a whole process under /usr/bin/time; every
# statement must equal the first one byte for byte (the command stops if one differs). Prints each run and the mean
# and best CPU time (user+sys) and wall time of each build, with the load average before and after.
#
#   bench/compare-settle.sh A_VBC B_VBC [ROUNDS] [FILE]
#     A_VBC, B_VBC  published vbc executables: the native vbc (scripts/publish-native.sh DIR, then DIR/vbc; its managed
#                   copy is DIR/managed/vbc), or a managed one (dotnet publish src/vbc -c Release -r linux-x64 --self-contained false -o DIR)
#     ROUNDS        rounds of one run each (default 6)
#     FILE          the member file (default bench-out/members-1000000-seed42-cf0.95.csv)
# The contract and inputs are bench/run.sh's: contracts/mssp-basic-e.vbc, quality_score=92%, participant_revenue=20000000000.
# Not a test: it is not part of `dotnet test` or of CI.
set -euo pipefail
cd "$(dirname "$0")/.."
[[ $# -ge 2 ]] || { echo "usage: $0 A_VBC B_VBC [ROUNDS] [FILE]" >&2; exit 2; }
a=$1; b=$2; rounds=${3:-6}; file=${4:-bench-out/members-1000000-seed42-cf0.95.csv}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
run() { # name vbc round
    /usr/bin/time -f "%U %S %e %M" -o "$out/$1.$3.time" "$2" settle contracts/mssp-basic-e.vbc --data "$file" \
        --input quality_score=92% --input participant_revenue=20000000000 > "$out/$1.$3.txt"
    read -r user sys wall peak < "$out/$1.$3.time"
    echo "$1 $3 $user $sys $wall $peak" >> "$out/runs"
    printf '%s round %d: cpu %.2f s (user %s, sys %s), wall %s s, peak %d MB\n' "$1" "$3" "$(awk "BEGIN{print $user+$sys}")" "$user" "$sys" "$wall" $((peak / 1024))
    [[ -e $out/first.txt ]] || cp "$out/$1.$3.txt" "$out/first.txt"
    cmp -s "$out/first.txt" "$out/$1.$3.txt" || { echo "the statement of $1 round $3 differs from the first one" >&2; exit 1; }
}
for ((r = 1; r <= rounds; r++)); do
    if ((r % 2)); then run A "$a" "$r"; run B "$b" "$r"; else run B "$b" "$r"; run A "$a" "$r"; fi
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
awk '{cpu=$3+$4; n[$1]++; c[$1]+=cpu; w[$1]+=$5; m[$1]=($6>m[$1]?$6:m[$1]);
      if (!($1 in bc) || cpu<bc[$1]) bc[$1]=cpu; if (!($1 in bw) || $5<bw[$1]) bw[$1]=$5}
     END {for (k in n) printf "%s: mean cpu %.3f s (best %.2f), mean wall %.3f s (best %.2f), peak %d MB, %d runs\n", k, c[k]/n[k], bc[k], w[k]/n[k], bw[k], m[k]/1024, n[k]}' "$out/runs" | sort
echo "statements: identical in all $((2 * rounds)) runs"
