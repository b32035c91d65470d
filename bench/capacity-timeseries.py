"""A step over time, for the soak: from what bench/capacity.sh left in the step's directory, per
minute of the run: p50/p99 of every request but sign-in (latency-g*.tsv, the journeys' 10 s
histograms, summed over the Gatling JVMs), the most server connections on each database
(connections.txt), open files and RSS per process (usage.txt), and each app instance's heap after
garbage collection (its unified GC log, -Xlog:gc, named gc-<pid>.log in GC_DIR). A trend is the
least-squares slope over the minutes after the ramp, per hour, beside the mean: flat means the
slope is small against the mean.

Usage: capacity-timeseries.py STEP_DIR GC_DIR RAMP_SECONDS
Writes STEP_DIR/timeseries.json and STEP_DIR/timeseries-{latency,heap,connections,files}.svg.
"""
import glob
import json
import os
import re
import sys
from datetime import datetime

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import importlib.util

spec = importlib.util.spec_from_file_location("plot", os.path.join(os.path.dirname(os.path.abspath(__file__)), "capacity-plot.py"))
plot = importlib.util.module_from_spec(spec)
spec.loader.exec_module(plot)


def minute(t):
    return int(float(t)) // 60 * 60


def latency(step_dir):
    per = {}
    for path in glob.glob(os.path.join(step_dir, "latency-g*.tsv")):
        for line in open(path):
            start, ms, n = (int(v) for v in line.split("\t"))
            h = per.setdefault(minute(start), {})
            h[ms] = h.get(ms, 0) + n
    out = {}
    for m, h in per.items():
        total = sum(h.values())
        ranks = {q: max(1, int(round(q * total + 0.4999))) for q in (0.5, 0.99)}
        seen, got = 0, {}
        for ms in sorted(h):
            seen += h[ms]
            for q, r in ranks.items():
                if q not in got and seen >= r:
                    got[q] = ms
        out[m] = {"requests": total, "p50_ms": got[0.5], "p99_ms": got[0.99]}
    return out


def connections(step_dir):
    out = {}
    path = os.path.join(step_dir, "connections.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            m = minute(parts[0])
            values = [int(v) for v in parts[1:]]
            prev = out.get(m, [])
            out[m] = [max(v, prev[i] if i < len(prev) else -1) for i, v in enumerate(values)]
    return out


def usage(step_dir):
    names = {}
    for line in open(os.path.join(step_dir, "processes")):
        parts = line.split()
        if len(parts) == 2:
            names[parts[1]] = parts[0]
    files, rss = {}, {}
    t = None
    path = os.path.join(step_dir, "usage.txt")
    if os.path.exists(path):
        for line in open(path):
            parts = line.split()
            if parts[0] == "T":
                t = minute(parts[1])
                continue
            if len(parts) >= 4 and parts[0] in names:
                name = names[parts[0]]
                files.setdefault(name, {})[t] = max(int(parts[3]), files.get(name, {}).get(t, 0))
                rss.setdefault(name, {})[t] = max(int(parts[2]) // 1024, rss.get(name, {}).get(t, 0))
    return files, rss


GC_LINE = re.compile(r"^\[([^\]]+)\].*GC\(\d+\) Pause .* (\d+)M->(\d+)M\((\d+)M\)")


def heap_after_gc(gc_dir, pid_names):
    out = {}
    for path in glob.glob(os.path.join(gc_dir, "gc-*.log")):
        pid = re.search(r"gc-(\d+)\.log$", path)
        if not pid or pid.group(1) not in pid_names:
            continue  # a command-line run of the launcher, not a sampled process
        name = pid_names[pid.group(1)]
        for line in open(path, errors="replace"):
            m = GC_LINE.match(line)
            if not m:
                continue
            try:
                t = datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S.%f%z").timestamp()
            except ValueError:
                continue
            series = out.setdefault(name, {})
            series[minute(t)] = max(int(m.group(3)), series.get(minute(t), 0))
    return out


def trend(points):
    """(mean, slope per hour) of [(t, y)] by least squares; None with fewer than three points."""
    if len(points) < 3:
        return None
    n = len(points)
    mt = sum(t for t, _ in points) / n
    my = sum(y for _, y in points) / n
    var = sum((t - mt) ** 2 for t, _ in points)
    slope = sum((t - mt) * (y - my) for t, y in points) / var if var else 0.0
    return {"mean": round(my, 2), "slope_per_hour": round(slope * 3600, 2)}


def main():
    step_dir, gc_dir, ramp = sys.argv[1], sys.argv[2], int(sys.argv[3])
    names = {}
    for line in open(os.path.join(step_dir, "processes")):
        parts = line.split()
        if len(parts) == 2:
            names[parts[1]] = parts[0]
    lat = latency(step_dir)
    conns = connections(step_dir)
    files, rss = usage(step_dir)
    heap = heap_after_gc(gc_dir, names)
    minutes = sorted(set(lat) | set(conns))
    if not minutes:
        print("{}")
        return
    t0 = minutes[0]
    steady = [m for m in minutes if m >= t0 + ramp + 60][:-1]  # after the ramp; the last minute is partial

    def series(d):
        return {str((m - t0) // 60): v for m, v in sorted(d.items())}

    result = {
        "minutes": [(m - t0) // 60 for m in minutes],
        "p50_ms": series({m: v["p50_ms"] for m, v in lat.items()}),
        "p99_ms": series({m: v["p99_ms"] for m, v in lat.items()}),
        "requests_per_minute": series({m: v["requests"] for m, v in lat.items()}),
        "connections_max": series(conns),
        "open_files": {n: series(v) for n, v in files.items()},
        "rss_mb": {n: series(v) for n, v in rss.items()},
        "heap_after_gc_mb": {n: series(v) for n, v in heap.items()},
        "trend_after_ramp": {
            "p99_ms": trend([(m, lat[m]["p99_ms"]) for m in steady if m in lat]),
            "primary_connections": trend([(m, conns[m][0]) for m in steady if m in conns and conns[m]]),
            "heap_after_gc_mb": {n: trend([(m, v[m]) for m in steady if m in v]) for n, v in heap.items()},
            "open_files": {n: trend([(m, v[m]) for m in steady if m in v]) for n, v in files.items()},
        },
    }
    with open(os.path.join(step_dir, "timeseries.json"), "w") as f:
        json.dump(result, f, indent=1)
    xs = [(m - t0) // 60 for m in minutes]
    ticks = [x for x in xs if x % 5 == 0]

    def chart(title, label, series_list, name):
        plot.chart(title, label, xs, [(n, [d.get(m) for m in minutes]) for n, d in series_list],
                   os.path.join(step_dir, "timeseries-%s.svg" % name), x_label="minutes", x_ticks=ticks)

    chart("Latency per minute (every request but sign-in)", "ms",
          [("p50", {m: v["p50_ms"] for m, v in lat.items()}), ("p99", {m: v["p99_ms"] for m, v in lat.items()})], "latency")
    chart("Heap after GC per minute (largest)", "MB", sorted(heap.items()), "heap")
    n_db = max((len(v) for v in conns.values()), default=0)
    chart("Server connections per minute (largest)", "connections",
          [("primary" if i == 0 else "replica%d" % i, {m: v[i] for m, v in conns.items() if i < len(v)}) for i in range(n_db)],
          "connections")
    chart("Open files per process", "files", sorted(files.items()), "files")
    print(json.dumps(result["trend_after_ramp"]))


if __name__ == "__main__":
    main()
