"""The background import of an uploaded feed file (django-tasks; the database queue and its
worker, `manage.py run_worker`, run it outside the web request), and what keeps an import from
getting stuck: a heartbeat with every committed batch, the detection of runs whose process has
gone, and the retry of a failed run.

An import is idempotent (records are upserted by kind, document number and authority; unchanged
rows are not written), so a retry of an interrupted run writes only what the first one did not.
"""

import datetime
import logging

from django.conf import settings
from django.db import DatabaseError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from integrity_site.core.busy import is_database_busy, retry_when_busy
from integrity_site.core.processes import process_gone, process_label
from integrity_site.core.readers import FeedUnreadable
from publicity import uploads
from publicity.importer import import_feed, report_directory
from publicity.layouts import UnknownLayout
from publicity.records import ImportRun

logger = logging.getLogger(__name__)

DEFAULT_STALE_SECONDS = 120


class ImportAbandoned(Exception):
    """The run was given up as interrupted while this process was still importing it."""


def stale_after():
    """How long a running import may stay silent before it counts as interrupted. Its heartbeat is
    renewed with every committed batch (a second or so apart)."""
    seconds = getattr(settings, "PUBLICITY_IMPORT_STALE_SECONDS", DEFAULT_STALE_SECONDS)
    return datetime.timedelta(seconds=seconds)


def run_import(run, progress=None):
    """Import the run's file and record how it ended on the run, whoever started it (the admin's
    background task or the command line). The run must be RUNNING. With every committed batch the
    run's progress and heartbeat are renewed; if the run was failed as interrupted meanwhile, the
    import stops with ImportAbandoned. Raises what import_feed raises, after recording it."""
    runs = ImportRun.objects.filter(pk=run.pk)
    running = runs.filter(status=ImportRun.Status.RUNNING)

    def report_progress(summary, bytes_done, bytes_total):
        alive = retry_when_busy(
            lambda: running.update(
                rows_done=summary.rows,
                bytes_done=bytes_done,
                bytes_total=bytes_total,
                heartbeat_at=timezone.now(),
            ),
            what="import's progress",
        )
        if not alive:
            raise ImportAbandoned(_("The import was stopped: it had been marked as interrupted."))
        if progress:
            progress(summary, bytes_done, bytes_total)

    try:
        with uploads.LocalFiles(run) as files:  # the storage's files as local ones, for the importer
            summary = import_feed(
                files.feed,
                kind=run.requested_kind,
                report_path=files.report,
                progress=report_progress,
            )
            report = files.keep_report(summary.report)
    except ImportAbandoned:
        raise  # the run's state says it already
    except (FeedUnreadable, UnknownLayout) as error:
        record_failure(running, str(error))
        raise
    except BaseException as error:
        record_failure(running, describe_failure(error))
        raise
    retry_when_busy(
        lambda: running.update(
            status=ImportRun.Status.FINISHED,
            summary=summary.as_dict(),
            rows_done=summary.rows,
            report_path=report,
            finished_at=timezone.now(),
        ),
        what="import's summary",
    )
    return summary


def describe_failure(error):
    if is_database_busy(error):
        return _(
            "The database stayed busy for too long (%(error)s). The batches written before are kept: "
            "import the file again to finish."
        ) % {"error": error}
    return repr(error)


def record_failure(runs, message):
    """Mark the run failed, as well as the database lets: the original error matters more."""
    try:
        retry_when_busy(
            lambda: runs.update(status=ImportRun.Status.FAILED, error=message, finished_at=timezone.now()),
            what="import's failure",
        )
    except DatabaseError as error:
        # The run stays RUNNING under a process about to end: fail_stale_runs() catches it.
        logger.warning("Could not record the failure of an import run (%s): %s", message, error)


def start_run(run_id):
    """QUEUED → RUNNING, with this process as its worker; False if the run is not queued (it was
    failed as interrupted, or is already running elsewhere)."""
    return bool(
        ImportRun.objects.filter(pk=run_id, status=ImportRun.Status.QUEUED).update(
            status=ImportRun.Status.RUNNING, worker=process_label(), heartbeat_at=timezone.now()
        )
    )


@task(backend="background")
def import_uploaded_feed(run_id):
    if not retry_when_busy(lambda: start_run(run_id), what="import's start"):
        return {"error": "the import run is no longer queued"}
    run = ImportRun.objects.get(pk=run_id)
    try:
        return run_import(run).as_dict()
    except (FeedUnreadable, UnknownLayout, ImportAbandoned) as error:
        return {"error": str(error)}


def queue_import(run):
    """Queue the background import of ``run`` (QUEUED) and remember its task."""
    result = import_uploaded_feed.enqueue(run.pk)
    ImportRun.objects.filter(pk=run.pk).update(task_id=str(result.id))
    run.task_id = str(result.id)
    return run


# --- runs that cannot finish by themselves ------------------------------------------------

FINISHED_TASK_STATES = [TaskResultStatus.SUCCESSFUL, TaskResultStatus.FAILED]


def stale_runs(now=None):
    """The runs that will never end by themselves, as [(run, why)]: running, and their process is
    gone from this machine or silent for longer than stale_after(); or queued under a task that
    has ended without starting them (it failed before it could)."""
    now = now or timezone.now()
    cutoff = now - stale_after()
    found = []
    for run in ImportRun.objects.filter(status=ImportRun.Status.RUNNING).only(
        "pk", "status", "worker", "heartbeat_at", "created_at", "task_id"
    ):
        if process_gone(run.worker):
            found.append((run, "process gone"))
        elif (run.heartbeat_at or run.created_at) < cutoff:
            found.append((run, "silent"))
    queued = {
        run.task_id: run
        for run in ImportRun.objects.filter(status=ImportRun.Status.QUEUED)
        .exclude(task_id="")
        .only("pk", "status", "task_id")
    }
    if queued:
        ended = DBTaskResult.objects.filter(id__in=list(queued), status__in=FINISHED_TASK_STATES)
        found += [(queued[str(task_id)], "task ended") for task_id in ended.values_list("id", flat=True)]
    return found


def fail_stale_runs(now=None):
    """Fail every stale run as interrupted (and its background task, which its dead worker left
    running); the admin then offers to retry it. Run by the worker when it starts and whenever an
    editor looks at the imports. Returns how many runs it failed."""
    now = now or timezone.now()
    failed = 0
    for run, why in stale_runs(now):
        # Only if nothing changed since it was found stale: a heartbeat just renewed wins.
        if run.status == ImportRun.Status.QUEUED:
            unchanged = Q(status=ImportRun.Status.QUEUED)
        elif run.heartbeat_at is None:
            unchanged = Q(status=ImportRun.Status.RUNNING, heartbeat_at__isnull=True)
        else:
            unchanged = Q(status=ImportRun.Status.RUNNING, heartbeat_at=run.heartbeat_at)
        if not ImportRun.objects.filter(unchanged, pk=run.pk).update(
            status=ImportRun.Status.FAILED, interrupted=True, finished_at=now
        ):
            continue
        failed += 1
        logger.warning("Import run %s was interrupted (%s); it can be retried", run.pk, why)
        if run.task_id:
            DBTaskResult.objects.filter(id=run.task_id, status=TaskResultStatus.RUNNING).update(
                status=TaskResultStatus.FAILED,
                finished_at=now,
                exception_class_path=f"{ImportAbandoned.__module__}.{ImportAbandoned.__qualname__}",
                traceback=f"The worker stopped during the import ({why}).",
            )
    return failed


def can_retry(run):
    """A failed run whose file is still there, and that no retry has finished or is working on
    (a failed retry leaves it retriable)."""
    return (
        run.status == ImportRun.Status.FAILED
        and run.files_removed_at is None
        and uploads.file_exists(run.stored_path)
        and not run.retries.exclude(status=ImportRun.Status.FAILED).exists()
    )


def retry_import(run, user=None):
    """Queue a new import of the failed run's file (a new run, linked to this one); None if the
    run cannot be retried."""
    if not can_retry(run):
        return None
    retry = ImportRun.objects.create(
        file_name=run.file_name,
        stored_path=run.stored_path,
        report_path=(
            uploads.report_name(run.file_name)
            if uploads.is_stored(run.stored_path)
            else str(report_directory() / uploads.report_name(run.file_name))
        ),
        requested_kind=run.requested_kind,
        bytes_total=run.bytes_total,
        created_by=user,
        retry_of=run,
    )
    return queue_import(retry)
