import json
import os
import sys

from django.core.management.base import BaseCommand

from publicity.layouts import UnknownLayout
from publicity.readers import FeedUnreadable
from publicity.records import ImportRun, RecordKind
from publicity.tasks import run_import


class Command(BaseCommand):
    help = (
        "Import a publicity data feed file (licences, penalties or dishonest judgment debtors) "
        "from CSV, XLSX or JSON; prints one line of JSON with the summary."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=[*RecordKind.values, "auto"], default="auto")
        parser.add_argument("--report", help="where to write the rejected-rows report (CSV)")

    def handle(self, *args, path, kind, report, **options):
        # Command-line imports join the admin's history of import runs.
        run = ImportRun.objects.create(
            file_name=os.path.basename(path)[:255],
            stored_path=os.path.abspath(path)[:500],
            requested_kind=kind,
            status=ImportRun.Status.RUNNING,
            report_path=report or "",
        )
        try:
            summary = run_import(run)
        except (FeedUnreadable, UnknownLayout) as error:
            self.stderr.write(f"{path}: {error}")
            sys.exit(2)
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))
