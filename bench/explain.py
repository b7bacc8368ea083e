"""EXPLAIN ANALYZE of every query of the key pages at a scale: sequential scans of large tables.

    .venv/bin/python bench/explain.py --scale national [--min-rows 10000]

Loads each key page (bench/keypages.py) as its user in this process, then runs EXPLAIN (ANALYZE,
FORMAT JSON) on every query it made and lists each sequential scan of a table with at least
`--min-rows` rows (small tables are read whole by design). Exits 1 if there is one.
"""

import argparse
import json
import subprocess
import sys
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import env_for, prepare  # noqa: E402


def _seq_scans(plan: dict):
    if plan.get("Node Type") == "Seq Scan":
        yield plan["Relation Name"], plan.get("Actual Rows", 0), plan.get("Rows Removed by Filter", 0)
    for child in plan.get("Plans", []):
        yield from _seq_scans(child)


def explain(min_rows: int) -> list[str]:
    import django

    django.setup()
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from bench.keypages import pages

    with connection.cursor() as cursor:
        cursor.execute("SELECT relname, reltuples FROM pg_class WHERE relkind = 'r'")
        sizes = {name: rows for name, rows in cursor.fetchall()}
    findings = []
    clients = {}
    for name, email, path in pages():
        client = clients.setdefault(email, Client())
        client.force_login(User.objects.get(email=email))
        client.get(path)
        with CaptureQueriesContext(connection) as queries:
            client.get(path, HTTP_HOST="127.0.0.1")
        for query in queries.captured_queries:
            sql = query["sql"]
            if not sql.lstrip().upper().startswith("SELECT"):
                continue
            with connection.cursor() as cursor:
                cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql)
                plan = cursor.fetchone()[0]
            plan = plan if isinstance(plan, list) else json.loads(plan)
            for table, rows, removed in _seq_scans(plan[0]["Plan"]):
                if sizes.get(table, 0) >= min_rows:
                    findings.append(
                        f"{name} ({path}): Seq Scan on {table} ({sizes[table]:.0f} rows; "
                        f"kept {rows}, removed {removed}): {sql[:160]}"
                    )
    return findings


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", default="national", choices=["demo", "county", "national"])
    parser.add_argument("--min-rows", type=int, default=10000)
    parser.add_argument("--explain", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.explain:
        findings = explain(args.min_rows)
        print("\n".join(findings) if findings else "No sequential scan of a large table in the key pages' queries.")
        sys.exit(1 if findings else 0)
    prepare(args.scale, reuse=True)
    result = subprocess.run(
        [sys.executable, __file__, "--explain", "--scale", args.scale, "--min-rows", str(args.min_rows)],
        env=env_for(args.scale),
        cwd=BASE_DIR,
    )
    sys.exit(result.returncode)


if __name__ == "__main__":
    main()
