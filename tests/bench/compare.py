"""Side by side, in one run: bare axum, the official Pact stub server, and lpa-sim on its memory
and Postgres stores, under the same load from wrk. Run by `ci/bench.sh compare`, which builds
and installs what this needs and passes it in the environment:

  LPA_BENCH_SIM, LPA_BENCH_BARE   the lpa-sim and bare_axum binaries (release builds)
  LPA_BENCH_PACT                  the official `pact` CLI (PyPI pact-python-cli)
  LPA_BENCH_WRK, LPA_BENCH_WRK_DIR  wrk, and the folder of its Lua scripts
  LPA_BENCH_PACTS                 the committed pacts, served by the stub
  LPA_BENCH_DATABASE_URL          a Postgres server for lpa-sim (the script starts one if unset)
  LPA_BENCH_SECONDS, LPA_BENCH_ROUNDS, LPA_BENCH_CONNECTIONS, LPA_BENCH_THREADS

Each round runs every server in turn, so a noisy neighbour affects all of them alike; the
medians of the rounds are printed, then the ratios the project aims for. Nothing is asserted:
the figures are read, and the README records them with the machine they came from.
"""

import glob
import http.client
import json
import os
import re
import statistics
import subprocess
import sys
import threading
import time

SIM = os.environ.get("LPA_BENCH_SIM", "")
BARE = os.environ.get("LPA_BENCH_BARE", "")
PACT = os.environ.get("LPA_BENCH_PACT", "")
WRK = os.environ.get("LPA_BENCH_WRK", "")
WRK_DIR = os.environ.get("LPA_BENCH_WRK_DIR", "")
PACTS = os.environ.get("LPA_BENCH_PACTS", "")
DATABASE_URL = os.environ.get("LPA_BENCH_DATABASE_URL", "")
SECONDS = int(os.environ.get("LPA_BENCH_SECONDS", "8"))
ROUNDS = int(os.environ.get("LPA_BENCH_ROUNDS", "3"))
CONNECTIONS = int(os.environ.get("LPA_BENCH_CONNECTIONS", "32"))
THREADS = int(os.environ.get("LPA_BENCH_THREADS", "2"))

#: LPAs per wrk thread for the update mix: far more than its connections, so an LPA is never
#: updated twice at once and every change's `old` is the name the previous change set.
PER_THREAD = max(64, 4 * CONNECTIONS)
GET_UID = "M-9999-0000-0001"
MANY_UIDS = [f"M-9999-0000-{n:04d}" for n in range(1, 11)]
START_BOUND = 60
WORKLOADS = ["GET one LPA", "POST /lpas (10 UIDs)", "POST updates (CORRECTION of the email)"]


def log(message):
    print(f"bench: {message}", file=sys.stderr, flush=True)


class Server:
    """A server process that prints `listening on http://ADDRESS` (or whose port is given)."""

    def __init__(self, name, argv, env=None, port=None):
        self.name = name
        self.process = subprocess.Popen(
            argv,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env={**os.environ, **(env or {})},
        )
        if port is None:
            line = self._first_line()
            match = re.search(r"listening on http://(\S+)", line)
            if not match:
                self.stop()
                raise RuntimeError(f"{name} printed {line!r} instead of its address")
            self.address = match.group(1)
        else:
            self.address = f"127.0.0.1:{port}"
            wait_for_port(self.address, self.process)

    def _first_line(self):
        result = {}
        reader = threading.Thread(
            target=lambda: result.setdefault("line", self.process.stdout.readline()),
            daemon=True,
        )
        reader.start()
        reader.join(START_BOUND)
        if "line" not in result:
            self.stop()
            raise RuntimeError(f"{self.name} printed nothing within {START_BOUND} s")
        return result["line"]

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def wait_for_port(address, process):
    host, port = address.rsplit(":", 1)
    deadline = time.monotonic() + START_BOUND
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on {address} exited with {process.returncode}")
        try:
            connection = http.client.HTTPConnection(host, int(port), timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"nothing answered on {address} within {START_BOUND} s")


def call(address, method, path, body=None, headers=None):
    host, port = address.rsplit(":", 1)
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    payload = None if body is None else json.dumps(body)
    connection.request(method, path, payload, {"Content-Type": "application/json", **(headers or {})})
    response = connection.getresponse()
    return response.status, response.read()


def wrk(address, script, args):
    argv = [
        WRK, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{SECONDS}s", "--timeout", "10s",
        "-s", os.path.join(WRK_DIR, script), f"http://{address}", "--", *args,
    ]
    run = subprocess.run(
        argv, capture_output=True, text=True, timeout=SECONDS + 60,
        env={**os.environ, "LPA_BENCH_WRK_DIR": WRK_DIR},
    )
    lines = [l for l in run.stdout.splitlines() if l.startswith("{")]
    if run.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({run.returncode}): {run.stdout}\n{run.stderr}")
    result = json.loads(lines[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    return result


def token():
    return subprocess.run(
        [SIM, "token", "--issuer", "opg.poas.sirius", "--subject", "urn:opg:sirius:users:1"],
        capture_output=True, text=True, check=True, timeout=30,
    ).stdout.strip()


def set_up_lpas(address, uids):
    """The provider's fixture LPA under each UID, made through the simulator's provider state."""
    for uid in uids:
        status, body = call(
            address, "POST", "/__pact/provider-states",
            {"state": "An LPA with UID {uid} exists", "params": {"uid": uid}},
        )
        if status != 200:
            raise RuntimeError(f"setting up {uid}: {status} {body[:200]!r}")


def update_uids():
    return [f"M-{9000 + t:04d}-0000-{n:04d}" for t in range(THREADS) for n in range(1, PER_THREAD + 1)]


def simulator_workloads(server, bearer):
    log(f"{server.name}: setting up {len(MANY_UIDS) + len(update_uids())} LPAs")
    set_up_lpas(server.address, MANY_UIDS + update_uids())
    jwt = ["X-Jwt-Authorization", f"Bearer {bearer}"]
    return {
        WORKLOADS[0]: ("get.lua", [f"/lpas/{GET_UID}", *jwt]),
        WORKLOADS[1]: ("many.lua", [bearer, ",".join(MANY_UIDS)]),
        WORKLOADS[2]: ("updates.lua", [bearer, str(PER_THREAD)]),
    }


def stub_interactions():
    """A GET of one LPA and a POST /lpas from the committed pacts, as the stub will match them."""
    found = {}
    for path in sorted(glob.glob(os.path.join(PACTS, "*.json"))):
        with open(path) as file:
            pact = json.load(file)
        for interaction in pact.get("interactions", []):
            request = interaction.get("request", {})
            response = interaction.get("response", {})
            if response.get("status") != 200:
                continue
            headers = request.get("headers") or {}
            header_args = []
            for name, value in headers.items():
                header_args += [name, value[0] if isinstance(value, list) else value]
            if request.get("method") == "GET" and re.fullmatch(r"/lpas/[^/]+", request.get("path", "")):
                found.setdefault(WORKLOADS[0], ("get.lua", [request["path"], *header_args]))
    return found


def start(kind, bearer):
    if kind == "bare axum":
        server = Server(kind, [BARE])
        return server, {
            WORKLOADS[0]: ("get.lua", [f"/lpas/{GET_UID}"]),
            WORKLOADS[1]: ("many.lua", ["", ",".join(MANY_UIDS)]),
            WORKLOADS[2]: ("updates.lua", ["", str(PER_THREAD)]),
        }
    if kind == "Pact stub":
        port = free_port()
        server = Server(kind, [PACT, "stub", "-d", PACTS, "-p", str(port), "--loglevel", "error"], port=port)
        return server, stub_interactions()
    if kind == "lpa-sim memory":
        server = Server(kind, [SIM, "serve", "--listen", "127.0.0.1:0"], env={"RUST_LOG": "warn"})
        return server, simulator_workloads(server, bearer)
    if kind == "lpa-sim Postgres":
        server = Server(
            kind,
            [SIM, "serve", "--listen", "127.0.0.1:0", "--store", "postgres", "--database-url", DATABASE_URL],
            env={"RUST_LOG": "warn"},
        )
        wait_for_health(server.address)
        return server, simulator_workloads(server, bearer)
    raise ValueError(kind)


def wait_for_health(address, bound=START_BOUND):
    """Waits until the simulator on `address` reports its database up."""
    deadline = time.monotonic() + bound
    while time.monotonic() < deadline:
        try:
            status, _ = call(address, "GET", "/__admin/health")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"the database behind {address} was not up within {bound} s")


def free_port():
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def main():
    servers = ["bare axum", "Pact stub", "lpa-sim memory"]
    if DATABASE_URL:
        servers.append("lpa-sim Postgres")
    else:
        log("no LPA_BENCH_DATABASE_URL: lpa-sim on Postgres left out")
    bearer = token()
    results = {}
    for round_number in range(1, ROUNDS + 1):
        for kind in servers:
            server, workloads = start(kind, bearer)
            try:
                for workload in WORKLOADS:
                    if workload not in workloads:
                        continue
                    script, args = workloads[workload]
                    result = wrk(server.address, script, args)
                    log(f"round {round_number}: {kind}, {workload}: {result['rps']:.0f} req/s")
                    results.setdefault((kind, workload), []).append(result)
            finally:
                server.stop()
    report(servers, results)


def median(runs, key):
    return statistics.median(run[key] for run in runs)


def report(servers, results):
    print(f"\n{THREADS} wrk threads, {CONNECTIONS} connections, {SECONDS} s a run, medians of {ROUNDS} rounds\n")
    print("| workload | server | req/s | p50 ms | p99 ms | max ms | errors |")
    print("| --- | --- | ---: | ---: | ---: | ---: | ---: |")
    for workload in WORKLOADS:
        for kind in servers:
            runs = results.get((kind, workload))
            if not runs:
                print(f"| {workload} | {kind} | n/a | | | | |")
                continue
            errors = sum(run["socket_errors"] + run["non_2xx"] for run in runs)
            print(
                f"| {workload} | {kind} | {median(runs, 'rps'):,.0f} | {median(runs, 'p50_us') / 1000:.2f} "
                f"| {median(runs, 'p99_us') / 1000:.2f} | {max(run['max_us'] for run in runs) / 1000:.1f} | {errors} |"
            )

    def rps(kind, workload):
        runs = results.get((kind, workload))
        return median(runs, "rps") if runs else None

    print("\n| ratio | value | target |")
    print("| --- | ---: | ---: |")
    ratios = [
        ("memory GET / bare axum GET", rps("lpa-sim memory", WORKLOADS[0]), rps("bare axum", WORKLOADS[0]), ">= 0.7"),
        ("Postgres GET / memory GET", rps("lpa-sim Postgres", WORKLOADS[0]), rps("lpa-sim memory", WORKLOADS[0]), ">= 0.5"),
        ("memory updates / memory GET", rps("lpa-sim memory", WORKLOADS[2]), rps("lpa-sim memory", WORKLOADS[0]), ">= 0.5"),
        ("memory POST /lpas / bare axum POST /lpas", rps("lpa-sim memory", WORKLOADS[1]), rps("bare axum", WORKLOADS[1]), ""),
        ("memory GET / Pact stub GET", rps("lpa-sim memory", WORKLOADS[0]), rps("Pact stub", WORKLOADS[0]), ""),
    ]
    for name, numerator, denominator, target in ratios:
        value = f"{numerator / denominator:.2f}" if numerator and denominator else "n/a"
        print(f"| {name} | {value} | {target} |")


if __name__ == "__main__":
    main()
