"""Feed imports that cannot get stuck: a worker killed mid-import is noticed and its run retried
to the end, the worker waits out a locked database, and the import command answers a locked
database with exit status 2 and a clear message, never a traceback. On SQLite and PostgreSQL;
the worker and the command run as processes of their own on the test database."""

import datetime
import io
import signal
import subprocess
import sys

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import OperationalError
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from wagtail import hooks

from integrity_site.core import worker as worker_module
from integrity_site.core.processes import process_label
from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.demo.feedgen import generate_feed
from publicity import tasks
from publicity.records import ImportRun, PublicityRecord
from tests.contention import manage, process_environment, read_until, wait_until, write_lock
from tests.publicity_feeds import penalty_row, report_dir, write_penalties  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# Other processes see only what is committed (migration data is restored after each such test).
other_processes = pytest.mark.django_db(transaction=True, serialized_rollback=True)
RECORDS = "publicity_publicityrecord"
RUNS = "publicity_importrun"
TASKS = DBTaskResult._meta.db_table


@pytest.fixture
def publicity_editor(django_user_model):
    user = django_user_model.objects.create_user("gongshi", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["publicity"]))
    return user


@pytest.fixture
def editor(client, publicity_editor):
    client.force_login(publicity_editor)
    return client


def upload(client, path):
    with open(path, "rb") as file:
        response = client.post(
            "/admin/publicity/imports/", {"file": SimpleUploadedFile(path.name, file.read()), "kind": "auto"}
        )
    assert response.status_code == 302
    return ImportRun.objects.latest("pk")


def worker_process(*arguments, **env):
    return manage(
        "run_worker", "--no-startup-delay", "--interval", "0.05", *arguments, env=process_environment(**env)
    )


def finish(process):
    assert process.wait(timeout=120) == 0


def a_dead_pid():
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def running_run(**fields):
    return ImportRun.objects.create(
        file_name="licences.csv", status=ImportRun.Status.RUNNING, heartbeat_at=timezone.now(), **fields
    )


# --- a worker killed in the middle of an import ------------------------------------------


@other_processes
def test_a_worker_killed_mid_import_is_noticed_and_a_retry_finishes_the_import(editor, tmp_path):
    path = tmp_path / "licences.csv"
    bad = generate_feed(path, "licence", 12_000, seed=41, bad_share=0.01)
    valid = 12_000 - bad
    run = upload(editor, path)
    worker = worker_process()

    wait_until(lambda: ImportRun.objects.get(pk=run.pk).rows_done > 0, "the import's first batch")
    # Holding the records' write lock stops the import at its next batch: it is still running
    # when its worker is killed.
    with write_lock(RECORDS):
        run.refresh_from_db()
        assert run.status == ImportRun.Status.RUNNING and 0 < run.rows_done < 12_000
        worker.send_signal(signal.SIGKILL)
        worker.wait()
    written = PublicityRecord.objects.count()
    assert 0 < written < valid

    # A worker started afterwards notices the run at once: its process is gone.
    finish(worker_process("--batch"))
    run.refresh_from_db()
    assert (run.status, run.interrupted) == (ImportRun.Status.FAILED, True)
    assert DBTaskResult.objects.get(id=run.task_id).status == TaskResultStatus.FAILED

    page = editor.get(f"/admin/publicity/imports/{run.pk}/").content.decode()
    assert 'http-equiv="refresh"' not in page
    assert f'action="/admin/publicity/imports/{run.pk}/retry/"' in page

    response = editor.post(f"/admin/publicity/imports/{run.pk}/retry/")
    retry = ImportRun.objects.latest("pk")
    assert response.status_code == 302 and response.url == f"/admin/publicity/imports/{retry.pk}/"
    assert (retry.status, retry.retry_of_id, retry.stored_path) == (
        ImportRun.Status.QUEUED,
        run.pk,
        run.stored_path,
    )
    finish(worker_process("--batch"))

    retry.refresh_from_db()
    assert retry.status == ImportRun.Status.FINISHED
    # The batches the killed worker wrote count as unchanged: nothing twice, nothing missing.
    assert (retry.summary["created"], retry.summary["unchanged"]) == (valid - written, written)
    assert PublicityRecord.objects.count() == valid
    original = editor.get(f"/admin/publicity/imports/{run.pk}/").content.decode()
    assert f"/admin/publicity/imports/{retry.pk}/" in original and "retry/" not in original


# --- noticing stale runs when an editor looks ---------------------------------------------


def test_the_run_page_fails_a_run_whose_process_is_gone_and_stops_refreshing(editor, tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 10, seed=42)
    run = running_run(stored_path=str(path), worker=process_label(a_dead_pid()), rows_done=2000)

    page = editor.get(f"/admin/publicity/imports/{run.pk}/").content.decode()

    run.refresh_from_db()
    assert (run.status, run.interrupted) == (ImportRun.Status.FAILED, True)
    assert 'http-equiv="refresh"' not in page and "<progress" not in page
    assert "/retry/" in page and "2000" in page


def test_a_silent_run_counts_as_interrupted_after_the_stale_period(editor, settings):
    settings.PUBLICITY_IMPORT_STALE_SECONDS = 60
    other_machine = running_run(worker="another-host:4242")
    alive_here = running_run(worker=process_label())
    silent_since = timezone.now() - datetime.timedelta(seconds=61)
    ImportRun.objects.filter(pk__in=[other_machine.pk, alive_here.pk]).update(heartbeat_at=silent_since)
    recent = running_run(worker="another-host:4243")

    editor.get("/admin/publicity/imports/")

    statuses = dict(ImportRun.objects.values_list("pk", "status"))
    assert statuses[other_machine.pk] == statuses[alive_here.pk] == ImportRun.Status.FAILED
    assert statuses[recent.pk] == ImportRun.Status.RUNNING
    assert 'http-equiv="refresh"' in editor.get(f"/admin/publicity/imports/{recent.pk}/").content.decode()


def test_a_live_import_is_left_alone():
    run = running_run(worker=process_label())
    assert tasks.fail_stale_runs() == 0
    run.refresh_from_db()
    assert run.status == ImportRun.Status.RUNNING


def test_a_run_failed_as_interrupted_stops_its_import_at_the_next_batch(tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 4100, seed=43)  # three batches
    run = running_run(stored_path=str(path), worker=process_label(), report_path=str(tmp_path / "r.csv"))
    batches = []

    def given_up_after_the_first_batch(summary, bytes_done, bytes_total):
        batches.append(summary.rows)
        ImportRun.objects.filter(pk=run.pk).update(status=ImportRun.Status.FAILED, interrupted=True)

    with pytest.raises(tasks.ImportAbandoned):
        tasks.run_import(run, progress=given_up_after_the_first_batch)

    run.refresh_from_db()
    assert (run.status, run.interrupted, run.summary) == (ImportRun.Status.FAILED, True, {})
    assert batches == [2000]
    assert PublicityRecord.objects.count() == 4000  # the second batch was written, then its heartbeat failed


def test_a_run_cannot_be_retried_without_its_file_or_twice_at_once(editor, tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 10, seed=44)
    run = ImportRun.objects.create(
        file_name="licences.csv", stored_path=str(path), status=ImportRun.Status.FAILED
    )

    first = editor.post(f"/admin/publicity/imports/{run.pk}/retry/")
    second = editor.post(f"/admin/publicity/imports/{run.pk}/retry/")

    assert first.status_code == second.status_code == 302
    assert run.retries.count() == 1
    assert second.url == f"/admin/publicity/imports/{run.pk}/"
    path.unlink()
    ImportRun.objects.filter(retry_of=run).update(status=ImportRun.Status.FAILED)
    editor.post(f"/admin/publicity/imports/{run.pk}/retry/")
    assert run.retries.count() == 1


def test_finished_runs_offer_no_retry(editor, tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 10, seed=45)
    run = ImportRun.objects.create(file_name="l.csv", stored_path=str(path), status=ImportRun.Status.FINISHED)

    assert "/retry/" not in editor.get(f"/admin/publicity/imports/{run.pk}/").content.decode()
    assert editor.post(f"/admin/publicity/imports/{run.pk}/retry/").status_code == 302
    assert not run.retries.exists()


def test_editors_without_the_import_permission_cannot_retry(client, django_user_model, tmp_path):
    path = tmp_path / "licences.csv"
    generate_feed(path, "licence", 10, seed=46)
    run = ImportRun.objects.create(file_name="l.csv", stored_path=str(path), status=ImportRun.Status.FAILED)
    user = django_user_model.objects.create_user("jiangtang", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    client.force_login(user)

    assert client.post(f"/admin/publicity/imports/{run.pk}/retry/").status_code in (302, 403)
    assert not run.retries.exists()


# --- the worker waits out a busy database ---------------------------------------------------


def test_the_worker_loop_starts_again_after_database_errors_with_growing_pauses(monkeypatch):
    loops, pauses, started = [], [], []

    def loop(self):
        loops.append(1)
        if len(loops) < 4:
            raise OperationalError("database is locked")

    monkeypatch.setattr(Worker, "run", loop)
    worker = worker_module.ResilientWorker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="background",
        startup_delay=False,
        max_tasks=None,
        worker_id="test",
    )
    worker.sleep = pauses.append
    with hooks.register_temporarily(worker_module.WORKER_STARTED_HOOK, lambda: started.append(1)):
        worker.run()

    assert len(loops) == 4
    assert pauses == [1.0, 2.0, 4.0]
    assert len(started) == 4  # at the start and after each pause

    def bug(self):
        raise ValueError("a bug")

    monkeypatch.setattr(Worker, "run", bug)
    with pytest.raises(ValueError):
        worker.run()


@other_processes
def test_the_worker_waits_out_a_locked_database_and_then_imports(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row()])
    run = tasks.queue_import(
        ImportRun.objects.create(
            file_name=path.name, stored_path=str(path), report_path=str(tmp_path / "r.csv")
        )
    )

    with write_lock(TASKS, RUNS, RECORDS):
        worker = manage(
            "run_worker",
            "--batch",
            "--no-startup-delay",
            env=process_environment(busy_timeout=0.2),
            stderr=subprocess.PIPE,
        )
        read_until(worker.stderr, "starting it again")
    out = worker.communicate(timeout=120)[1]

    assert worker.returncode == 0, out
    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED and run.summary["created"] == 1


# --- the import command on a locked database ------------------------------------------------


@other_processes
def test_the_import_command_waits_for_a_lock_held_for_a_moment_and_finishes(tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH=f"L-{n}") for n in range(3)])

    with write_lock(RUNS, RECORDS):
        command = manage(
            "import_publicity_feed",
            str(path),
            "--report",
            str(tmp_path / "r.csv"),
            env=process_environment(busy_timeout=0.2),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        read_until(command.stderr, "trying again")
    out, err = command.communicate(timeout=120)

    assert command.returncode == 0, err
    assert '"created": 3' in out
    assert PublicityRecord.objects.count() == 3


@other_processes
def test_the_import_command_exits_2_with_a_clear_message_when_the_database_stays_locked(tmp_path):
    path = tmp_path / "licences.csv"
    bad = generate_feed(path, "licence", 12_000, seed=47, bad_share=0.01)
    command = manage(
        "import_publicity_feed",
        str(path),
        "--report",
        str(tmp_path / "r.csv"),
        env=process_environment(busy_timeout=0.2, DATABASE_BUSY_ATTEMPTS="2"),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    wait_until(lambda: ImportRun.objects.filter(rows_done__gt=0).exists(), "the import's first batch")
    with write_lock(RUNS, RECORDS):
        out, err = command.communicate(timeout=120)

    assert command.returncode == 2, err
    assert out == ""
    assert "database stayed busy" in err and "run the same import again" in err
    assert "Traceback" not in err
    written = PublicityRecord.objects.count()
    assert 0 < written < 12_000 - bad
    # The run the command could not mark failed is noticed: its process has ended.
    tasks.fail_stale_runs()
    assert ImportRun.objects.get().interrupted

    stdout = io.StringIO()
    call_command("import_publicity_feed", str(path), "--report", str(tmp_path / "r2.csv"), stdout=stdout)
    assert f'"created": {12_000 - bad - written}' in stdout.getvalue()
    assert PublicityRecord.objects.count() == 12_000 - bad


def test_the_uploads_purge_keeps_a_file_that_a_later_retry_still_uses(report_dir):  # noqa: F811
    from publicity.admin_views import purge_old_uploads, upload_directory

    upload_directory().mkdir(parents=True)
    stored = upload_directory() / "token-licences.csv"
    stored.write_text("XK_WSH\n", encoding="utf-8")
    long_ago, lately = (
        timezone.now() - datetime.timedelta(days=100),
        timezone.now() - datetime.timedelta(days=1),
    )
    failed = ImportRun.objects.create(
        file_name="licences.csv", stored_path=str(stored), status=ImportRun.Status.FAILED
    )
    retry = ImportRun.objects.create(
        file_name="licences.csv", stored_path=str(stored), status=ImportRun.Status.FINISHED, retry_of=failed
    )
    ImportRun.objects.filter(pk=failed.pk).update(created_at=long_ago, finished_at=long_ago)
    ImportRun.objects.filter(pk=retry.pk).update(created_at=lately, finished_at=lately)

    kept = purge_old_uploads(90)
    assert (kept.runs, kept.uploads_deleted) == (1, 0) and stored.exists()

    later = purge_old_uploads(90, now=timezone.now() + datetime.timedelta(days=100))
    assert (later.runs, later.uploads_deleted) == (1, 1) and not stored.exists()
