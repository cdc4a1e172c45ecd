"""The simulator under load through real database outages, in both outage modes. Run by
`ci/bench.sh outage`, which passes in the environment:

  LPA_BENCH_SIM, LPA_BENCH_WRK, LPA_BENCH_WRK_DIR   lpa-sim (release), wrk and its Lua scripts
  LPA_BENCH_CONTAINER, LPA_BENCH_DATABASE_URL       the Postgres container and its URL
  LPA_BENCH_DB_TIMEOUT_MS (500), LPA_BENCH_OUTAGE_SECONDS (4), LPA_BENCH_WRITES (10000)

For each mode (fail-fast, queue) and each outage (the container paused: hung; stopped and
started again; the database flapping every 200 ms at the simulator's proxy), a GET load runs
from before the outage until after it, while a probe reads the same LPA every 20 ms. Printed:
the slowest answer against --db-timeout-ms, and the time from the database's return (Postgres
answering again) to the probe's first current (not stale) 200. Then, in queue mode, 10,000 writes are accepted while the
database is stopped, and the rate at which the outbox applies them once it is back.
"""

import http.client
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

from compare import Server, call, log, set_up_lpas, token, wait_for_health

SIM = os.environ["LPA_BENCH_SIM"]
WRK = os.environ["LPA_BENCH_WRK"]
WRK_DIR = os.environ["LPA_BENCH_WRK_DIR"]
CONTAINER = os.environ["LPA_BENCH_CONTAINER"]
DATABASE_URL = os.environ["LPA_BENCH_DATABASE_URL"]
TIMEOUT_MS = int(os.environ.get("LPA_BENCH_DB_TIMEOUT_MS", "500"))
OUTAGE = float(os.environ.get("LPA_BENCH_OUTAGE_SECONDS", "4"))
WRITES = int(os.environ.get("LPA_BENCH_WRITES", "10000"))
BEFORE, AFTER = 2.0, 3.0
UID = "M-9999-0000-0001"
WRITERS = 8


def docker(*args):
    subprocess.run(["docker", *args], check=True, capture_output=True, timeout=120)


def postgres_answers(bound=120):
    """Waits until Postgres itself answers on the published port, and returns when it did: an
    SSLRequest is answered `S` or `N` by a server that accepts connections, while Docker's
    proxy accepts a connection even before Postgres is up."""
    import socket
    import struct
    from urllib.parse import urlparse

    url = urlparse(DATABASE_URL)
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((url.hostname, url.port), timeout=1) as probe:
                probe.sendall(struct.pack("!ii", 8, 80877103))
                if probe.recv(1) in (b"S", b"N"):
                    return time.monotonic()
        except OSError:
            pass
        time.sleep(0.01)
    raise RuntimeError(f"Postgres did not answer within {bound} s")


def set_condition(address, state, **extra):
    status, body = call(address, "PUT", "/__admin/database", {"state": state, **extra})
    if status != 200:
        raise RuntimeError(f"setting the database {state}: {status} {body!r}")


class Outage:
    """How an outage starts and ends; `end` returns when the database is back."""

    def __init__(self, name, begin, end):
        self.name, self.begin, self.end = name, begin, end


def start_container(address):
    docker("start", CONTAINER)
    return postgres_answers()


def now_after(action):
    def run(address):
        action(address)
        return time.monotonic()

    return run


OUTAGES = [
    Outage(
        "hung (container paused)",
        lambda a: docker("pause", CONTAINER),
        now_after(lambda a: docker("unpause", CONTAINER)),
    ),
    Outage(
        "stopped (container stopped, started)",
        lambda a: docker("stop", "-t", "0", CONTAINER),
        start_container,
    ),
    Outage(
        "flapping (200 ms, at the proxy)",
        lambda a: set_condition(a, "flapping", period_ms=200),
        now_after(lambda a: set_condition(a, "online")),
    ),
]


def probe(address, bearer, stop, samples):
    host, port = address.rsplit(":", 1)
    while not stop.is_set():
        started = time.monotonic()
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=30)
            connection.request("GET", f"/lpas/{UID}", headers={"X-Jwt-Authorization": f"Bearer {bearer}"})
            response = connection.getresponse()
            response.read()
            stale = response.getheader("x-lpa-store-stale") == "true"
            samples.append((started, time.monotonic() - started, response.status, stale))
            connection.close()
        except OSError:
            samples.append((started, time.monotonic() - started, 0, False))
        time.sleep(0.02)


def through_outage(server, bearer, outage):
    seconds = BEFORE + OUTAGE + AFTER
    load = subprocess.Popen(
        [WRK, "-t2", "-c16", f"-d{seconds:.0f}s", "--timeout", "30s", "-s", os.path.join(WRK_DIR, "get.lua"),
         f"http://{server.address}", "--", f"/lpas/{UID}", "X-Jwt-Authorization", f"Bearer {bearer}"],
        stdout=subprocess.PIPE, text=True, env={**os.environ, "LPA_BENCH_WRK_DIR": WRK_DIR},
    )
    samples, stop = [], threading.Event()
    prober = threading.Thread(target=probe, args=(server.address, bearer, stop, samples))
    prober.start()
    time.sleep(BEFORE)
    outage.begin(server.address)
    time.sleep(OUTAGE)
    returned = outage.end(server.address)
    output, _ = load.communicate(timeout=seconds + 120)
    stop.set()
    prober.join(60)
    wait_for_health(server.address)
    report = json.loads([l for l in output.splitlines() if l.startswith("{")][-1])
    fresh = [s for s in samples if s[0] >= returned and s[2] == 200 and not s[3]]
    recovery_ms = (fresh[0][0] + fresh[0][1] - returned) * 1000 if fresh else None
    slowest_probe = max(s[1] for s in samples) * 1000
    return {
        "slowest_ms": max(report["max_us"] / 1000, slowest_probe),
        "recovery_ms": recovery_ms,
        "requests": report["requests"],
        "non_2xx": report["non_2xx"],
    }


def start_simulator(mode, outbox):
    argv = [SIM, "serve", "--listen", "127.0.0.1:0", "--store", "postgres", "--database-url", DATABASE_URL,
            "--db-timeout-ms", str(TIMEOUT_MS), "--on-db-offline", mode]
    if outbox:
        argv += ["--outbox", outbox]
    server = Server(f"lpa-sim {mode}", argv, env={"RUST_LOG": "warn"})
    wait_for_health(server.address)
    return server


def replay_rate(server, bearer):
    """10,000 writes accepted while the database is stopped; how fast they are applied after."""
    uids = [f"M-9998-0000-{n:04d}" for n in range(1, WRITERS + 1)]
    set_up_lpas(server.address, uids)
    docker("stop", "-t", "0", CONTAINER)
    per_writer = WRITES // WRITERS
    statuses = []

    def write(uid):
        host, port = server.address.rsplit(":", 1)
        connection = http.client.HTTPConnection(host, int(port), timeout=30)
        old = "Zoller"
        for n in range(per_writer):
            new = f"Zoller{n}"
            body = json.dumps({"type": "CORRECTION", "changes": [{"key": "/donor/lastName", "old": old, "new": new}]})
            connection.request("POST", f"/lpas/{uid}/updates", body,
                               {"Content-Type": "application/json", "X-Jwt-Authorization": f"Bearer {bearer}"})
            response = connection.getresponse()
            response.read()
            statuses.append(response.status)
            old = new

    started = time.monotonic()
    writers = [threading.Thread(target=write, args=(uid,)) for uid in uids]
    for writer in writers:
        writer.start()
    for writer in writers:
        writer.join()
    accepted_in = time.monotonic() - started
    accepted = statuses.count(202)
    log(f"replay: {accepted} of {len(statuses)} writes accepted (202) in {accepted_in:.1f} s")
    returned = start_container(server.address)
    deadline = returned + 600
    pending = None
    while time.monotonic() < deadline:
        try:
            status, body = call(server.address, "GET", "/__admin/health")
            pending = json.loads(body).get("pendingOperations")
            if status == 200 and pending == 0:
                break
        except OSError:
            pass
        time.sleep(0.05)
    drained_in = time.monotonic() - returned
    _, body = call(server.address, "GET", "/__admin/operations")
    operations = json.loads(body)["operations"]
    applied = sum(1 for o in operations if o["state"] == "applied")
    failed = sum(1 for o in operations if o["state"] == "failed")
    return {
        "accepted": accepted,
        "applied": applied,
        "failed": failed,
        "pending": pending,
        "drained_s": drained_in,
        "rate": applied / drained_in if drained_in > 0 else None,
    }


def main():
    bearer = token()
    rows = []
    replay = None
    for mode in ["fail-fast", "queue"]:
        with tempfile.TemporaryDirectory(prefix="lpa-bench-outbox-") as outbox:
            server = start_simulator(mode, outbox if mode == "queue" else None)
            try:
                set_up_lpas(server.address, [UID])
                for outage in OUTAGES:
                    result = through_outage(server, bearer, outage)
                    log(f"{mode}, {outage.name}: {result}")
                    rows.append((mode, outage.name, result))
                if mode == "queue":
                    replay = replay_rate(server, bearer)
            finally:
                server.stop()
    print(f"\n--db-timeout-ms {TIMEOUT_MS}, outages of {OUTAGE:.0f} s under GET load (wrk, 16 connections)\n")
    print("| mode | outage | slowest answer ms | bound ms | recovery ms | requests | non-2xx |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for mode, name, r in rows:
        recovery = f"{r['recovery_ms']:.0f}" if r["recovery_ms"] is not None else "none"
        print(f"| {mode} | {name} | {r['slowest_ms']:.0f} | {TIMEOUT_MS + 100} | {recovery} | {r['requests']} | {r['non_2xx']} |")
    if replay:
        rate = f"{replay['rate']:,.0f}" if replay["rate"] else "n/a"
        print(
            f"\nOutbox replay: {replay['accepted']:,} writes accepted during the outage; {replay['applied']:,} applied, "
            f"{replay['failed']} failed, {replay['pending']} pending, in {replay['drained_s']:.2f} s after the database "
            f"returned: {rate} writes/s (target >= 2,000)"
        )
        if replay["applied"] + replay["failed"] != replay["accepted"]:
            # A measure is only printed; a write lost is a defect.
            print("bench: writes accepted during the outage were neither applied nor failed", file=sys.stderr)
            sys.exit(1)


if __name__ == "__main__":
    main()
