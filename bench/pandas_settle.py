#!/usr/bin/env python3
"""contracts/mssp-basic-e.vbc settled in pandas, as an actuary would write it: the benchmark's side-by-side peer.

    python3 bench/pandas_settle.py MEMBERS.csv QUALITY REVENUE      (QUALITY as a fraction: 0.92)

Reads the generated member file with pandas' default float64 columns (what read_csv gives), keeps attributed, non-ESRD
members with member months, truncates each member's cost at the 99th percentile (Series.quantile's default linear
interpolation is Excel's PERCENTILE.INC), and prints the same figures and TOTAL line as the other peers. Floating point
throughout: the benchmark reports how far its total lands from vbc's exact one.
"""
import sys

import pandas as pd

path, quality, revenue = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
categories = ["inpatient", "outpatient", "professional", "pharmacy", "snf", "home_health"]
df = pd.read_csv(path, usecols=["member_id", "member_months", "risk_score", "attributed", "esrd"] + categories)
if df["member_id"].duplicated().any():
    sys.exit("duplicate member ids")
pop = df[(df["attributed"] == 1) & (df["esrd"] == 0) & (df["member_months"] > 0)]
cost = pop[categories].sum(axis=1)
p99 = cost.quantile(0.99)
actual = cost.clip(upper=p99).sum()
mm = pop["member_months"].sum()
risk_ratio = min((pop["risk_score"] * pop["member_months"]).sum() / mm / 1.000, 1.03)
benchmark = 812.00 * (1 + 0.031) * risk_ratio * mm
savings = benchmark - actual
rate = savings / benchmark
shared = min(savings * 0.50 * quality, 0.10 * benchmark) if savings > 0 and rate >= 0.02 else 0.0
losses = min(-savings * 0.30, 0.08 * revenue, 0.04 * benchmark) if savings < 0 and -rate >= 0.02 else 0.0
total = round(shared, 2) - round(losses, 2)
print(f"members {len(pop)} member_months {mm} p99 {p99!r} actual {actual!r} benchmark {benchmark!r}")
print(f"TOTAL {total:.2f}")
