"""Page benchmark: key pages against a bare Django page, on gunicorn with PostgreSQL.

    .venv/bin/python bench/pages.py --scale demo --scale national [--requests 60] [--results bench/RESULTS.md]

For each scale it creates a fresh PostgreSQL database (fremdrift_bench_<scale>), fills it with
`generate_benchmark_data --scale <scale>`, starts gunicorn with 2 workers on loopback
(bench.settings: debug off, production middleware, plus the floor view), logs in as county staff
(fylke@demo.fremdrift.no) and as a library head (biblioteksjef.tromso@demo.fremdrift.no), and
times every key page sequentially over one keep-alive connection: median and 95th percentile.
The floor is a bare Django view rendering a 50-row template, measured in the same run; each page
is reported as a ratio to it. Then wrk loads the county start page and the floor with 16
connections for 10 s each (requests per second). Figures are printed and appended to RESULTS.md.
Needs: PostgreSQL on 127.0.0.1:5432 (user postgres), Redis on 127.0.0.1:6379 (database 3, or
BENCH_CACHE_URL), wrk, the project's virtualenv.
"""

import argparse
import http.client
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

STAFF = "fylke@demo.fremdrift.no"
HEAD = "biblioteksjef.tromso@demo.fremdrift.no"


def database_url(scale: str) -> str:
    return f"postgres://postgres@127.0.0.1:5432/fremdrift_bench_{scale}"


def env_for(scale: str) -> dict:
    return os.environ | {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": database_url(scale),
        "CELERY_BROKER_URL": "",
        # The cache as deployed (docker-compose): the start pages are kept there, and a cache of each
        # gunicorn worker's own would neither cost what Redis costs nor see the other worker's writes.
        "CACHE_URL": os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/3"),
        "DJANGO_DEBUG": "0",
    }


def prepare(scale: str, *, reuse: bool) -> float:
    """A fresh database at `scale`; returns the seconds generate_benchmark_data took."""
    env = env_for(scale)
    name = f"fremdrift_bench_{scale}"
    if reuse:
        exists = subprocess.run(
            ["psql", "-h", "127.0.0.1", "-U", "postgres", "-tAc", f"SELECT 1 FROM pg_database WHERE datname='{name}'"],
            capture_output=True,
            text=True,
        )
        if exists.stdout.strip() == "1":
            subprocess.run(
                [sys.executable, str(BASE_DIR / "manage.py"), "migrate", "--noinput", "-v0"],
                env=env,
                check=True,
                cwd=BASE_DIR,
            )
            return 0.0
    subprocess.run(["dropdb", "-h", "127.0.0.1", "-U", "postgres", "--if-exists", name], check=True)
    subprocess.run(["createdb", "-h", "127.0.0.1", "-U", "postgres", name], check=True)
    manage = [sys.executable, str(BASE_DIR / "manage.py")]
    subprocess.run(manage + ["migrate", "--noinput", "-v0"], env=env, check=True, cwd=BASE_DIR)
    started = time.monotonic()
    subprocess.run(manage + ["generate_benchmark_data", "--scale", scale], env=env, check=True, cwd=BASE_DIR)
    return time.monotonic() - started


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(scale: str, port: int) -> subprocess.Popen:
    process = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "config.wsgi",
            "--workers",
            "2",
            "--bind",
            f"127.0.0.1:{port}",
            "--env",
            "DJANGO_SETTINGS_MODULE=bench.settings",
            "--log-level",
            "warning",
            "--timeout",
            "120",
        ],
        env=env_for(scale),
        cwd=BASE_DIR,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return process
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("gunicorn did not start")


def session_cookie(scale: str, email: str) -> str:
    """A logged-in session made directly in the database (no login form in the measurement)."""
    code = (
        "import django; django.setup();"
        "from django.contrib.auth import get_user_model, SESSION_KEY, BACKEND_SESSION_KEY, HASH_SESSION_KEY;"
        "from django.contrib.sessions.backends.db import SessionStore;"
        f"u = get_user_model().objects.get(email='{email}'); s = SessionStore();"
        "s[SESSION_KEY] = str(u.pk); s[BACKEND_SESSION_KEY] = 'allauth.account.auth_backends.AuthenticationBackend';"
        "s[HASH_SESSION_KEY] = u.get_session_auth_hash(); s.create(); print(s.session_key)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env_for(scale), cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    return result.stdout.strip().splitlines()[-1]


def key_pages(scale: str) -> list[tuple[str, str, str]]:
    """(name, user, path) for every key page; paths looked up in the benchmark database."""
    code = "import django; django.setup(); from bench.keypages import print_pages; print_pages()"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env_for(scale), cwd=BASE_DIR, capture_output=True, text=True, check=True
    )
    pages = []
    for line in result.stdout.strip().splitlines():
        name, user, path = line.split("\t")
        pages.append((name, user, path))
    return pages


def time_page(port: int, path: str, cookie: str, requests: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
    headers = {"Cookie": f"sessionid={cookie}", "Host": "127.0.0.1"}
    timings = []
    for index in range(requests + 5):
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200:
            raise RuntimeError(f"{path} answered {response.status}")
        if index >= 5:  # the first requests warm the worker's caches and connections
            timings.append(elapsed * 1000)
    connection.close()
    return timings


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(0.95 * (len(ordered) - 1))))]


def wrk(port: int, path: str, cookie: str, seconds: int = 10) -> float:
    if shutil.which("wrk") is None:
        return float("nan")
    result = subprocess.run(
        ["wrk", "-t2", "-c16", f"-d{seconds}s", "-H", f"Cookie: sessionid={cookie}", f"http://127.0.0.1:{port}{path}"],
        capture_output=True,
        text=True,
        check=True,
    )
    match = re.search(r"Requests/sec:\s+([\d.]+)", result.stdout)
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", result.stdout)
    if non_2xx:
        raise RuntimeError(f"wrk on {path}: {non_2xx.group(1)} failed responses")
    return float(match.group(1))


def run_scale(scale: str, requests: int, reuse: bool) -> dict:
    generation = prepare(scale, reuse=reuse)
    port = free_port()
    server = start_gunicorn(scale, port)
    try:
        cookies = {STAFF: session_cookie(scale, STAFF), HEAD: session_cookie(scale, HEAD)}
        floor = time_page(port, "/bench/floor/", cookies[STAFF], requests)
        rows = []
        for name, user, path in key_pages(scale):
            timings = time_page(port, path, cookies[user], requests)
            rows.append((name, path, statistics.median(timings), p95(timings)))
        load = {"floor": wrk(port, "/bench/floor/", cookies[STAFF]), "start": wrk(port, "/", cookies[STAFF])}
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return {
        "scale": scale,
        "generation": generation,
        "floor": (statistics.median(floor), p95(floor)),
        "rows": rows,
        "load": load,
    }


def report(results: list[dict], command: str) -> str:
    lines = [
        f"## Page benchmark ({datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"Machine: {platform.node()}, {os.cpu_count()} cores, Python {platform.python_version()}; "
        "gunicorn 2 sync workers, PostgreSQL, loopback.",
        f"Command: `{command}`",
        "",
    ]
    for result in results:
        floor_median, floor_p95 = result["floor"]
        lines += [
            f"### Scale: {result['scale']}"
            + (f" (data generated in {result['generation']:.0f} s)" if result["generation"] else ""),
            "",
            "| page | path | median ms | p95 ms | median ÷ floor | p95 ÷ floor |",
            "|---|---|---|---|---|---|",
            f"| floor (bare Django, 50-row template) | /bench/floor/ | {floor_median:.1f} | {floor_p95:.1f} | 1.0 | 1.0 |",
        ]
        for name, path, median, high in result["rows"]:
            lines.append(
                f"| {name} | {path} | {median:.1f} | {high:.1f} | {median / floor_median:.1f} | {high / floor_p95:.1f} |"
            )
        load = result["load"]
        lines += [
            "",
            f"wrk, 16 connections, 10 s: county start page {load['start']:.0f} req/s, floor {load['floor']:.0f} req/s "
            f"(ratio {load['start'] / load['floor']:.2f}).",
            "",
        ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", choices=["demo", "county", "national"])
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--reuse", action="store_true", help="Keep an existing benchmark database of the same scale.")
    parser.add_argument("--results", type=Path, help="Append the table to this Markdown file.")
    args = parser.parse_args()
    results = [run_scale(scale, args.requests, args.reuse) for scale in args.scale or ["demo"]]
    text = report(results, " ".join(["python", "bench/pages.py", *sys.argv[1:]]))
    print(text)
    if args.results:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
