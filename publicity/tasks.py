"""The background import of an uploaded feed file (django-tasks; the database queue and its
worker, `manage.py db_worker --backend background`, run it outside the web request)."""

from django.utils import timezone
from django_tasks import task

from publicity.importer import import_feed
from publicity.layouts import UnknownLayout
from publicity.readers import FeedUnreadable
from publicity.records import ImportRun


def run_import(run, progress=None):
    """Import the run's file and record how it ended on the run, whoever started it (the admin's
    background task or the command line). Raises what import_feed raises, after recording it."""
    runs = ImportRun.objects.filter(pk=run.pk)
    try:
        summary = import_feed(
            run.stored_path, kind=run.requested_kind, report_path=run.report_path or None, progress=progress
        )
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
        report_path=summary.report,
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
