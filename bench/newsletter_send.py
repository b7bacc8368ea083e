"""Benchmark: one infobrev to 10,000 recipients through the outbox to an SMTP server on loopback,
with one and with two Celery workers, against a plain loop that sends the same messages over one
smtplib connection (the limit of this machine and this server), all in the same run.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/7 \\
    .venv/bin/python bench/newsletter_send.py [--recipients 10000] [--batch-size 100]

DATABASE_URL names a PostgreSQL server the script may create a database on: it makes its own,
`fremdrift_bench_newsletters` (`--bench-db` names another, for two runs on one server), migrates
it, and drops it at the end (`--keep-db` keeps it).
The SMTP server (aiosmtpd) runs in a process of its own and only counts what it accepts. Each
worker is `celery -A config worker --concurrency=2`, as docker-compose.yml runs it (`--concurrency`
sets another), on a queue of its own; "two workers" are two such processes. With one process per
worker (`--concurrency 1`) the worker queues the rows and only then starts sending; with two, one
process sends while the other still queues. The script prints a Markdown section for bench/RESULTS.md.

What is measured, for each run, from the moment the send is committed until the SMTP server has
accepted the last message:
- plain loop: the outbox rows of the infobrev, rendered to bytes beforehand, sent by one
  `smtplib.SMTP.sendmail` call each over one connection (no database, no Celery): the limit;
- N workers: `send_newsletter` → queuing task (10,000 outbox rows by idempotency key) → outbox
  sender tasks (claim a batch with SKIP LOCKED, one connection per batch, mark each row sent).
  Reported end to end and for the delivery phase alone (first to last accepted message).
"""

import argparse
import multiprocessing
import os
import platform
import re
import smtplib
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))
BENCH_DB = "fremdrift_bench_newsletters"


# ------------------------------------------------------------------ the SMTP server (own process)


def _smtp_process(port, count, first, last, ready):
    import asyncio

    from aiosmtpd.controller import Controller

    class Counter:
        async def handle_DATA(self, server, session, envelope):
            now = time.monotonic()
            with count.get_lock():
                if count.value == 0:
                    first.value = now
                count.value += len(envelope.rcpt_tos)
                last.value = now
            return "250 OK"

    controller = Controller(Counter(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    try:
        asyncio.run(asyncio.sleep(10**9))
    finally:
        controller.stop()


class SMTPCounter:
    def __init__(self):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = sock.getsockname()[1]
        self.count = multiprocessing.Value("q", 0)
        self.first = multiprocessing.Value("d", 0.0)
        self.last = multiprocessing.Value("d", 0.0)
        ready = multiprocessing.Event()
        self.process = multiprocessing.Process(
            target=_smtp_process, args=(self.port, self.count, self.first, self.last, ready), daemon=True
        )
        self.process.start()
        if not ready.wait(30):
            raise RuntimeError("the SMTP server did not start")

    def reset(self):
        with self.count.get_lock():
            self.count.value, self.first.value, self.last.value = 0, 0.0, 0.0

    def stop(self):
        self.process.terminate()
        self.process.join(10)


# ------------------------------------------------------------------ set-up


def _database_urls(url: str) -> tuple[str, str]:
    parts = urlsplit(url)
    if not parts.scheme.startswith("postgres"):
        sys.exit("DATABASE_URL must point to PostgreSQL (the outbox claims rows with SKIP LOCKED)")
    return url, urlunsplit(parts._replace(path=f"/{BENCH_DB}"))


def _name_bench_db(name: str) -> None:
    global BENCH_DB
    if not re.fullmatch(r"[a-z0-9_]+", name):
        sys.exit("--bench-db: lower-case letters, digits and underscores only")
    BENCH_DB = name


def _recreate_database(admin_url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}"')
        cursor.execute(f'CREATE DATABASE "{BENCH_DB}"')
    connection.close()


def _drop_database(admin_url: str) -> None:
    import psycopg2

    connection = psycopg2.connect(admin_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{BENCH_DB}" WITH (FORCE)')
    connection.close()


def _setup_django(env: dict) -> None:
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _world(recipients: int):
    from django.db import transaction

    from accounts.models import Membership, User
    from municipalities.services import create_county
    from newsletters.models import Subscriber
    from newsletters.services.base import ensure_mailing_list

    with transaction.atomic():
        county = create_county(number="55", name="Troms")
        county.sender_name, county.sender_email = "Troms fylkesbibliotek", "fylkesbiblioteket@bench.example.no"
        county.save()
        staff = User.objects.create_user("fylke@bench.example.no", name="Fredrik Rådgiver")
        Membership.objects.create(user=staff, role=Membership.Role.COUNTY_STAFF, county=county)
        mailing_list = ensure_mailing_list(county=county)
        Subscriber.objects.bulk_create(
            [
                Subscriber(mailing_list=mailing_list, email=f"leser{i:05d}@bench.example.no", status="confirmed")
                for i in range(recipients)
            ],
            batch_size=5000,
        )
    return county, staff


BODY = (
    "Hei alle sammen!\n\nVåren har vært travel i bibliotekene i Troms:\n\n"
    "- Fem kommuner fornyer **bibliotekrommene** sine.\n- Nord-Troms rydder i samlingene.\n\n"
    "Les mer på [nettsiden](https://example.no/infobrev). Ting tar tid, men det går framover."
)


def _newsletter(county, staff, label):
    from newsletters.services import writing

    return writing.create_newsletter(county=county, by=staff, subject=f"Infobrev: {label}", body=BODY, is_public=True)


# ------------------------------------------------------------------ the runs


def plain_loop(county, staff, smtp: SMTPCounter, recipients: int) -> dict:
    """The limit: the same messages (the outbox rows of an infobrev) over one smtplib connection."""
    from newsletters.services import sending
    from notifications.models import OutboxMessage
    from notifications.services import _build

    newsletter = _newsletter(county, staff, "plain loop")
    started = time.monotonic()
    sending.send_newsletter(newsletter=newsletter, by=staff)  # no broker task runs: see _setup's queue
    sending.queue_recipients(newsletter_id=newsletter.pk)
    queued = time.monotonic() - started
    rows = OutboxMessage.objects.filter(object_id=newsletter.pk, kind="newsletter").order_by("pk")
    OutboxMessage.objects.filter(pk__in=rows.values("pk")).update(
        status=OutboxMessage.Status.SENT
    )  # keep them from workers
    prepared = [(row.from_email, row.recipient, _build(row).message().as_bytes(linesep="\r\n")) for row in rows]
    assert len(prepared) == recipients, len(prepared)
    smtp.reset()
    started = time.monotonic()
    with smtplib.SMTP("127.0.0.1", smtp.port) as connection:
        for sender, recipient, data in prepared:
            connection.sendmail(sender, [recipient], data)
    while smtp.count.value < recipients:
        time.sleep(0.01)
    elapsed = time.monotonic() - started
    return {
        "run": "plain smtplib loop, 1 connection",
        "workers": "–",
        "seconds": elapsed,
        "rate": recipients / elapsed,
        "delivery_rate": recipients / elapsed,
        "queuing": queued,
    }


def worker_run(county, staff, smtp: SMTPCounter, recipients: int, workers: int, env: dict, concurrency: int) -> dict:
    from newsletters.models import Newsletter
    from newsletters.services import sending
    from tests.worker import WorkerProcess

    processes = [
        WorkerProcess(queue=env["CELERY_TASK_DEFAULT_QUEUE"], concurrency=concurrency, env=env) for _ in range(workers)
    ]
    try:
        for process in processes:
            process.start()
        time.sleep(1)
        smtp.reset()
        newsletter = _newsletter(county, staff, f"{workers} worker(s)")
        started = time.monotonic()
        sending.send_newsletter(newsletter=newsletter, by=staff)  # the queuing task goes to the workers on commit
        queued_at = None
        deadline = started + 1800
        while smtp.count.value < recipients:
            if time.monotonic() > deadline:
                raise RuntimeError(f"timed out at {smtp.count.value} messages:\n{processes[0].output()[-3000:]}")
            if queued_at is None and Newsletter.objects.filter(pk=newsletter.pk, status="sent").exists():
                queued_at = time.monotonic()
            time.sleep(0.05)
        elapsed = time.monotonic() - started
        delivery = smtp.last.value - smtp.first.value
        if queued_at is None:
            queued_at = time.monotonic()
        return {
            "run": "outbox, end to end",
            "workers": str(workers),
            "seconds": elapsed,
            "rate": recipients / elapsed,
            "delivery_rate": recipients / delivery if delivery else 0.0,
            "queuing": queued_at - started,
        }
    finally:
        for process in processes:
            process.stop()


# ------------------------------------------------------------------ main


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--recipients", type=int, default=10_000)
    parser.add_argument("--batch-size", type=int, default=100, help="OUTBOX_BATCH_SIZE for the workers")
    parser.add_argument(
        "--concurrency", type=int, default=2, help="--concurrency of each Celery worker (docker-compose.yml's: 2)"
    )
    parser.add_argument("--keep-db", action="store_true")
    parser.add_argument("--bench-db", default=BENCH_DB, help="the database the script makes (and drops)")
    args = parser.parse_args()
    _name_bench_db(args.bench_db)
    if not os.environ.get("DATABASE_URL") or not os.environ.get("CELERY_BROKER_URL"):
        sys.exit("Set DATABASE_URL (PostgreSQL) and CELERY_BROKER_URL (Redis); see the docstring.")
    admin_url, bench_url = _database_urls(os.environ["DATABASE_URL"])
    args.load_before = os.getloadavg()[0]
    _recreate_database(admin_url)
    smtp = SMTPCounter()
    queue = f"bench-{uuid.uuid4().hex[:8]}"
    env = {
        "DJANGO_SETTINGS_MODULE": "config.settings.base",
        "DJANGO_SECRET_KEY": "benchmark-only-secret-key-" + uuid.uuid4().hex,
        "AGREEMENT_SEAL_KEY": "benchmark-only-agreement-seal-key-" + uuid.uuid4().hex,
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": bench_url,
        "CELERY_BROKER_URL": os.environ["CELERY_BROKER_URL"],
        "CELERY_TASK_DEFAULT_QUEUE": queue,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "OUTBOX_BATCH_SIZE": str(args.batch_size),
        "CACHE_URL": "locmemcache://",
        "MEDIA_ROOT": tempfile.mkdtemp(prefix="fremdrift-bench-media-"),
        "LOG_LEVEL": "WARNING",
    }
    results = []
    try:
        _setup_django(env)
        from config.celery import app

        county, staff = _world(args.recipients)
        # The plain loop queues in-process; its tasks must not reach a broker nobody listens to.
        app.conf.task_always_eager = True
        from notifications import services as outbox

        saved_wake, outbox._wake_sender = outbox._wake_sender, lambda: None
        try:
            results.append(plain_loop(county, staff, smtp, args.recipients))
        finally:
            outbox._wake_sender = saved_wake
            app.conf.task_always_eager = False
        worker_env = os.environ | env
        for workers in (1, 2):
            results.append(worker_run(county, staff, smtp, args.recipients, workers, worker_env, args.concurrency))
    finally:
        smtp.stop()
        try:
            from django.db import connections

            connections.close_all()
        except Exception:  # noqa: BLE001 - Django may not have started
            pass
        if not args.keep_db:
            _drop_database(admin_url)
        try:
            from config.celery import app

            with app.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
        except Exception:  # noqa: BLE001 - the broker may be gone; the queue is empty anyway
            pass
    _report(results, args)


def _report(results, args) -> None:
    limit = results[0]["rate"]
    cpu = platform.processor()
    if Path("/proc/cpuinfo").exists():
        lines = Path("/proc/cpuinfo").read_text().splitlines()
        cpu = next((line.split(":", 1)[1].strip() for line in lines if line.startswith("model name")), cpu)
    postgres = subprocess.run(["psql", "--version"], capture_output=True, text=True).stdout.strip() or "PostgreSQL"
    print(f"\n## Infobrev: {args.recipients:,} recipients through the outbox\n")
    print(
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {os.cpu_count()} cores ({cpu}), Python "
        f"{platform.python_version()}, {postgres}, Redis broker, aiosmtpd on loopback in its own process; "
        f"OUTBOX_BATCH_SIZE={args.batch_size}, worker --concurrency={args.concurrency}. Load average (1 min) {args.load_before:.1f} before, "
        f"{os.getloadavg()[0]:.1f} after (the machine is shared).\n"
    )
    print(
        "| run | workers | seconds | messages/s | delivery phase messages/s | share of the limit | queuing done after (s) |"
    )
    print("|---|---|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['run']} | {row['workers']} | {row['seconds']:.1f} | {row['rate']:.0f} | {row['delivery_rate']:.0f} "
            f"| {row['rate'] / limit:.0%} | {row['queuing']:.1f} |"
        )


if __name__ == "__main__":
    main()
