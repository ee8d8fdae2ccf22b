#!/usr/bin/env python3
"""CPU time per process group over the measured phase of a Gatling run, from /proc.

usage: cpu_share.py GATLING_LOG WARM_UP_SECONDS MEASURED_SECONDS OPENINGS_PER_SECOND

Waits for Gatling's first "Ns elapsed" progress line to learn when the simulation started, takes a snapshot of every
process's CPU time when the warm-up ends and another when the measured phase ends, and prints CPU milliseconds per
opening for the portal, Gatling, PostgreSQL, pgbench (infra/portal load --floor), the S3 store, Keycloak and the
rest, user and kernel time apart, with how busy the machine was. On a machine shared by the server and its load
generator, this is what tells whether the server or the machine is the limit.
"""
import os
import re
import sys
import time

HZ = os.sysconf("SC_CLK_TCK")
ELAPSED = re.compile(rb"\s(\d+)s elapsed")


def group_of(pid):
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as f:
            cmd = f.read().replace(b"\0", b" ")
        with open(f"/proc/{pid}/comm", "rb") as f:
            comm = f.read().strip()
    except OSError:
        return None
    if comm == b"postgres":
        return "postgresql"
    if comm == b"pgbench":
        return "pgbench"
    if b"gatling" in cmd:
        return "gatling"
    if b"keycloak" in cmd:  # before the portal: Keycloak is a Quarkus application too
        return "keycloak"
    if b"quarkus-run.jar" in cmd and b"LinkLoadFixture" not in cmd:
        return "portal"
    if b"s3proxy" in cmd:
        return "s3 store"
    return "other"


def snapshot():
    """CPU ticks (user, kernel) and group of every process, and the machine's busy and total ticks."""
    processes = {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        name = group_of(pid)
        if name is None:
            continue
        try:
            with open(f"/proc/{pid}/stat", "rb") as f:
                fields = f.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        # the start time tells a process from a later one that reuses its pid
        processes[(pid, fields[19])] = (name, int(fields[11]), int(fields[12]))
    with open("/proc/stat") as f:
        cpu = [int(v) for v in f.readline().split()[1:]]
    idle = cpu[3] + cpu[4]
    return processes, sum(cpu[:8]) - idle, sum(cpu[:8])


def per_group(before, after):
    """CPU ticks per group between two snapshots: a process started in between counts whole; one that ended in
    between is missing (its last ticks are unknown), which is why a run should not start or stop processes."""
    groups = {}
    for key, (name, user, kernel) in after.items():
        user0, kernel0 = before.get(key, (name, 0, 0))[1:]
        acc = groups.setdefault(name, [0, 0])
        acc[0] += user - user0
        acc[1] += kernel - kernel0
    return groups


def started_at(log):
    deadline = time.time() + 600
    while time.time() < deadline:
        try:
            with open(log, "rb") as f:
                found = ELAPSED.search(f.read())
            if found:
                return time.time() - int(found.group(1))
        except OSError:
            pass
        time.sleep(0.2)
    return None


def main():
    log, warm_up, seconds, rate = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
    start = started_at(log)
    if start is None:
        print("cpu share: Gatling never reported progress", file=sys.stderr)
        return 1
    time.sleep(max(0.0, start + warm_up - time.time()))
    before, busy0, total0 = snapshot()
    time.sleep(seconds)
    after, busy1, total1 = snapshot()
    openings = rate * seconds
    cores = os.cpu_count()
    print(f"CPU over the measured phase ({seconds:.0f} s, {openings:.0f} openings), "
          f"machine {100.0 * (busy1 - busy0) / max(1, total1 - total0):.0f} % busy of {cores} cores")
    print(f"{'':<12} {'ms/opening':>10} {'user':>6} {'kernel':>7} {'cores':>6}")
    groups = per_group(before, after)
    for name in ("portal", "gatling", "postgresql", "pgbench", "s3 store", "keycloak", "other"):
        user, kernel = (t / HZ for t in groups.get(name, [0, 0]))
        print(f"{name:<12} {1000 * (user + kernel) / openings:>10.2f} {1000 * user / openings:>6.2f} "
              f"{1000 * kernel / openings:>7.2f} {(user + kernel) / seconds:>6.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
