import json
import os
import sys

from django.core.management.base import BaseCommand
from django.utils import timezone

from publicity.importer import import_feed
from publicity.layouts import UnknownLayout
from publicity.models import ImportRun
from publicity.readers import FeedUnreadable


class Command(BaseCommand):
    help = (
        "Import a publicity data feed file (licences, penalties or dishonest judgment debtors) "
        "from CSV, XLSX or JSON; prints one line of JSON with the summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=["licence", "penalty", "dishonest", "auto"], default="auto")
        parser.add_argument("--report", help="where to write the rejected-rows report (CSV)")

    def handle(self, *args, path, kind, report, **options):
        # Command-line imports join the admin's history of import runs.
        run = ImportRun.objects.create(
            file_name=os.path.basename(path)[:255], stored_path=os.path.abspath(path)[:500],
            requested_kind=kind, status=ImportRun.Status.RUNNING,
        )
        try:
            summary = import_feed(path, kind=kind, report_path=report)
        except (FeedUnreadable, UnknownLayout) as error:
            ImportRun.objects.filter(pk=run.pk).update(
                status=ImportRun.Status.FAILED, error=str(error), finished_at=timezone.now()
            )
            self.stderr.write(f"{path}: {error}")
            sys.exit(2)
        ImportRun.objects.filter(pk=run.pk).update(
            status=ImportRun.Status.FINISHED, summary=summary.as_dict(), rows_done=summary.rows,
            report_path=summary.report, finished_at=timezone.now(),
        )
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
