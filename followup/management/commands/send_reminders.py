from django.core.management.base import BaseCommand

from followup.services.escalation import run_reminders


class Command(BaseCommand):
    help = "Queues today's milestone reminders and escalations (the job beat runs at 07:00). Safe to run again."

    def handle(self, *args, **options):
        run = run_reminders()
        self.stdout.write(
            f"Milestones coming up: {run.upcoming}, overdue: {run.overdue}; "
            f"new ladder steps: {run.steps}; new e-mails: {run.messages}"
        )
