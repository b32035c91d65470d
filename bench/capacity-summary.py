"""One JSON object per capacity step, from what bench/capacity.sh left in the step's directory:
Gatling's report (report/js/stats.json: per request kind the counts and the 50th, 75th, 95th and
99th percentiles, Gatling's defaults), the journeys' counters (counters-g*.json), the connection
samples (connections.txt) and the process samples (usage.txt, processes).

Usage: capacity-summary.py OUT USERS:RAMP:GENERATORS:ADDRESSES... --duration S
"""
import glob
import json
import os
import sys


def stats(step_dir):
    with open(os.path.join(step_dir, "report", "js", "stats.json")) as f:
        root = json.load(f)
    kinds = {}

    def walk(node):
        for child in node.get("contents", {}).values():
            if child.get("type") == "REQUEST":
                s = child["stats"]
                kinds[child["name"]] = {
                    "requests": s["numberOfRequests"]["total"],
                    "errors": s["numberOfRequests"]["ko"],
                    "p50_ms": s["percentiles1"]["total"],
                    "p95_ms": s["percentiles3"]["total"],
                    "p99_ms": s["percentiles4"]["total"],
                    "throughput_rps": s["meanNumberOfRequestsPerSecond"]["total"],
                }
            walk(child)

    walk(root)
    s = root["stats"]
    overall = {
        "requests": s["numberOfRequests"]["total"],
        "errors": s["numberOfRequests"]["ko"],
        "throughput_rps": s["meanNumberOfRequestsPerSecond"]["total"],
        "p50_ms": s["percentiles1"]["total"],
        "p95_ms": s["percentiles3"]["total"],
        "p99_ms": s["percentiles4"]["total"],
    }
    return overall, kinds


def counters(step_dir):
    total = {"signIns": 0, "rywViolations": {}, "readSources": {}}
    for path in glob.glob(os.path.join(step_dir, "counters-g*.json")):
        with open(path) as f:
            c = json.load(f)
        total["signIns"] += c["signIns"]
        for key in ("rywViolations", "readSources"):
            for k, v in c[key].items():
                total[key][k] = total[key].get(k, 0) + v
    return total


def connections(step_dir, replica_names):
    maxima = []
    path = os.path.join(step_dir, "connections.txt")
    if os.path.exists(path):
        for line in open(path):
            values = [int(v) for v in line.split()[1:]]
            while len(maxima) < len(values):
                maxima.append(None)
            for i, v in enumerate(values):
                if v >= 0 and (maxima[i] is None or v > maxima[i]):
                    maxima[i] = v
    primary = maxima[0] if maxima else None
    replicas = {replica_names[i] if i < len(replica_names) else "replica%d" % (i + 1): m for i, m in enumerate(maxima[1:])}
    return primary, replicas


def usage(step_dir):
    names = {}
    for line in open(os.path.join(step_dir, "processes")):
        parts = line.split()
        if len(parts) == 2:
            names[parts[1]] = parts[0]
    first, last, rss_max = {}, {}, {}
    t = None
    path = os.path.join(step_dir, "usage.txt")
    if not os.path.exists(path):
        return {}
    for line in open(path):
        parts = line.split()
        if parts[0] == "T":
            t = float(parts[1])
            continue
        pid, ticks, rss = parts[0], int(parts[1]), int(parts[2])
        if ticks == 0 and rss == 0:
            continue  # gone
        first.setdefault(pid, (t, ticks))
        last[pid] = (t, ticks)
        rss_max[pid] = max(rss_max.get(pid, 0), rss)
    hz = os.sysconf("SC_CLK_TCK")
    out = {}
    for pid, (t0, k0) in first.items():
        t1, k1 = last[pid]
        out[names.get(pid, pid)] = {
            "cpu_percent": round(100.0 * (k1 - k0) / hz / (t1 - t0), 1) if t1 > t0 else None,
            "rss_max_mb": round(rss_max[pid] / 1024.0, 1),
        }
    return out


def main():
    args = sys.argv[1:]
    duration = int(args[args.index("--duration") + 1])
    del args[args.index("--duration") : args.index("--duration") + 2]
    out_dir, steps = args[0], args[1:]
    replica_names = [n for n in os.environ.get("BENCH_REPLICA_NAMES", "").split(",") if n]
    result = []
    for step in steps:
        users, ramp, generators, addresses = (int(x) for x in step.split(":"))
        step_dir = os.path.join(out_dir, "step-%d" % users)
        overall, kinds = stats(step_dir)
        c = counters(step_dir)
        primary, replicas = connections(step_dir, replica_names)
        reads = c["readSources"]
        replica_reads, counted = reads.get("replica", 0), sum(reads.values())
        result.append({
            "users": users,
            "signed_in": c["signIns"],
            "ramp_s": ramp,
            "duration_s": duration,
            "generators": generators,
            "source_addresses": addresses,
            "requests": overall["requests"],
            "errors": overall["errors"],
            "throughput_rps": overall["throughput_rps"],
            "p50_ms": overall["p50_ms"],
            "p95_ms": overall["p95_ms"],
            "p99_ms": overall["p99_ms"],
            "by_kind": kinds,
            "errors_by_kind": {k: v["errors"] for k, v in kinds.items() if v["errors"]},
            "primary_connections_max": primary,
            "replica_connections_max": replicas,
            "replica_read_share": round(replica_reads / counted, 4) if counted else None,
            "read_sources": reads,
            "ryw_violations": sum(c["rywViolations"].values()),
            "ryw_violations_by_kind": c["rywViolations"],
            "processes": usage(step_dir),
            "report": os.path.join(step_dir, "report", "index.html"),
        })
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
