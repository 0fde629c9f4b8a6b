"""The background import of an uploaded feed file (django-tasks; the database queue and its
worker, `manage.py db_worker --backend background`, run it outside the web request)."""

from django.utils import timezone
from django_tasks import task

from publicity.importer import import_feed
from publicity.layouts import UnknownLayout
from publicity.readers import FeedUnreadable
from publicity.records import ImportRun
from publicity.uploads import LocalFiles


def run_import(run, progress=None):
    """Import the run's file and record how it ended on the run, whoever started it (the admin's
    background task or the command line). Raises what import_feed raises, after recording it."""
    runs = ImportRun.objects.filter(pk=run.pk)
    try:
        with LocalFiles(run) as files:  # the storage's files as local ones, for the importer
            summary = import_feed(
                files.feed, kind=run.requested_kind, report_path=files.report, progress=progress
            )
            report = files.keep_report(summary.report)
    except (FeedUnreadable, UnknownLayout) as error:
        runs.update(status=ImportRun.Status.FAILED, error=str(error), finished_at=timezone.now())
        raise
    except BaseException as error:
        runs.update(status=ImportRun.Status.FAILED, error=repr(error), finished_at=timezone.now())
        raise
    runs.update(
        status=ImportRun.Status.FINISHED,
        summary=summary.as_dict(),
        rows_done=summary.rows,
        report_path=report,
        finished_at=timezone.now(),
    )
    return summary


@task(backend="background")
def import_uploaded_feed(run_id):
    run = ImportRun.objects.get(pk=run_id)
    ImportRun.objects.filter(pk=run_id).update(status=ImportRun.Status.RUNNING)

    def progress(summary, bytes_done, bytes_total):
        ImportRun.objects.filter(pk=run_id).update(
            rows_done=summary.rows, bytes_done=bytes_done, bytes_total=bytes_total
        )

    try:
        return run_import(run, progress=progress).as_dict()
    except (FeedUnreadable, UnknownLayout) as error:
        return {"error": str(error)}
