#!/usr/bin/env python3
"""An example consumer service of the LPA store, for the `@consumer-under-test` scenarios.

It plays a small "Make and register an LPA": its users submit LPAs and read them through its
own HTTP API, and it calls the store with a fresh HS256 JWT per request. How it copes when the
store is unavailable is set by flags, so that one service shows both a well-behaved and a
badly-behaved consumer:

  --behaviour well   waits as long as Retry-After says (with exponential backoff), keeps a
                     write it accepted from its user until the store takes it, gives a read up
                     within --give-up-ms, and only calls what its pact covers;
  --behaviour bad    retries at once, ignoring Retry-After, drops a write after its retries
                     (though its user was told it was accepted), keeps a reader waiting through
                     all its retries, and checks the change history, which its pact does not
                     cover.

Its API:
  GET  /health       200 when it is up
  POST /submit       a new LPA: 201 {"uid"} when the store took it, 202 {"uid"} when it was
                     accepted for later
  GET  /lpa/<uid>    the LPA from the store: 200 with it, or 503 when the store cannot be reached

Only the standard library is used, so it runs wherever Python 3.9+ does.
"""

import argparse
import base64
import hashlib
import hmac
import http.server
import json
import os
import random
import string
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid

HERE = os.path.dirname(os.path.abspath(__file__))
DEFAULT_SECRET = "mysupersecrettestkeythatis128bits"


def b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def jwt(secret, issuer, subject):
    """An HS256 JWT with `iss`, `sub` and `iat`, as the store checks them."""
    header = b64url(json.dumps({"alg": "HS256", "typ": "JWT"}).encode())
    claims = b64url(json.dumps({"iss": issuer, "sub": subject, "iat": int(time.time())}).encode())
    signed = f"{header}.{claims}".encode()
    signature = hmac.new(secret.encode(), signed, hashlib.sha256).digest()
    return f"{header}.{claims}.{b64url(signature)}"


def new_uid():
    alphabet = string.digits + "ABCDEFGHJKLMNPQRTUVWXY"
    return "M-" + "-".join("".join(random.choice(alphabet) for _ in range(4)) for _ in range(3))


class Store:
    """The LPA store, called as this service's consumer."""

    def __init__(self, url, secret, issuer, timeout):
        self.url = url.rstrip("/")
        self.secret = secret
        self.issuer = issuer
        self.timeout = timeout
        self.subject = f"urn:opg:poas:makeregister:users:{uuid.uuid4()}"

    def call(self, method, path, body=None):
        """(status, Retry-After seconds or None, body); status 0 when there was no answer."""
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method=method)
        request.add_header("X-Jwt-Authorization", "Bearer " + jwt(self.secret, self.issuer, self.subject))
        if data is not None:
            request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as response:
                return response.status, None, response.read()
        except urllib.error.HTTPError as error:
            retry_after = error.headers.get("Retry-After")
            return error.code, int(retry_after) if retry_after and retry_after.isdigit() else None, error.read()
        except (urllib.error.URLError, OSError) as error:
            return 0, None, str(error).encode()


def unavailable(status):
    return status == 0 or status >= 500 or status == 429


class Consumer:
    def __init__(self, store, behaviour, retries, give_up_ms, longest_wait):
        self.store = store
        self.well = behaviour == "well"
        self.retries = retries
        self.give_up = give_up_ms / 1000.0
        self.longest_wait = longest_wait
        self.template = json.load(open(os.path.join(HERE, "lpa.json")))
        self.pending = []  # writes accepted from users, not yet taken by the store
        self.lock = threading.Lock()
        self.wake = threading.Event()

    def wait_before(self, attempt, retry_after):
        """How long to wait before attempt `attempt` (from 1) after an unavailable answer."""
        if not self.well:
            return 0.0
        backoff = min(0.25 * (2 ** (attempt - 1)), self.longest_wait)
        return max(backoff, float(retry_after or 0))

    def put(self, uid):
        return self.store.call("PUT", f"/lpas/{uid}", self.template)

    def submit(self):
        uid = new_uid()
        status, retry_after, _ = self.put(uid)
        if status == 201:
            return 201, {"uid": uid}
        if not unavailable(status):
            return 502, {"uid": uid, "error": f"the store answered {status}"}
        if self.well:
            # Kept until the store takes it, however long that is.
            with self.lock:
                self.pending.append({"uid": uid, "not_before": time.time() + self.wait_before(1, retry_after), "attempt": 1})
            self.wake.set()
            return 202, {"uid": uid, "queued": True}
        # Badly behaved: hammers the store, then forgets the write it told its user it accepted.
        for _ in range(self.retries):
            status, _, _ = self.put(uid)
            if status == 201:
                return 201, {"uid": uid}
        return 202, {"uid": uid, "queued": True}

    def read(self, uid):
        started = time.time()
        attempt = 0
        while True:
            attempt += 1
            status, retry_after, body = self.store.call("GET", f"/lpas/{uid}")
            if status == 200:
                if not self.well:
                    # Outside its pact: Make and register never reads the change history.
                    self.store.call("GET", f"/lpas/{uid}/updates")
                return 200, json.loads(body)
            if not unavailable(status):
                return status, {"error": f"the store answered {status}"}
            if self.well:
                wait = self.wait_before(attempt, retry_after)
                if time.time() + wait - started > self.give_up or attempt > self.retries:
                    return 503, {"error": "the LPA store is unavailable; try again later"}
                time.sleep(wait)
            elif attempt > self.retries:
                return 503, {"error": "the LPA store is unavailable"}

    def drain(self):
        """The well-behaved outbox: each accepted write is sent again when its wait is over."""
        while True:
            self.wake.wait(timeout=0.2)
            self.wake.clear()
            with self.lock:
                due = [w for w in self.pending if w["not_before"] <= time.time()]
            for write in due:
                status, retry_after, _ = self.put(write["uid"])
                with self.lock:
                    if not unavailable(status):
                        # Taken (201), already there after a lost answer, or refused for good.
                        self.pending.remove(write)
                    else:
                        write["attempt"] += 1
                        write["not_before"] = time.time() + self.wait_before(write["attempt"], retry_after)


def handler_for(consumer):
    class Handler(http.server.BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def answer(self, status, body):
            data = json.dumps(body).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/health":
                return self.answer(200, {"status": "ok"})
            if self.path.startswith("/lpa/"):
                return self.answer(*consumer.read(self.path[len("/lpa/"):]))
            self.answer(404, {"error": "no such route"})

        def do_POST(self):
            length = int(self.headers.get("Content-Length") or 0)
            self.rfile.read(length)
            if self.path == "/submit":
                return self.answer(*consumer.submit())
            self.answer(404, {"error": "no such route"})

        def log_message(self, fmt, *args):
            sys.stderr.write("service: " + (fmt % args) + "\n")

    return Handler


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--store", required=True, help="the LPA store's base URL")
    parser.add_argument("--behaviour", choices=["well", "bad"], default="well")
    parser.add_argument("--secret", default=os.environ.get("LPA_STORE_JWT_SECRET", DEFAULT_SECRET))
    parser.add_argument("--issuer", default="opg.poas.makeregister")
    parser.add_argument("--retries", type=int, default=5, help="attempts after the first")
    parser.add_argument("--timeout", type=float, default=3.0, help="seconds to wait for the store")
    parser.add_argument("--give-up-ms", type=int, default=3000, help="the longest a reader waits")
    parser.add_argument("--longest-wait", type=float, default=8.0, help="the most backoff waits")
    args = parser.parse_args()
    store = Store(args.store, args.secret, args.issuer, args.timeout)
    consumer = Consumer(store, args.behaviour, args.retries, args.give_up_ms, args.longest_wait)
    threading.Thread(target=consumer.drain, daemon=True).start()
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler_for(consumer))
    manner = "well behaved" if args.behaviour == "well" else "badly behaved"
    sys.stderr.write(f"service: {manner}, listening on 127.0.0.1:{args.port}, store {args.store}\n")
    server.serve_forever()


if __name__ == "__main__":
    main()
