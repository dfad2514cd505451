"""Splits `perf script` samples of a whole `vbc settle` into phases and kinds of work (bench/settle-phases.sh)."""
import collections
import re
import sys

samples = []
current = None
for line in open(sys.argv[1], errors="replace"):
    if not line.strip():
        continue
    if not line[0].isspace():
        m = re.match(r"(.+?)\s+(\d+)\s+([\d.]+):", line)
        current = [m.group(1).strip(), float(m.group(3)), []]
        samples.append(current)
    else:
        current[2].append(line.strip())


def has(frames, key):
    return any(key in f for f in frames[:30])


READING = ("ProduceChunks", "CsvMemberReader::Parse", "DecodeGroup", "ParquetMemberReader::Decode")
start, end = samples[0][1], samples[-1][1]
reading = [t for _, t, fr in samples if any(has(fr, k) for k in READING)]
read_start, read_end = min(reading), max(reading)
hashing = [t for _, t, fr in samples if fr and "libcrypto" in fr[0] and t > read_end]
hash_start, hash_end = (min(hashing), max(hashing)) if hashing else (end, end)
bounds = [start, read_start, read_end, hash_start, hash_end, end]
names = ["start-up (runtime, command line, contract parsed and bound)", "reading and the member stage",
         "finish (percentile, clauses, statement)", "SHA-256 of the data file after the settlement", "writing, exit"]
phase = collections.Counter()
kind = collections.Counter()
for _, t, fr in samples:
    i = sum(1 for b in bounds[1:-1] if t > b)
    phase[i] += 1
    leaf = fr[0] if fr else ""
    if "libclrjit" in leaf:
        k = "JIT compiler"
    elif "libcrypto" in leaf:
        k = "SHA-256"
    elif "kernel" in leaf:
        k = "kernel (page faults, file reads)"
    elif has(fr, "::Sequence"):
        k = "duplicate-id check and batches in file order (Sequence)"
    elif has(fr, "CsvMemberReader::Parse") or has(fr, "DecodeBatch"):
        k = "parsing values (split, exact decimals)"
    elif has(fr, "ProduceChunks"):
        k = "finding row ends (the producer)"
    elif has(fr, "MemberStage") or has(fr, "Kernels"):
        k = "member stage"
    elif "libcoreclr" in leaf:
        k = "runtime (libcoreclr: GC, type loading, stubs)"
    else:
        k = "other managed or native code"
    kind[k] += 1
total = len(samples)
print(f"| phase | wall s (under perf) | CPU ms |\n|---|---:|---:|")
for i, name in enumerate(names):
    print(f"| {name} | {bounds[i + 1] - bounds[i]:.3f} | {phase[i]} |")
print(f"| whole process | {end - start:.3f} | {total} |\n")
print("| kind of work | CPU ms | share |\n|---|---:|---:|")
for k, n in kind.most_common():
    print(f"| {k} | {n} | {100 * n / total:.0f}% |")
