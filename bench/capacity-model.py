"""The capacity model: what it takes to carry N concurrent users with the journeys' mix and think
time, from one measured step (the knee) of target/capacity/summary.json.

Per component, the CPU it spent per request in that step (core-seconds over the step's requests,
from /proc) times the requests a second N users make (the step's requests per user and second,
scaled), divided by the utilisation a component should run at (default 0.6, headroom for peaks
and failover). Besides: the primary's commits and WAL bytes a second (from pg_current_wal_lsn and
pg_stat_database over the step), and the client connections the load balancers hold.

Usage: capacity-model.py SUMMARY.json [--step USERS] [--baseline USERS] [--users 100000]
       [--utilisation 0.6] [--replica-cores 8] [--app-cores 8]
--baseline: CPU per request as the difference between two steps (the marginal cost), so that the
fixed cost of scheduled jobs and idle instances is not spread over the requests.
Prints a Markdown table and a JSON object.
"""
import json
import math
import sys


def arg(name, default, cast=float):
    if name in sys.argv:
        return cast(sys.argv[sys.argv.index(name) + 1])
    return default


def main():
    steps = json.load(open(sys.argv[1]))
    want = arg("--step", None, int)
    step = next(s for s in steps if s["users"] == want) if want else max(steps, key=lambda s: s["users"])
    target = arg("--users", 100000, int)
    util = arg("--utilisation", 0.6)
    replica_cores = arg("--replica-cores", 8)
    app_cores = arg("--app-cores", 8)

    requests = step["requests"]
    elapsed = step["ramp_s"] + step["duration_s"]
    rps = (step.get("steady") or {}).get("throughput_rps") or step["throughput_rps"]
    per_user = rps / step["users"]
    target_rps = per_user * target

    def group_of(name):
        return ("app" if name.startswith("app") else
                "haproxy" if name.startswith("haproxy") else
                "pgbouncer (primary)" if name == "pgbouncer-primary" else
                "pgbouncer (replicas)" if name.startswith("pgbouncer-") else
                "postgres primary" if name == "postgres-primary" else
                "postgres replicas" if name.startswith("postgres-replica") else name)

    def cores_by_group(s):
        out = {}
        for name, p in s["processes"].items():
            if name.startswith("gatling"):
                continue  # the load generator is not part of the deployment
            out[group_of(name)] = out.get(group_of(name), 0.0) + (p.get("cpu_percent") or 0.0) / 100.0
        return out

    def steady_rps(s):
        return (s.get("steady") or {}).get("throughput_rps") or s["throughput_rps"]

    # CPU a second per request a second: from the step alone, or, with --baseline USERS, the
    # marginal cost between the two steps (what scheduled jobs and idle instances cost is the
    # baseline's, and does not grow with users)
    base_users = arg("--baseline", None, int)
    groups = {}
    hi = cores_by_group(step)
    if base_users:
        base = next(s for s in steps if s["users"] == base_users)
        lo = cores_by_group(base)
        d_rps = steady_rps(step) - steady_rps(base)
        for g in hi:
            groups[g] = max(0.0, hi[g] - lo.get(g, 0.0)) / d_rps * requests
        result_basis = "marginal between %d and %d users" % (base_users, step["users"])
    else:
        for g in hi:
            groups[g] = hi[g] / rps * requests
        result_basis = "the step's average"

    rows = []
    result = {"measured_step_users": step["users"], "requests_per_user_second": round(per_user, 4),
              "target_users": target, "target_requests_per_second": round(target_rps), "utilisation": util,
              "components": {}}
    for group, seconds in sorted(groups.items()):
        per_request_ms = 1000.0 * seconds / requests
        cores = per_request_ms / 1000.0 * target_rps / util
        if group == "app":
            units = "%d instances of %d cores" % (math.ceil(cores / app_cores), app_cores)
        elif group.startswith("pgbouncer"):
            units = "%d PgBouncer processes (one core each, SO_REUSEPORT)" % math.ceil(cores)
        elif group == "postgres replicas":
            units = "%d replicas of %d cores" % (math.ceil(cores / replica_cores), replica_cores)
        elif group == "haproxy":
            units = "%.1f cores; %d client connections" % (cores, target)
        else:
            units = "%.1f cores" % cores
        rows.append((group, per_request_ms, cores, units))
        result["components"][group] = {"cpu_ms_per_request": round(per_request_ms, 3), "cores": round(cores, 1),
                                       "as": units}
    prim = step.get("primary") or {}
    if prim.get("seconds"):
        commits = prim["commits"] / prim["seconds"] / step["users"] * target
        wal = prim["wal_bytes"] / prim["seconds"] / step["users"] * target
        result["primary_commits_per_second"] = round(commits)
        result["primary_wal_mb_per_second"] = round(wal / 1e6, 2)
    result["cpu_basis"] = result_basis
    print("Measured at %d users: %.1f requests/s (%.4f per user and second); at %d users: %.0f requests/s; CPU per request: %s; components at %.0f %% utilisation.\n"
          % (step["users"], rps, per_user, target, target_rps, result_basis, util * 100))
    print("| component | CPU per request | cores at %d users | as |" % target)
    print("|---|---:|---:|---|")
    for group, ms, cores, units in rows:
        print("| %s | %.2f ms | %.1f | %s |" % (group, ms, cores, units))
    if "primary_commits_per_second" in result:
        print("\nPrimary at %d users: %d commits/s, %.1f MB/s of WAL." % (target, result["primary_commits_per_second"], result["primary_wal_mb_per_second"]))
    print()
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
