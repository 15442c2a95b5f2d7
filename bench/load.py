"""Load test: gunicorn (2 workers) on PostgreSQL with demo vendors, per search backend.

    .venv/bin/python bench/load.py                      # 2,000 vendors, 15 s per run (make bench)
    .venv/bin/python bench/load.py --vendors 20000 --duration 60   # the issue's figure

Creates a scratch PostgreSQL database (``--pg``, default postgres@127.0.0.1:5432), loads demo
vendors with ``flask demo load``, and for each available ``SEARCH_BACKEND`` (whoosh, tantivy,
postgres: those ``make_backend`` accepts) builds the index, starts ``gunicorn -w 2`` on
127.0.0.1, and drives a fixed mix from a thread pool for ``--duration`` seconds at 8 and at 32
concurrent clients:

* 70 % search pages (``/search`` with a term, sometimes a category filter or page 2),
* 20 % vendor profiles (``/v/<slug>``),
* 10 % signed-in requests and quote actions: buyer pages (my requests, a request with its
  quotes), vendor pages (the lead inbox, a lead), and POSTs through the real forms with their CSRF
  token: the buyer messaging an invited vendor, the vendor previewing a quote's cost on an open
  lead (the cost engine, no write) and messaging the buyer (route ``action``).

It prints requests/s and p50/p95/p99 per route, and errors (non-2xx/3xx or timeouts). Traffic
goes to 127.0.0.1 only; every loop ends at its deadline; gunicorn and the database are removed
at the end. Rate limits are turned off for the run (all clients share one address).
Targets (issue 11, Tantivy or PostgreSQL backend, 8 clients): search >= 150 req/s, p99 < 150 ms.
"""

from __future__ import annotations

import argparse
import http.client
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
import uuid
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOST = "127.0.0.1"
TERMS = ["payroll", "bookkeeping", "customer support", "data entry", "recruitment",
         "cloud", "invoice", "manila", "iso", "tax", "onboarding", "live chat", "payrol",
         "devops"]  # fmt: skip
CATEGORIES = ["payroll", "it-services", "data-entry", "customer-support", "finance-accounting"]


def flask(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(BIN / "flask"), "--app", "wsgi", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=3600,
        check=False,
    )
    if result.returncode != 0:
        raise SystemExit(f"flask {' '.join(args)} failed:\n{result.stderr[-3000:]}")
    return result.stdout


def available_backends(env: dict[str, str]) -> list[str]:
    code = (
        "import sys\nfrom marketplace import create_app\n"
        "from marketplace.search.services import make_backend\n"
        "ok=[]\nfor name in ('whoosh','tantivy','postgres'):\n"
        "    app=create_app({'SEARCH_BACKEND': name})\n"
        "    try:\n        make_backend(app)\n        ok.append(name)\n"
        "    except Exception:\n        pass\nprint(','.join(ok))\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    return [b for b in out.stdout.strip().split(",") if b] or ["whoosh"]


class Client:
    """One HTTP/1.1 request per connection (gunicorn sync workers close after each)."""

    def __init__(self, port: int, cookie: str = "") -> None:
        self.port = port
        self.cookie = cookie

    def request(self, method: str, path: str, body: str = "", headers: dict | None = None):
        conn = http.client.HTTPConnection(HOST, self.port, timeout=30)
        try:
            hdrs = {"Cookie": self.cookie} if self.cookie else {}
            if body:
                hdrs["Content-Type"] = "application/x-www-form-urlencoded"
            hdrs.update(headers or {})
            conn.request(method, path, body=body or None, headers=hdrs)
            response = conn.getresponse()
            data = response.read()
            return response.status, response.getheader("Set-Cookie") or "", data
        finally:
            conn.close()


def sign_in(port: int, email: str, password: str) -> str:
    """Log in through the real form (CSRF token and all); returns the session cookie."""
    client = Client(port)
    status, set_cookie, page = client.request("GET", "/login")
    cookie = set_cookie.split(";", 1)[0]
    match = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    token = match.group(1).decode() if match else ""
    body = urllib.parse.urlencode({"csrf_token": token, "email": email, "password": password})
    status, set_cookie, _ = Client(port, cookie).request("POST", "/login", body)
    if status != 302 or not set_cookie:
        raise SystemExit(f"could not sign in as {email} (HTTP {status})")
    return set_cookie.split(";", 1)[0]


def form_token(port: int, cookie: str) -> tuple[str, str]:
    """A CSRF token for this session (valid for every form of it), and the cookie holding it."""
    status, set_cookie, page = Client(port, cookie).request("GET", "/")
    match = re.search(rb'name="csrf_token" value="([^"]+)"', page) or re.search(
        rb'value="([^"]+)"[^>]*name="csrf_token"', page
    )
    if status != 200 or not match:
        raise SystemExit(f"no CSRF token on / (HTTP {status})")
    return (set_cookie.split(";", 1)[0] if set_cookie else cookie), match.group(1).decode()


def fixtures(database_url: str) -> dict[str, list]:
    import psycopg

    with psycopg.connect(database_url.replace("+psycopg", "")) as conn:
        slugs = [
            r[0]
            for r in conn.execute(
                "SELECT slug FROM vendors WHERE status = 'published' ORDER BY id LIMIT 2000"
            )
        ]
        requests = [
            r[0]
            for r in conn.execute(
                "SELECT r.id FROM quote_requests r JOIN users u ON u.id = r.buyer_id "
                "WHERE u.email = 'buyer@demo.test' ORDER BY r.id LIMIT 50"
            )
        ]
        leads = [r[0] for r in conn.execute(
            "SELECT i.id FROM invitations i JOIN vendors v ON v.id = i.vendor_id "
            "JOIN users u ON u.id = v.owner_id WHERE u.email = 'vendor@demo.test' "
            "ORDER BY i.id LIMIT 50")]  # fmt: skip
        open_thread = (
            "FROM invitations i JOIN quote_requests r ON r.id = i.request_id "
            "JOIN vendors v ON v.id = i.vendor_id JOIN users vu ON vu.id = v.owner_id "
            "JOIN users bu ON bu.id = r.buyer_id WHERE r.status = 'open' "
        )
        buyer_threads = [tuple(r) for r in conn.execute(
            "SELECT r.id, i.vendor_id " + open_thread +
            "AND bu.email = 'buyer@demo.test' ORDER BY i.id LIMIT 50")]  # fmt: skip
        vendor_threads = [tuple(r) for r in conn.execute(
            "SELECT r.id, i.vendor_id, i.id " + open_thread +
            "AND vu.email = 'vendor@demo.test' ORDER BY i.id LIMIT 50")]  # fmt: skip
    return {"slugs": slugs, "requests": requests, "leads": leads,
            "buyer_threads": buyer_threads, "vendor_threads": vendor_threads}  # fmt: skip


def pick(rng: random.Random, data: dict[str, list], cookies: dict[str, tuple[str, str]]):
    """(route label, path, cookie, form body or None for a GET) following the 70/20/10 mix."""
    roll = rng.random()
    if roll < 0.70:
        params = {"q": rng.choice(TERMS)}
        if rng.random() < 0.3:
            params["category"] = rng.choice(CATEGORIES)
        if rng.random() < 0.2:
            params["page"] = "2"
        return "search", "/search?" + urllib.parse.urlencode(params), "", None
    if roll < 0.90:
        return "profile", f"/v/{rng.choice(data['slugs'])}", "", None
    kind = rng.randrange(7)
    buyer, vendor = cookies["buyer"], cookies["vendor"]
    if kind == 4 and data["buyer_threads"]:
        request_id, vendor_id = rng.choice(data["buyer_threads"])
        body = {"csrf_token": buyer[1], "body": f"Can you start on the 1st? ({rng.random():.6f})"}
        return "action", f"/requests/{request_id}/messages/{vendor_id}", buyer[0], body
    if kind == 5 and data["vendor_threads"]:
        request_id, vendor_id, _ = rng.choice(data["vendor_threads"])
        body = {"csrf_token": vendor[1], "body": "Yes, with a two-week onboarding."}
        return "action", f"/requests/{request_id}/messages/{vendor_id}", vendor[0], body
    if kind == 6 and data["vendor_threads"]:
        invitation_id = rng.choice(data["vendor_threads"])[2]
        body = {"csrf_token": vendor[1], "action": "preview", "currency": "USD",
                "pricing_model": rng.choice(["per_unit_month", "per_hour", "fixed_month"]),
                "unit_price": f"{rng.randint(4, 40)}.50", "hours_per_month": "160",
                "setup_fee": "1500", "minimum_monthly": "0"}  # fmt: skip
        return "action", f"/leads/{invitation_id}/quote", vendor[0], body
    if kind in (0, 4) or (kind == 1 and not data["requests"]):
        return "signed-in", "/requests", buyer[0], None
    if kind == 1:
        return "signed-in", f"/requests/{rng.choice(data['requests'])}", buyer[0], None
    if kind in (2, 5, 6) or not data["leads"]:
        return "signed-in", "/leads", vendor[0], None
    return "signed-in", f"/leads/{rng.choice(data['leads'])}", vendor[0], None


def drive(port: int, clients: int, duration: float, data, cookies) -> dict[str, list]:
    results: dict[str, list] = defaultdict(list)  # route -> [(latency_s, ok)]
    lock = threading.Lock()
    deadline = time.monotonic() + duration

    def loop(seed: int) -> None:
        rng = random.Random(seed)
        local: list[tuple[str, float, bool]] = []
        while time.monotonic() < deadline:
            route, path, cookie, form = pick(rng, data, cookies)
            started = time.perf_counter()
            try:
                if form is None:
                    status, _, _ = Client(port, cookie).request("GET", path)
                else:
                    body = urllib.parse.urlencode(form)
                    status, _, _ = Client(port, cookie).request("POST", path, body)
                ok = 200 <= status < 400
            except OSError:
                ok = False
            local.append((route, time.perf_counter() - started, ok))
        with lock:
            for route, latency, ok in local:
                results[route].append((latency, ok))

    with ThreadPoolExecutor(max_workers=clients) as pool:
        list(pool.map(loop, range(clients)))
    return results


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(pct / 100 * len(ordered)) - 1))
    return ordered[index]


def report(backend: str, clients: int, duration: float, results: dict[str, list]) -> None:
    for route in ("search", "profile", "signed-in", "action", "all"):
        rows = results[route] if route != "all" else [r for v in results.values() for r in v]
        if not rows:
            continue
        ms = [lat * 1000 for lat, _ in rows]
        errors = sum(1 for _, ok in rows if not ok)
        print(
            f"{backend:<9} {clients:>7} {route:<10} {len(rows) / duration:>8.1f} "
            f"{percentile(ms, 50):>8.1f} {percentile(ms, 95):>8.1f} {percentile(ms, 99):>8.1f} "
            f"{errors:>6}",
            flush=True,
        )


def wait_ready(port: int, proc: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit("gunicorn exited during start-up")
        try:
            if Client(port).request("GET", "/healthz")[0] == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer /healthz in time")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--vendors", type=int, default=2000)
    parser.add_argument("--duration", type=float, default=15.0, help="seconds per run")
    parser.add_argument("--clients", default="8,32")
    parser.add_argument("--backends", default="", help="comma-separated; default: all available")
    parser.add_argument("--pg", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--port", type=int, default=0, help="default: a free loopback port")
    args = parser.parse_args()
    import psycopg

    name = f"mkp_load_{os.getpid()}_{uuid.uuid4().hex[:8]}"
    port = args.port or free_port()
    admin = args.pg
    database_url = admin.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://")
    database_url += f"/{name}"
    workdir = Path(tempfile.mkdtemp(prefix="mkp-bench-"))
    env = dict(os.environ)
    env.update(
        DATABASE_URL=database_url,
        INSTANCE_PATH=str(workdir / "instance"),
        SECRET_KEY="bench-secret-key-not-for-production",
        RATELIMIT_ENABLED="0",
        REDIS_URL="",
        SMTP_HOST="",
        MARKETPLACE_ENV="development",
    )
    env.pop("REDIS_URL")
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    gunicorn: subprocess.Popen | None = None
    try:
        started = time.perf_counter()
        flask(env, "db", "upgrade")
        flask(env, "demo", "load", "--vendors", str(args.vendors))
        print(f"Loaded {args.vendors:,} demo vendors in {time.perf_counter() - started:.0f} s.")
        data = fixtures(database_url)
        backends = [b for b in args.backends.split(",") if b] or available_backends(env)
        clients = [int(c) for c in args.clients.split(",")]
        print(f"Backends: {', '.join(backends)}; {args.duration:.0f} s per run; 2 gunicorn workers")
        print(f"{'backend':<9} {'clients':>7} {'route':<10} {'req/s':>8} "
              f"{'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'errors':>6}")  # fmt: skip
        for backend in backends:
            benv = {**env, "SEARCH_BACKEND": backend,
                    "SEARCH_INDEX_DIR": str(workdir / f"search-{backend}")}  # fmt: skip
            flask(benv, "search", "reindex")
            gunicorn_log = open(workdir / f"gunicorn-{backend}.log", "ab")  # noqa: SIM115
            gunicorn = subprocess.Popen(
                [str(BIN / "gunicorn"), "-w", "2", "-b", f"{HOST}:{port}",
                 "--access-logfile", "/dev/null", "--log-level", "warning", "wsgi:app"],
                cwd=ROOT, env=benv, stderr=gunicorn_log,
            )  # fmt: skip
            wait_ready(port, gunicorn)
            cookies = {
                role: form_token(port, sign_in(port, f"{role}@demo.test", demo_password()))
                for role in ("buyer", "vendor")
            }
            drive(port, 4, 2.0, data, cookies)  # warm-up: searchers open, caches filled
            for count in clients:
                report(backend, count, args.duration,
                       drive(port, count, args.duration, data, cookies))  # fmt: skip
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
            gunicorn = None
    finally:
        if gunicorn is not None:
            gunicorn.send_signal(signal.SIGTERM)
            gunicorn.wait(timeout=60)
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(workdir, ignore_errors=True)


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind((HOST, 0))
        return int(sock.getsockname()[1])


def demo_password() -> str:
    sys.path.insert(0, str(ROOT))
    from marketplace.demo.generator import DEMO_PASSWORD

    return DEMO_PASSWORD


if __name__ == "__main__":
    main()
