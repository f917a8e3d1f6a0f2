"""Server bytes per exchange of TlsEngineFloorBenchmark.server, per fork: serverBytes / serverOps."""
import json, sys
for path in sys.argv[1:]:
    for run in json.load(open(path)):
        if not run["benchmark"].endswith(".server"):
            continue
        p = run["params"]
        sec = run["secondaryMetrics"]
        forks = [sum(b) / sum(o) for b, o in zip(sec["serverBytes"]["rawData"], sec["serverOps"]["rawData"])]
        iters = [[round(x / y, 1) for x, y in zip(b, o)] for b, o in zip(sec["serverBytes"]["rawData"], sec["serverOps"]["rawData"])]
        print(f'{p["suite"]} request {p.get("requestSize", "120")} response {p["responseSize"]} {p["buffers"]}:',
              " / ".join(f"{f:,.0f}" for f in forks), "B per fork;", iters)
