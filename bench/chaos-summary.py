#!/usr/bin/env python3
"""Figures per fault of bench/chaos.sh, from OUT/<fault>/: the generators' counters-g*.json
(requests, errors per kind and status, response times), timeline-g*.tsv (per second: answers and
failures per kind, where reads went), ledger-g*.tsv (acknowledged writes), ledger-check.txt
(bench/ledger-check.sh: lost and duplicated ones), fault.json (when the fault went in and was undone),
probe.tsv (a read on each instance every half second: its Classbase-Read-Source) and notes.txt.
A fault run by bench/chaos-failover.sh brings its own object (OUT/primary-failover/failover.json).

Usage: chaos-summary.py [--markdown] OUT FAULT...   (a JSON array, or the Markdown table)
"""
import collections
import glob
import json
import math
import os
import re
import sys

# the journeys' write requests (ClassbaseJourneys); every other kind but sign-in is a read
WRITES = {"enroll", "complete exercise", "submit assignment", "submission retry (own write)", "event batch",
          "grade submission"}
# safe to repeat: reads, and submissions (Idempotency-Key)
IDEMPOTENT_WRITES = {"submit assignment", "submission retry (own write)"}


def load_json(path):
    with open(path) as f:
        return json.load(f)


def fault_figures(out, name):
    d = os.path.join(out, name)
    meta = load_json(os.path.join(d, "fault.json"))
    requests = collections.Counter()
    errors = collections.Counter()
    max_ms = {}
    for path in glob.glob(os.path.join(d, "counters-g*.json")):
        c = load_json(path)
        requests.update(c.get("requests", {}))
        errors.update(c.get("errors", {}))
        for kind, buckets in c.get("responseTimes", {}).items():
            if buckets:
                max_ms[kind] = max(max_ms.get(kind, 0), buckets[-1][0])
    failed_by_kind = collections.Counter()
    errors_by_status = collections.Counter()
    for key, n in errors.items():
        kind, _, status = key.rpartition("|")
        failed_by_kind[kind] += n
        errors_by_status[status] += n

    # per second: failed/ok writes, replica reads
    ok_w, bad_w, replica = collections.Counter(), collections.Counter(), collections.Counter()
    for path in glob.glob(os.path.join(d, "timeline-g*.tsv")):
        with open(path) as f:
            for line in f:
                sec, kind, outcome, n = line.rstrip("\n").split("\t")
                sec, n = int(sec), int(n)
                if kind == "read source":
                    if outcome == "replica":
                        replica[sec] += n
                elif kind in WRITES:
                    (ok_w if outcome == "ok" else bad_w)[sec] += n
    injected = meta["injected_at"]
    inj = int(math.floor(injected))
    last = max(list(ok_w) + list(bad_w) + list(replica) + [inj])
    # writes: the first second after the last failed write (from the injection on) with a write that
    # succeeded; none failed: no interruption
    failed_after = [s for s in bad_w if s >= inj]
    writes_back = inj
    if failed_after:
        writes_back = next((s for s in range(max(failed_after) + 1, last + 1) if ok_w[s]), None)
    # replica reads: the end of the last stretch of two seconds or more without a replica read,
    # from the injection on
    replica_back, gap_start = inj, None
    for s in range(inj, last + 1):
        if replica[s]:
            if gap_start is not None and s - gap_start >= 2:
                replica_back = s
            gap_start = None
        elif gap_start is None:
            gap_start = s
    if gap_start is not None and last + 1 - gap_start >= 2:
        replica_back = None  # no replica read until the end
    recovery = None
    if writes_back is not None and replica_back is not None:
        recovery = max(writes_back, replica_back) - inj

    acked = 0
    for path in glob.glob(os.path.join(d, "ledger-g*.tsv")):
        with open(path) as f:
            acked += sum(1 for _ in f)
    lost = duplicates = None
    check = os.path.join(d, "ledger-check.txt")
    if os.path.exists(check):
        with open(check) as f:
            m = re.search(r"checked (\d+) acknowledged writes .*: (\d+) lost, (\d+) duplicate", f.read())
        if m:
            lost, duplicates = int(m.group(2)), int(m.group(3))

    failed_reads = sum(n for k, n in failed_by_kind.items() if k not in WRITES and k != "sign in")
    failed_idempotent = failed_reads + sum(failed_by_kind[k] for k in IDEMPOTENT_WRITES)
    failed_other_writes = {k: n for k, n in errors.items() if k.rpartition("|")[0] in WRITES - IDEMPOTENT_WRITES}

    # the probe: per instance and target, answers after the fault was undone; the first read a
    # restarted replica served
    probe = []
    path = os.path.join(d, "probe.tsv")
    if os.path.exists(path):
        with open(path) as f:
            for line in f:
                t, inst, src = line.rstrip("\n").split("\t")
                probe.append((float(t), inst, src))
    result = {
        "fault": meta["fault"],
        "users": meta["users"],
        "requests": sum(requests.values()),
        "failed": sum(failed_by_kind.values()),
        "acked_writes": acked,
        "lost": lost,
        "duplicates": duplicates,
        "recovery_s": recovery,
        "recovery_from": "injection",
        "writes_back_s": None if writes_back is None else writes_back - inj,
        "replica_reads_back_s": None if replica_back is None else replica_back - inj,
        "failed_by_kind": dict(sorted(failed_by_kind.items())),
        "errors_by_status": dict(sorted(errors_by_status.items())),
        "failed_reads": failed_reads,
        "failed_idempotent": failed_idempotent,
        "failed_non_idempotent_writes": dict(sorted(failed_other_writes.items())),
        "max_ms": dict(sorted(max_ms.items())),
        "injected_at": round(injected, 1),
        "restarted_at": round(meta["restarted_at"], 1),
        "restored_at": round(meta["restored_at"], 1),
    }
    window = [p for p in probe if p[0] >= injected]
    if window:
        result["probe"] = dict(collections.Counter(src.split(" ")[0] for _, _, src in window))
        retry = [src for _, _, src in window if src.startswith("status-503")]
        if retry:
            result["probe_503_with_retry_after"] = sum(1 for s in retry if "retry-after=" in s)
            result["probe_503"] = len(retry)
    if meta["letter"] == "a":
        # from the moment the restarted replica accepted connections again
        up_file = os.path.join(d, "replica-up")
        up = float(open(up_file).read()) if os.path.exists(up_file) else meta["restored_at"]
        back = next((t for t, _, src in probe if t >= up and src == "replica1"), None)
        result["replica_in_rotation_after_restart_s"] = None if back is None else round(back - up, 1)
    notes = os.path.join(d, "notes.txt")
    if os.path.exists(notes):
        with open(notes) as f:
            result["notes"] = [l.strip() for l in f if l.strip()]
    return result


def failover(out):
    path = os.path.join(out, "primary-failover", "failover.json")
    o = load_json(path)
    o.setdefault("fault", "primary-failover")
    return o


def markdown(rows):
    lines = ["| fault | requests | failed (by kind) | acked writes | lost | duplicates | recovery s | notes |",
             "|---|---:|---|---:|---:|---:|---:|---|"]
    for r in rows:
        kinds = ", ".join("%s %d" % (k, n) for k, n in r.get("failed_by_kind", {}).items())
        status = ", ".join("%s: %d" % (k, n) for k, n in r.get("errors_by_status", {}).items())
        failed = "%s%s" % (r.get("failed"), " (%s; status %s)" % (kinds, status) if kinds else "")
        extra = []
        if "replica_in_rotation_after_restart_s" in r:
            extra.append("replica1 in rotation %s s after its restart" % r["replica_in_rotation_after_restart_s"])
        if "probe_503" in r:
            extra.append("probe: %d x 503, %d with Retry-After" % (r["probe_503"], r["probe_503_with_retry_after"]))
        extra += [n for n in r.get("notes", []) if "refused" in n or "accepted" in n or "terminated" in n]
        lines.append("| %s | %s | %s | %s | %s | %s | %s | %s |" % (
            r["fault"], r.get("requests"), failed, r.get("acked_writes"), r.get("lost"), r.get("duplicates"),
            r.get("recovery_s"), "; ".join(extra)))
    return "\n".join(lines) + "\n"


def main(argv):
    md = argv[:1] == ["--markdown"]
    if md:
        argv = argv[1:]
    out, names = argv[0], argv[1:]
    rows = [failover(out) if n == "primary-failover" else fault_figures(out, n) for n in names]
    sys.stdout.write(markdown(rows) if md else json.dumps(rows, indent=2) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
