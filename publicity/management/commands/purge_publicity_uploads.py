"""Delete the publicity feed files uploaded in the admin, and the rejected-rows reports, once their
import ended more than the retention period ago.

Run it daily from cron, e.g. ``45 3 * * * cd /srv/site && .venv/bin/python manage.py purge_publicity_uploads``.
"""

from django.core.management.base import BaseCommand

from publicity.admin_views import purge_old_uploads, upload_retention_days


class Command(BaseCommand):
    help = (
        "Delete uploaded publicity feed files and rejected-rows reports of imports that finished or "
        "failed more than the retention period ago (setting PUBLICITY_UPLOAD_RETENTION_DAYS). Files "
        "outside the site's upload and report folders, such as command-line imports' own files, are kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, help="Override the retention period, in days.")
        parser.add_argument("--dry-run", action="store_true", help="Only report what would be deleted.")

    def handle(self, *args, days=None, dry_run=False, **options):
        days = days if days is not None else upload_retention_days()
        if days < 1:
            self.stderr.write("The retention period must be at least one day.")
            return
        result = purge_old_uploads(days, dry_run=dry_run)
        verb = "would be deleted" if dry_run else "deleted"
        self.stdout.write(
            f"{result.uploads_deleted} uploaded files and {result.reports_deleted} reports {verb} "
            f"from {result.runs} import runs that ended more than {days} days ago; "
            f"{result.kept_outside} files outside the site's folders kept."
        )
