"""Report benchmark: the county report's total generation time against WeasyPrint's render time of
the same HTML alone (the limit), and reports per minute with one and two Celery workers.

    .venv/bin/python bench/reports.py --scale demo --scale national [--results bench/RESULTS.md]

Uses the databases bench/pages.py makes (fremdrift_bench_<scale>, created if missing) and Redis
(CELERY_BROKER_URL, default redis://127.0.0.1:6379/8) for the worker runs. Figures are medians of
five runs after one warm-up (which starts the PDF renderer child).
"""

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from datetime import datetime
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

from bench.pages import env_for, prepare  # noqa: E402

BROKER = os.environ.get("CELERY_BROKER_URL") or "redis://127.0.0.1:6379/8"
RUNS = 5


def measure(scale: str) -> dict:
    """Runs in a child process with the benchmark database's settings."""
    import django

    django.setup()
    from django.db import connection
    from django.template.loader import render_to_string
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone, translation
    from pypdf import PdfReader

    from documents.pdf import static_files_for_pdf
    from documents.renderer import write_pdf
    from municipalities.models import County
    from reports import services
    from reports.content import Period
    from reports.models import Report

    county = County.objects.get(number="55")
    month = Period.of(timezone.localdate()).previous().first

    def new_report():
        return Report.objects.create(
            kind=Report.Kind.COUNTY,
            county=county,
            month=month,
            subject_key="county:55",
            version=Report.objects.filter(kind="county", month=month, county=county).count() + 100,
        )

    services.render_report(report_id=new_report().pk)  # warm-up: starts the renderer child
    totals, contexts, templates, queries = [], [], [], []
    for _ in range(RUNS):
        report = new_report()
        started = time.perf_counter()
        with CaptureQueriesContext(connection) as captured:
            services.render_report(report_id=report.pk)
        totals.append(time.perf_counter() - started)
        queries.append(len(captured))
        started = time.perf_counter()
        context = services.build_context(report)
        contexts.append(time.perf_counter() - started)
        started = time.perf_counter()
        with translation.override("nb"):
            html = render_to_string(
                services.TEMPLATES[report.kind], {**context, "month_name": "måned", "title": "t", "lang": "nb"}
            )
        templates.append(time.perf_counter() - started)
    static_files = static_files_for_pdf()
    write_pdf(html, base_url="http://127.0.0.1/", static_files=static_files)  # warm-up in this process
    renders = []
    for _ in range(RUNS):
        started = time.perf_counter()
        pdf, _fetches = write_pdf(html, base_url="http://127.0.0.1/", static_files=static_files)
        renders.append(time.perf_counter() - started)
    Report.objects.filter(version__gte=100).delete()
    return {
        "scale": scale,
        "total": statistics.median(totals),
        "render": statistics.median(renders),
        "context": statistics.median(contexts),
        "template": statistics.median(templates),
        "queries": statistics.median(queries),
        "pages": len(PdfReader(io.BytesIO(pdf)).pages),
        "bytes": len(pdf),
    }


def throughput(scale: str, workers: int, count: int) -> float:
    """Reports per minute: `count` project reports rendered by `workers` worker processes."""
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = env_for(scale) | {"CELERY_BROKER_URL": BROKER, "CELERY_TASK_DEFAULT_QUEUE": queue}
    worker = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "config",
            "worker",
            f"--concurrency={workers}",
            "-Q",
            queue,
            "--loglevel=WARNING",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        cwd=BASE_DIR,
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        time.sleep(3)  # the worker starts; its children start their renderers on their first report
        child = subprocess.run(
            [sys.executable, __file__, "--queue", str(count)],
            cwd=BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        seconds = float(child.stdout.strip().splitlines()[-1])
    finally:
        os.killpg(worker.pid, 15)
        worker.wait(timeout=60)
    return count / seconds * 60


def queue_and_wait(count: int) -> float:
    """In a child with the benchmark settings: asks for `count` project reports and waits until all are ready."""
    import django

    django.setup()
    from django.utils import timezone

    from accounts.models import User
    from projects.models import Project
    from reports import services
    from reports.content import Period
    from reports.models import Report

    month = Period.of(timezone.localdate()).previous().first
    user = User.objects.get(email="fylke@demo.fremdrift.no")
    projects = list(Project.objects.filter(county__number="55", status="active")[:count])
    subjects = (projects * count)[:count]
    ids = [services.request_report(user=user, kind="project", subject=p, month=month).pk for p in subjects]
    started = time.monotonic()
    while Report.objects.filter(pk__in=ids, status=Report.Status.READY).count() < len(ids):
        if time.monotonic() - started > 900:
            raise RuntimeError("the reports did not finish in 15 minutes")
        time.sleep(0.2)
    elapsed = time.monotonic() - started
    Report.objects.filter(pk__in=ids).delete()
    return elapsed


def report(results: list[dict], command: str) -> str:
    lines = [
        f"## Report benchmark ({datetime.now():%Y-%m-%d %H:%M})",
        "",
        f"Machine: {os.cpu_count()} cores. Command: `{command}`",
        "",
        "The county report of Troms for last month: total generation (queries, templates, charts, PDF, "
        "storage, e-mails to readers) against WeasyPrint rendering the same HTML alone, in-process (the limit).",
        "",
        "| scale | pages | total s | WeasyPrint alone s | overhead s | overhead ÷ render | of it: data s (queries) | template s | "
        "reports/min, 1 worker | reports/min, 2 workers |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results:
        overhead = r["total"] - r["render"]
        lines.append(
            f"| {r['scale']} | {r['pages']} | {r['total']:.2f} | {r['render']:.2f} | {overhead:.2f} | "
            f"{overhead / r['render']:.0%} | {r['context']:.2f} ({r['queries']:.0f}) | {r['template']:.2f} | "
            f"{r['per_minute'][1]:.0f} | {r['per_minute'][2]:.0f} |"
        )
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--scale", action="append", choices=["demo", "county", "national"])
    parser.add_argument("--reports", type=int, default=24, help="Reports per throughput run.")
    parser.add_argument("--results", type=Path)
    parser.add_argument("--measure", help=argparse.SUPPRESS)
    parser.add_argument("--queue", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return
    if args.queue:
        print(queue_and_wait(args.queue))
        return
    results = []
    for scale in args.scale or ["demo"]:
        prepare(scale, reuse=True)
        child = subprocess.run(
            [sys.executable, __file__, "--measure", scale],
            env=env_for(scale),
            cwd=BASE_DIR,
            capture_output=True,
            text=True,
            check=True,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        result["per_minute"] = {n: throughput(scale, n, args.reports) for n in (1, 2)}
        results.append(result)
    text = report(results, " ".join(["python", "bench/reports.py", *sys.argv[1:]]))
    print(text)
    if args.results:
        with args.results.open("a", encoding="utf-8") as handle:
            handle.write("\n" + text)


if __name__ == "__main__":
    main()
