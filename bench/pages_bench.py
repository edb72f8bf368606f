"""Page benchmark (QUALITY.md PF-1…PF-4). Prints, in one run:

- for a database of 100 cases and one of N (default 10,000) cases, both seeded by
  `seed_bulk`: gunicorn on 127.0.0.1, wrk with 8 keep-alive connections, each page
  measured in interleaved rounds against a minimal view (/ping/): requests per
  second as a ratio to the minimal view, p50 and p95 latency (medians over rounds);
- p95 with N cases as a ratio to p95 with 100 cases;
- queries per page with 1, 3 and 50 rows (Django test client, same settings).

Needs PostgreSQL (127.0.0.1:5432), Redis and wrk (`make bench` installs it). Run:
.venv/bin/python bench/pages_bench.py [--cases 10000] [--seconds 3] [--rounds 3].
It creates and drops its own databases.
"""

import argparse
import http.client
import os
import re
import statistics
import subprocess
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
PY = str(ROOT / ".venv" / "bin" / "python")
HOST, PORT = "127.0.0.1", 8765
CONNECTIONS = 8
PG = "postgres://postgres@127.0.0.1:5432"
PASSWORD = "bench-password-2026"  # noqa: S105 — seed_bulk's documented bench password


def env_for(database: str) -> dict:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "hengyang_award.settings.test",
        "TEST_DATABASE_URL": f"{PG}/{database}",
        "TEST_MEDIA_ROOT": str(ROOT / "var" / f"{database}-media"),
        "DEBUG": "False",
        # As in production (settings/base.py): connections kept per worker thread.
        "DB_CONN_MAX_AGE": "60",
    }


def manage(database: str, *args: str) -> str:
    result = subprocess.run(
        [PY, "manage.py", *args],
        cwd=ROOT,
        env=env_for(database),
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def psql(sql: str) -> None:
    subprocess.run(
        ["psql", "-h", "127.0.0.1", "-U", "postgres", "-qc", sql], check=True, capture_output=True
    )


def prepare(database: str, cases: int) -> None:
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    manage(database, "migrate", "-v0")
    print(manage(database, "seed_bulk", "--cases", str(cases)).strip())


class Session:
    """One keep-alive connection with its cookies."""

    def __init__(self, cookies: str = "") -> None:
        self.conn = http.client.HTTPConnection(HOST, PORT, timeout=30)
        self.cookies = cookies

    def get(self, path: str) -> tuple[int, bytes]:
        headers = {"Cookie": self.cookies} if self.cookies else {}
        self.conn.request("GET", path, headers=headers)
        response = self.conn.getresponse()
        return response.status, response.read()


def login(username: str) -> str:
    session = Session()
    session.conn.request("GET", "/accounts/login/")
    first = session.conn.getresponse()
    body = first.read().decode()
    cookie = re.search(r"csrftoken=([^;]+)", first.getheader("Set-Cookie") or "").group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', body).group(1)
    payload = urlencode({"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token})
    session.conn.request(
        "POST",
        "/accounts/login/",
        body=payload,
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Cookie": f"csrftoken={cookie}",
            "Referer": f"http://{HOST}:{PORT}/accounts/login/",
        },
    )
    response = session.conn.getresponse()
    response.read()
    sessionid = re.search(r"sessionid=([^;]+)", response.getheader("Set-Cookie") or "")
    if response.status != 302 or sessionid is None:
        raise SystemExit(f"login as {username} failed: HTTP {response.status}")
    return f"csrftoken={cookie}; sessionid={sessionid.group(1)}"


WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("WRK %d %f %f %f %d\\n", summary.requests, summary.duration / 1e6,
    latency:percentile(50) / 1e3, latency:percentile(95) / 1e3,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.timeout))
end
"""


def load(path: str, cookies: str, seconds: float) -> tuple[float, float, float]:
    """wrk, 8 connections on 2 threads for `seconds`: requests per second, p50
    and p95 in milliseconds. Any non-2xx answer or socket error stops the run."""
    script = ROOT / "var" / "bench-wrk.lua"
    script.parent.mkdir(exist_ok=True)
    script.write_text(WRK_SCRIPT)
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s", "--timeout", "30s"]
    command += ["-s", str(script)]
    if cookies:
        command += ["-H", f"Cookie: {cookies}"]
    output = subprocess.run(
        [*command, f"http://{HOST}:{PORT}{path}"], capture_output=True, text=True, check=True
    ).stdout
    line = next(row for row in output.splitlines() if row.startswith("WRK "))
    requests, duration, p50, p95, errors = line.split()[1:]
    if int(errors) or "Non-2xx" in output:
        raise SystemExit(f"{path}: errors under load\n{output}")
    return int(requests) / float(duration), float(p50), float(p95)


def settle() -> None:
    """Wait until the server has finished the previous load's requests (wrk stops
    sending, the workers do not stop answering): two quick answers in a row."""
    quick = 0
    for _ in range(100):
        started = time.perf_counter()
        Session().get("/ping/")
        quick = quick + 1 if time.perf_counter() - started < 0.02 else 0
        if quick == 2:
            return
        time.sleep(0.1)


def measure(database: str, pages: dict, *, seconds: float, rounds: int) -> dict:
    server = subprocess.Popen(
        [
            str(ROOT / ".venv" / "bin" / "gunicorn"),
            "hengyang_award.wsgi",
            "--bind",
            f"{HOST}:{PORT}",
            "--workers",
            "2",
            "--threads",
            "4",
            "--worker-class",
            "gthread",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env_for(database),
    )
    try:
        for _ in range(100):
            try:
                Session().get("/ping/")
                break
            except OSError:
                time.sleep(0.1)
        cookies = {"office": login("bench-office"), "reviewer": login("bench-reviewer"), "": ""}
        results = {name: {"rps": [], "p50": [], "p95": []} for name in pages}
        for path, who in pages.values():
            load(path, cookies[who], 1)  # warm-up (caches, connections)
        for _ in range(rounds):
            for name, (path, who) in pages.items():
                settle()
                rps, p50, p95 = load(path, cookies[who], seconds)
                results[name]["rps"].append(rps)
                results[name]["p50"].append(p50)
                results[name]["p95"].append(p95)
        return results
    finally:
        server.terminate()
        server.wait(timeout=30)


def query_counts() -> dict:
    """Queries per page with 1, 3 and 50 visible rows (in-process test client)."""
    code = r"""
import django, json
django.setup()
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.core.management import call_command
from hengyang_award.core.models import User
out = {}
made = 0
for rows in (1, 3, 50):
    call_command("seed_bulk", cases=rows - made, stdout=open("/dev/null", "w"))
    made = rows
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(User.objects.get(username="bench-office"))
    counts = {}
    for name, url in (("office case list", "/cases/"), ("office home", "/home/")):
        client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        counts[name] = len(ctx)
    out[rows] = counts
print(json.dumps(out))
"""
    database = "hy_bench_queries"
    psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    psql(f'CREATE DATABASE "{database}"')
    try:
        manage(database, "migrate", "-v0")
        result = subprocess.run(
            [PY, "-c", code],
            cwd=ROOT,
            env=env_for(database),
            capture_output=True,
            text=True,
            check=True,
        )
        import json

        return json.loads(result.stdout.strip().splitlines()[-1])
    finally:
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--cases", type=int, default=10000)
    parser.add_argument("--seconds", type=float, default=3.0)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    pages = {
        "minimal view (baseline)": ("/ping/", ""),
        "office case list (50 rows)": ("/cases/", "office"),
        "office home": ("/home/", "office"),
        "reviewer desk": ("/home/", "reviewer"),
        "public home": ("/public/", ""),
        "public notices": ("/public/notices/", ""),
        "public winners": ("/public/winners/", ""),
        "certificate verification": ("/public/verify/?number=HY-NOT-A-NUMBER", ""),
    }
    summary = {}
    for label, cases in (("small", 100), ("large", args.cases)):
        database = f"hy_bench_{label}"
        print(f"== {cases} cases ==")
        prepare(database, cases)
        summary[cases] = measure(database, pages, seconds=args.seconds, rounds=args.rounds)
        psql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')
    small, large = summary[100], summary[args.cases]
    base = statistics.median(large["minimal view (baseline)"]["rps"])
    print(f"\n{'page':32} {'req/s':>8} {'ratio':>6} {'p50 ms':>7} {'p95 ms':>7} {'p95 vs 100':>10}")
    for name in pages:
        rps = statistics.median(large[name]["rps"])
        p50 = statistics.median(large[name]["p50"])
        p95 = statistics.median(large[name]["p95"])
        p95_small = statistics.median(small[name]["p95"])
        print(
            f"{name:32} {rps:8.0f} {rps / base:6.2f} {p50:7.1f} {p95:7.1f} {p95 / p95_small:10.2f}"
        )
    print(f"\n(ratio: throughput / minimal view, {args.cases} cases, {CONNECTIONS} connections)")
    print("\nqueries per page by visible rows:")
    for rows, counts in query_counts().items():
        print(f"  {rows:>3} rows: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


if __name__ == "__main__":
    main()
