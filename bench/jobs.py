"""Background jobs at scale: time and query count of the daily reminder job, the nightly health
recomputation and the monthly report run, at demo and at national scale.

    .venv/bin/python bench/jobs.py --scale demo --scale national [--results bench/RESULTS.md]

Uses the databases of bench/pages.py (fremdrift_bench_<scale>, made if missing). Each job runs in
one transaction that is rolled back, so the database is the same for the next run. The monthly run
plans every county's reports and renders a sample of them in this process (no worker), from which
the time for all is estimated; the worker throughput is in the report benchmark.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import env_for, prepare  # noqa: E402

SAMPLE = 10


def measure() -> dict:
    import django

    django.setup()
    from django.db import connection, reset_queries, transaction
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from followup import health
    from followup.models import Milestone
    from followup.services import escalation
    from projects.models import Participant
    from reports import services as report_services
    from reports.content import Period

    def timed(job):
        reset_queries()  # the log keeps 9,000 queries: start each job with it empty
        with transaction.atomic(), CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            result = job()
            elapsed = time.perf_counter() - started
            transaction.set_rollback(True)
        return elapsed, len(queries), result

    figures = {
        "milestones": Milestone.objects.count(),
        "participants": Participant.objects.count(),
    }
    seconds, queries, _result = timed(lambda: escalation.run_reminders(now=timezone.now()))
    figures["reminders"] = {"seconds": seconds, "queries": queries}
    seconds, queries, changed = timed(health.recompute_all)
    figures["health"] = {"seconds": seconds, "queries": queries, "changed": changed}

    def monthly():
        month = Period.of(timezone.localdate()).previous().first
        planned = report_services.plan_scheduled_run(month=month)
        started = time.perf_counter()
        for report in planned[:SAMPLE]:
            report_services.render_report(report_id=report.pk)
        per_report = (time.perf_counter() - started) / max(1, min(SAMPLE, len(planned)))
        return len(planned), per_report

    seconds, queries, (count, per_report) = timed(monthly)
    figures["monthly"] = {"seconds": seconds, "queries": queries, "reports": count, "per_report": per_report}
    return figures


def report(results: dict, command: str) -> str:
    lines = [
        f"## Background jobs ({datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"Machine: {os.cpu_count()} cores, PostgreSQL. Command: `{command}`",
        "",
        "| scale | milestones | participants | reminder job s (queries) | nightly health s (queries) | "
        "monthly run: reports planned | planning + "
        f"{SAMPLE} rendered s (queries) | s per report | all reports, one process (estimate) |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for scale, f in results.items():
        monthly = f["monthly"]
        rendered = min(SAMPLE, monthly["reports"])
        planning = monthly["seconds"] - rendered * monthly["per_report"]
        estimate = planning + monthly["reports"] * monthly["per_report"]
        lines.append(
            f"| {scale} | {f['milestones']:,} | {f['participants']:,} | {f['reminders']['seconds']:.2f} ({f['reminders']['queries']}) | "
            f"{f['health']['seconds']:.2f} ({f['health']['queries']}) | {monthly['reports']} | {monthly['seconds']:.1f} ({monthly['queries']}) | "
            f"{monthly['per_report']:.2f} | {estimate / 60:.1f} min |".replace(",", " ")
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", choices=["demo", "county", "national"])
    parser.add_argument("--results", type=Path)
    parser.add_argument("--measure", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure()))
        return
    results = {}
    for scale in args.scale or ["demo"]:
        prepare(scale, reuse=True)
        child = subprocess.run(
            [sys.executable, __file__, "--measure"],
            env=env_for(scale),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        results[scale] = json.loads(child.stdout.strip().splitlines()[-1])
    text = report(results, " ".join(["python", "bench/jobs.py", *sys.argv[1:]]))
    print(text)
    if args.results:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
