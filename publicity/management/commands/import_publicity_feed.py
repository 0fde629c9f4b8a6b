import json
import os
import sys

from django.core.management.base import BaseCommand
from django.db import DatabaseError, InterfaceError, connection
from django.utils import timezone

from integrity_site.core.busy import is_database_busy, retry_when_busy
from integrity_site.core.processes import process_label
from integrity_site.core.readers import FeedUnreadable
from publicity.layouts import UnknownLayout
from publicity.records import REPAIR_OUTCOMES, ImportRun, RecordKind
from publicity.tasks import ImportAbandoned, run_import

# Exit status 2: the file could not be imported (unreadable, or the database refused), with the
# reason on standard error. Never 1 with a traceback.
CANNOT_IMPORT = 2


class Command(BaseCommand):
    help = (
        "Import a publicity data feed file (licences, penalties, dishonest judgment debtors or "
        "credit-repair outcomes) "
        "from CSV, XLSX or JSON; prints one line of JSON with the summary. Exit status 0 when the "
        "file was read (rejected rows included), 2 when it could not be imported, with the reason "
        "on standard error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path")
        parser.add_argument("--kind", choices=[*RecordKind.values, REPAIR_OUTCOMES, "auto"], default="auto")
        parser.add_argument("--report", help="where to write the rejected-rows report (CSV)")

    def handle(self, *args, path, kind, report, **options):
        try:
            # Command-line imports join the admin's history of import runs.
            run = retry_when_busy(
                lambda: ImportRun.objects.create(
                    file_name=os.path.basename(path)[:255],
                    stored_path=os.path.abspath(path)[:500],
                    requested_kind=kind,
                    status=ImportRun.Status.RUNNING,
                    report_path=report or "",
                    worker=process_label(),
                    heartbeat_at=timezone.now(),
                ),
                what="import's start",
            )
            summary = run_import(run)
        except (FeedUnreadable, UnknownLayout) as error:
            self.fail(f"{path}: {error}")
        except ImportAbandoned as error:
            self.fail(f"{path}: {error}")
        except KeyboardInterrupt:
            self.fail(
                f"{path}: interrupted. The batches written before are kept; run the same import again to finish it."
            )
        except (DatabaseError, InterfaceError, connection.Database.Error) as error:
            if is_database_busy(error):
                reason = "the database stayed busy (another process held its write lock for too long)"
            else:
                reason = "the database refused the import"
            self.fail(
                f"{path}: {reason}: {error}. The batches written before are kept; "
                "run the same import again to finish it."
            )
        self.stdout.write(json.dumps(summary.as_dict(), ensure_ascii=False))

    def fail(self, message):
        self.stderr.write(message)
        sys.exit(CANNOT_IMPORT)
