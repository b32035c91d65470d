"""Plots of target/capacity/summary.json as SVG, no plotting library needed: p50/p95/p99 against
users, throughput against users, and average CPU per process against users.

Usage: capacity-plot.py SUMMARY.json OUT_DIR   (writes capacity-latency.svg, capacity-throughput.svg,
capacity-cpu.svg)
"""
import json
import os
import sys

W, H, L, R, T, B = 640, 360, 70, 170, 30, 50
COLORS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf"]


def chart(title, y_label, xs, series, path, x_label="concurrent users", x_ticks=None):
    """series: [(name, [y or None per x])]; a single step is drawn as points."""
    ys = [y for _, values in series for y in values if y is not None]
    y_max = max(ys + [1]) * 1.1
    x_min, x_max = min(xs), max(xs)
    span = (x_max - x_min) or 1

    def px(x):
        return L + (x - x_min) / span * (W - L - R) if x_max > x_min else L + (W - L - R) / 2

    def py(y):
        return H - B - y / y_max * (H - T - B)

    out = ['<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="11">' % (W, H),
           '<rect width="100%" height="100%" fill="white"/>',
           '<text x="%d" y="18" font-size="13">%s</text>' % (L, title),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (L, H - B, W - R, H - B),
           '<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (L, T, L, H - B),
           '<text x="%d" y="%d" text-anchor="middle">%s</text>' % ((L + W - R) / 2, H - 12, x_label),
           '<text x="14" y="%d" transform="rotate(-90 14 %d)" text-anchor="middle">%s</text>' % ((T + H - B) / 2, (T + H - B) / 2, y_label)]
    for i in range(5):
        y = y_max * i / 4
        out.append('<text x="%d" y="%d" text-anchor="end">%s</text>' % (L - 4, py(y) + 4, "%.0f" % y if y_max > 10 else "%.1f" % y))
        out.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#ddd"/>' % (L, py(y), W - R, py(y)))
    for x in (xs if x_ticks is None else x_ticks):
        out.append('<text x="%d" y="%d" text-anchor="middle">%d</text>' % (px(x), H - B + 14, x))
    for i, (name, values) in enumerate(series):
        color = COLORS[i % len(COLORS)]
        points = [(px(x), py(y)) for x, y in zip(xs, values) if y is not None]
        if len(points) > 1:
            out.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (color, " ".join("%.1f,%.1f" % p for p in points)))
        for x, y in (points if len(points) <= 40 else []):
            out.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (x, y, color))
        out.append('<text x="%d" y="%d" fill="%s">%s</text>' % (W - R + 8, T + 14 * (i + 1), color, name))
    out.append("</svg>")
    with open(path, "w") as f:
        f.write("\n".join(out) + "\n")


def main():
    steps = sorted(json.load(open(sys.argv[1])), key=lambda s: s["users"])
    out = sys.argv[2]
    os.makedirs(out, exist_ok=True)
    xs = [s["users"] for s in steps]
    chart("Latency, every request kind", "ms", xs,
          [(p, [s[p + "_ms"] for s in steps]) for p in ("p50", "p95", "p99")], os.path.join(out, "capacity-latency.svg"))
    chart("Throughput", "requests per second", xs, [("requests/s", [s["throughput_rps"] for s in steps])],
          os.path.join(out, "capacity-throughput.svg"))
    names = sorted({n for s in steps for n in s["processes"]})
    chart("CPU by process (100 = one core)", "% of a core", xs,
          [(n, [s["processes"].get(n, {}).get("cpu_percent") for s in steps]) for n in names],
          os.path.join(out, "capacity-cpu.svg"))


if __name__ == "__main__":
    main()
