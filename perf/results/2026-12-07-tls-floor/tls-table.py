#!/usr/bin/env python3
"""The TLS floor tables of perf/README.md from a JMH JSON result file (-prof gc): python3 tls-table.py tls-floor.json"""
import json, sys
from collections import defaultdict

runs = json.load(open(sys.argv[1]))
rows = defaultdict(dict)
hs = []
for r in runs:
    name = r["benchmark"].rsplit(".", 1)[1]
    p = r.get("params", {})
    pm = r["primaryMetric"]
    sm = r.get("secondaryMetrics", {})
    alloc = sm.get("gc.alloc.rate.norm", {}).get("score")
    def share(k):
        ops = sm.get("serverOps", {}).get("score")
        return sm[k]["score"] / ops if ops else None
    if name == "handshake":
        hs.append((p["key"], pm["score"], pm["scoreError"], share("cpuNanos") / 1000, alloc,
                   share("serverCpuNanos") / 1000, share("serverBytes")))
        continue
    key = (p["suite"], int(p["responseSize"]), p["buffers"])
    rows[key][name] = (pm["score"], pm["scoreError"], alloc,
                       share("serverBytes") if name == "server" else None,
                       share("serverCpuNanos") if name == "server" else None)

def n(x):
    return "NaN" if x != x else f"{x:,.0f}"

print("| protocol:suite | response | buffers | both ends ns/op | both ends B/op | server ns/op | server CPU ns/op | server B/op |")
print("| --- | ---: | --- | ---: | ---: | ---: | ---: | ---: |")
for (suite, size, buffers), b in sorted(rows.items(), key=lambda kv: (kv[0][1], kv[0][2] != "heap", kv[0][0])):
    e, s = b.get("exchange"), b.get("server")
    print(f"| {suite} | {size:,} | {buffers} | {n(e[0])} ± {n(e[1])} | {n(e[2])} | {n(s[0])} ± {n(s[1])} | {n(s[4])} | {n(s[3])} |")
if hs:
    print()
    print("| certificate | both ends µs/op (wall) | both ends CPU µs/op | both ends B/op | server CPU µs/op | server B/op |")
    print("| --- | ---: | ---: | ---: | ---: | ---: |")
    for key, score, err, cpu, alloc, scpu, sbytes in hs:
        print(f"| {key} | {score:,.0f} ± {err:,.0f} | {cpu:,.0f} | {n(alloc)} | {scpu:,.0f} | {n(sbytes)} |")
