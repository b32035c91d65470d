"""One JSON object per capacity step, from what bench/capacity.sh left in the step's directory:
the journeys' counters of every Gatling JVM (counters-g*.json: requests, errors by status and
response-time histograms per request kind, summed, whence the percentiles; read-your-writes
violations; read sources; Gatling's HTML reports, one per JVM, are listed beside), the connection
samples (connections.txt) and the process samples (usage.txt, processes).

Usage: capacity-summary.py OUT USERS:RAMP:GENERATORS:ADDRESSES:DURATION...
"""
import glob
import json
import os
import sys


def reports(step_dir):
    return sorted(glob.glob(os.path.join(step_dir, "gatling-g*", "*", "index.html")))


def percentiles(histogram):
    """p50, p95, p99 (ms) of [[ms, count], ...]: the bucket holding the rank (1 ms to 1 s, 10 ms beyond)."""
    total = sum(n for _, n in histogram)
    out = []
    for q in (0.50, 0.95, 0.99):
        rank, seen, value = max(1, int(round(q * total + 0.4999))), 0, None
        for ms, n in sorted(histogram):
            seen += n
            if seen >= rank:
                value = ms
                break
        out.append(value)
    return out


def steady(step_dir, ramp):
    """Requests a second and p50/p95/p99 of every request but sign-in over the steady part only:
    the journeys' 10 s windows from the end of the ramp (and 20 s more) to the last full window."""
    windows = {}
    for path in glob.glob(os.path.join(step_dir, "latency-g*.tsv")):
        for line in open(path):
            start, ms, n = (int(v) for v in line.split("\t"))
            h = windows.setdefault(start, {})
            h[ms] = h.get(ms, 0) + n
    if not windows:
        return None
    first, last = min(windows), max(windows)
    keep = [w for w in windows if first + ramp + 20 <= w < last]
    if not keep:
        return None
    merged = {}
    for w in keep:
        for ms, n in windows[w].items():
            merged[ms] = merged.get(ms, 0) + n
    p50, p95, p99 = percentiles(list(merged.items()))
    total = sum(merged.values())
    return {"seconds": 10 * len(keep), "requests": total, "throughput_rps": round(total / (10 * len(keep)), 2),
            "p50_ms": p50, "p95_ms": p95, "p99_ms": p99}


def primary_counts(step_dir):
    path = os.path.join(step_dir, "primary.json")
    return json.load(open(path)) if os.path.exists(path) else None


def after_step(step_dir):
    path = os.path.join(step_dir, "after-step.json")
    return json.load(open(path)) if os.path.exists(path) else None


def counters(step_dir):
    total = {"signIns": 0, "rywViolations": {}, "readSources": {}, "requests": {}, "errors": {}, "responseTimes": {}}
    for path in glob.glob(os.path.join(step_dir, "counters-g*.json")):
        with open(path) as f:
            c = json.load(f)
        total["signIns"] += c["signIns"]
        for key in ("rywViolations", "readSources", "requests", "errors"):
            for k, v in c[key].items():
                total[key][k] = total[key].get(k, 0) + v
        for kind, buckets in c.get("responseTimes", {}).items():
            merged = total["responseTimes"].setdefault(kind, {})
            for ms, n in buckets:
                merged[ms] = merged.get(ms, 0) + n
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
            "cpu_seconds": round((k1 - k0) / hz, 1),
            "rss_max_mb": round(rss_max[pid] / 1024.0, 1),
        }
    return out


def main():
    args = sys.argv[1:]
    out_dir, steps = args[0], args[1:]
    replica_names = [n for n in os.environ.get("BENCH_REPLICA_NAMES", "").split(",") if n]
    result = []
    for step in steps:
        users, ramp, generators, addresses, duration = (int(x) for x in step.split(":"))
        step_dir = os.path.join(out_dir, "step-%d" % users)
        c = counters(step_dir)
        elapsed = ramp + duration
        kinds, errors_by_kind, everything = {}, {}, {}
        for key, n in c["errors"].items():
            kind, status = key.rsplit("|", 1)
            errors_by_kind.setdefault(kind, {})[status] = n
        for kind, n in sorted(c["requests"].items()):
            buckets = c["responseTimes"].get(kind, {})
            p50, p95, p99 = percentiles(list(buckets.items()))
            kinds[kind] = {
                "requests": n,
                "errors": sum(errors_by_kind.get(kind, {}).values()),
                "throughput_rps": round(n / elapsed, 2),
                "p50_ms": p50,
                "p95_ms": p95,
                "p99_ms": p99,
            }
            for ms, k in buckets.items():
                everything[ms] = everything.get(ms, 0) + k
        p50, p95, p99 = percentiles(list(everything.items()))
        requests = sum(c["requests"].values())
        overall = {"requests": requests, "errors": sum(c["errors"].values()),
                   "throughput_rps": round(requests / elapsed, 2), "p50_ms": p50, "p95_ms": p95, "p99_ms": p99}
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
            "errors_by_kind": errors_by_kind,
            "primary_connections_max": primary,
            "replica_connections_max": replicas,
            "replica_read_share": round(replica_reads / counted, 4) if counted else None,
            "read_sources": reads,
            "ryw_violations": sum(c["rywViolations"].values()),
            "ryw_violations_by_kind": c["rywViolations"],
            "steady": steady(step_dir, ramp),
            "after_step": after_step(step_dir),
            "primary": primary_counts(step_dir),
            "processes": usage(step_dir),
            "reports": reports(step_dir),
        })
    json.dump(result, sys.stdout, indent=2)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
