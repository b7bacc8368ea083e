"""A real Celery worker for worker-integration tests (marked `worker`).

The worker runs in its own process group on the broker from CELERY_BROKER_URL
(Redis in CI), on a queue of its own, against the test database (which must be
PostgreSQL: SQLite's in-memory test database cannot be shared). Tests using it
need `django_db(transaction=True)` so that the worker sees committed rows.
"""

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

from tests.conftest import skip_or_fail

BASE_DIR = Path(__file__).resolve().parent.parent


class WorkerProcess:
    def __init__(self, *, queue: str, concurrency: int, env: dict):
        self.queue = queue
        self.concurrency = concurrency
        self.env = env
        self.log = Path(tempfile.mkstemp(prefix="celery-worker-", suffix=".log")[1])
        self.process = None

    def start(self, timeout: float = 60) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "celery",
                    "-A",
                    "config",
                    "worker",
                    "--loglevel=INFO",
                    f"--concurrency={self.concurrency}",
                    "--pool=prefork",
                    "-Q",
                    self.queue,
                    "-n",
                    f"{self.queue}-{uuid.uuid4().hex[:6]}@%h",
                    "--without-gossip",
                    "--without-mingle",
                    "--without-heartbeat",
                ],
                cwd=BASE_DIR,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,  # its own process group, so a kill reaches its children
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log.read_text(errors="replace"):
                return
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        raise RuntimeError(f"Celery worker did not start:\n{self.log.read_text(errors='replace')[-4000:]}")

    def kill(self) -> None:
        """SIGKILL to the whole process group: a crash, with no chance to clean up."""
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=30)

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.kill()

    def output(self) -> str:
        return self.log.read_text(errors="replace")


def require_worker_services() -> None:
    if connection.vendor != "postgresql":
        skip_or_fail("Worker-integration tests need PostgreSQL: set DATABASE_URL")
    if not settings.CELERY_BROKER_URL:
        skip_or_fail("Worker-integration tests need a broker: set CELERY_BROKER_URL")


@contextmanager
def celery_worker(*, concurrency: int = 2, env: dict | None = None):
    """Starts a worker and points this process's task sending at it (not eager)."""
    require_worker_services()
    from config.celery import app

    queue = f"test-{uuid.uuid4().hex[:10]}"
    worker_env = (
        os.environ
        | {
            "DJANGO_SETTINGS_MODULE": "config.settings.test",
            "FREMDRIFT_TEST_WORKER": "1",
            "FREMDRIFT_TEST_DATABASE_NAME": connection.settings_dict["NAME"],
            "CELERY_TASK_DEFAULT_QUEUE": queue,
            "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        }
        | (env or {})
    )
    worker = WorkerProcess(queue=queue, concurrency=concurrency, env=worker_env)
    saved = app.conf.task_always_eager, app.conf.task_default_queue
    app.conf.task_always_eager, app.conf.task_default_queue = False, queue
    try:
        worker.start()
        yield worker
    finally:
        worker.stop()
        app.conf.task_always_eager, app.conf.task_default_queue = saved
        with app.connection_for_write() as conn:
            conn.default_channel.queue_delete(queue)


def wait_for(predicate, *, timeout: float = 60, interval: float = 0.2, message: str = "condition"):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = predicate()
        if result:
            return result
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout} s waiting for {message}")
