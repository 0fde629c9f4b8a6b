"""Delete or anonymise the personal data of registrations for past events.

Run it daily from cron, e.g. ``15 3 * * * cd /srv/site && .venv/bin/python manage.py purge_registrations``.
"""

from django.core.management.base import BaseCommand

from integrity_site.core.models import personal_data_retention_days
from integrity_site.events.retention import purge_past_registrations


class Command(BaseCommand):
    help = (
        "Anonymise (or, with --delete, delete) registrations of events that ended more than "
        "the retention period ago (site settings: personal data retention)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the retention period, in days.")
        parser.add_argument(
            "--delete", action="store_true", help="Delete registrations instead of anonymising them."
        )
        parser.add_argument("--dry-run", action="store_true", help="Only report what would change.")

    def handle(self, *args, days=None, delete=False, dry_run=False, **options):
        days = days if days is not None else personal_data_retention_days()
        if days < 1:
            self.stderr.write("The retention period must be at least one day.")
            return
        count = purge_past_registrations(days, delete=delete, dry_run=dry_run)
        verb = "deleted" if delete else "anonymised"
        prefix = "would be " if dry_run else ""
        self.stdout.write(f"{count} registrations {prefix}{verb} (events ended more than {days} days ago).")
