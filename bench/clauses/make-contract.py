#!/usr/bin/env python3
"""Writes a contract with N bonus clauses to time 'vbc check' and 'vbc settle' against its size (bench/clauses/run.sh).

    python3 bench/clauses/make-contract.py bonus 10000 > /tmp/bonus-10000.vbc
"""
import sys

HEAD = """contract "Many clauses" {
  period: 2024-01-01 to 2024-12-31
}

data {
  member_id: id
  member_months: member_months
  inpatient: money
}

inputs {
  quality_score: percent
}

cost {
  categories: inpatient
}

benchmark {
  total: $100,000,000
}

shared savings {
  rate: 50% * quality_score
}
"""


def main():
    kind, n = sys.argv[1], int(sys.argv[2])
    out = [HEAD]
    if kind == "bonus":
        for i in range(n):
            out.append(f'\nbonus "Bonus {i}" {{\n  when: quality_score >= {i % 100}%\n  amount: ${i % 7}.00 PMPM\n}}\n')
    else:
        raise SystemExit("kind is 'bonus'")
    sys.stdout.write("".join(out))


main()
