import random
import time
from dataclasses import dataclass
from types import SimpleNamespace

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import translation

from demo import benchmark_accounts as accounts_benchmark
from demo import benchmark_agreements as agreements_benchmark
from demo import benchmark_evaluations as evaluations_benchmark
from demo import benchmark_municipalities as municipalities_benchmark
from demo import benchmark_newsletters as newsletters_benchmark
from demo import benchmark_projects as projects_benchmark
from demo.management.commands.seed_demo import load_demo
from demo.municipalities import TROMS_MUNICIPALITIES
from demo.vestland import VESTLAND_MUNICIPALITIES
from municipalities.models import Municipality


@dataclass(frozen=True)
class Size:
    counties: int
    municipalities: int
    libraries: int
    contacts: int
    users: int
    projects: int = 0
    participants: int = 0
    milestones_per_participant: int = 5  # 12,000 participants × 5 = 60,000 milestones at national scale
    progress_entries: int = 0
    visits: int = 0
    meetings: int = 0
    evaluation_rounds: int = 0


SCALES = {
    "demo": Size(counties=1, municipalities=21, libraries=0, contacts=0, users=0),
    "county": Size(
        counties=2,
        municipalities=45,
        libraries=100,
        contacts=400,
        users=200,
        projects=170,
        participants=800,
        progress_entries=16000,
        visits=1300,
        meetings=1300,
        evaluation_rounds=100,
    ),
    "national": Size(
        counties=15,
        municipalities=357,
        libraries=800,
        contacts=6000,
        users=3000,
        projects=2500,
        participants=12000,
        progress_entries=250000,
        visits=20000,
        meetings=20000,
        evaluation_rounds=1500,
    ),
}

# Each app adds its objects in this order; later issues append their steps.
STEPS = [
    ("places", municipalities_benchmark.generate),
    ("users", accounts_benchmark.generate),
    ("projects", projects_benchmark.generate),
    ("follow-up", projects_benchmark.generate_followup),
    ("evaluations", evaluations_benchmark.generate),
    ("agreements", agreements_benchmark.generate),
    ("newsletters", newsletters_benchmark.generate),  # 2,000 infobrev with 50,000 outbox rows (national)
]


class Command(BaseCommand):
    help = "Fills an empty database with the demo plus synthetic data at the chosen scale (seeded, bulk)."

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=sorted(SCALES), default="demo")
        parser.add_argument("--seed", type=int, default=2024)

    def handle(self, *args, scale, seed, **options):
        demo_numbers = [row[0] for row in TROMS_MUNICIPALITIES + VESTLAND_MUNICIPALITIES]
        if Municipality.objects.exclude(number__in=demo_numbers).exists():  # beyond the demo's Troms and Vestland
            raise CommandError("Benchmark data is already present: use a fresh database.")
        ctx = SimpleNamespace(rng=random.Random(seed), size=SCALES[scale], scale=scale)
        with translation.override("nb"):
            with transaction.atomic():
                ctx.demo_county = load_demo()
            for name, step in STEPS:
                started = time.monotonic()
                with transaction.atomic():
                    step(ctx)
                self.stdout.write(f"{name}: {time.monotonic() - started:.1f} s")
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        self.stdout.write(self.style.SUCCESS(f"Benchmark data at scale '{scale}' is in place."))
