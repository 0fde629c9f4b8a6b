"""Uploaded feed files and rejected-rows reports are deleted after the retention period, by a
command that cron runs; command-line imports' own files are never touched."""

import datetime
import io
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.utils import timezone
from wagtail.users.models import UserProfile

from integrity_site.core.sections import SECTION_GROUPS
from publicity import uploads
from publicity.records import ImportRun
from tests.publicity_feeds import import_command, penalty_row, report_dir, write_penalties  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db

# The worker takes its own transactions, as in production (see test_publicity_admin).
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


@pytest.fixture
def publicity_editor(django_user_model):
    user = django_user_model.objects.create_user("gongshi", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["publicity"]))
    profile = UserProfile.get_for_user(user)
    profile.preferred_language = "en"  # the tests read the interface strings as the code writes them
    profile.save()
    return user


@pytest.fixture
def feed_file(tmp_path):
    """A penalty feed with one good and one bad row: every import of it writes a report."""
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="U-1"), penalty_row(CF_WSH="U-2", CF_JDRQ="2020-02-30")])
    return path


def upload(client, path):
    with open(path, "rb") as file:
        client.post(
            "/admin/publicity/imports/", {"file": SimpleUploadedFile(path.name, file.read()), "kind": "auto"}
        )
    return ImportRun.objects.latest("pk")


def run_worker():
    call_command(
        "db_worker", "--batch", "--backend", "background", stdout=io.StringIO(), stderr=io.StringIO()
    )


def ended_days_ago(run, days):
    moment = timezone.now() - datetime.timedelta(days=days)
    ImportRun.objects.filter(pk=run.pk).update(created_at=moment, finished_at=moment)
    run.refresh_from_db()
    return run


def purge(*arguments):
    output = io.StringIO()
    call_command("purge_publicity_uploads", *arguments, stdout=output)
    return output.getvalue()


def files_of(run):
    """The run's uploaded file and report on disk (admin uploads record names in their storage)."""
    return tuple(
        Path(uploads.storage().path(value) if uploads.is_stored(value) else value)
        for value in (run.stored_path, run.report_path)
    )


@worker_db
def test_uploads_and_reports_past_the_retention_period_are_deleted_and_the_history_says_so(
    client, publicity_editor, feed_file
):
    client.force_login(publicity_editor)
    old = upload(client, feed_file)
    recent = upload(client, feed_file)
    run_worker()
    ended_days_ago(old, 91)
    ended_days_ago(recent, 89)
    assert all(path.is_file() for path in (*files_of(old), *files_of(recent)))

    output = purge()

    assert output.splitlines() == [
        "1 uploaded files and 1 reports deleted from 1 import runs that ended more than 90 days ago; "
        "0 files outside the site's folders kept."
    ]
    old.refresh_from_db()
    assert old.files_removed_at is not None and old.summary["rejected"] == 1  # the summary stays
    assert not any(path.exists() for path in files_of(old))
    assert all(path.is_file() for path in files_of(recent))
    history = client.get("/admin/publicity/imports/").content.decode()
    assert "file removed" in history
    assert f"/imports/{old.pk}/report/" not in history and f"/imports/{recent.pk}/report/" in history
    assert "were removed on" in client.get(f"/admin/publicity/imports/{old.pk}/").content.decode()
    assert client.get(f"/admin/publicity/imports/{old.pk}/report/").status_code == 404


def test_command_line_imports_keep_the_operators_own_files(tmp_path, feed_file, report_dir):  # noqa: F811
    own_report = tmp_path / "my-report.csv"
    import_command(feed_file)
    import_command(feed_file, "--report", str(own_report))
    default, chosen = ImportRun.objects.order_by("pk")
    for run in (default, chosen):
        ended_days_ago(run, 100)
    assert default.report_path.startswith(str(report_dir))

    output = purge()

    assert "0 uploaded files and 1 reports deleted from 2 import runs" in output
    assert "3 files outside the site's folders kept" in output
    assert feed_file.is_file() and own_report.is_file()
    assert not files_of(default)[1].exists()


def test_a_link_in_the_upload_folder_to_a_file_elsewhere_is_not_followed(tmp_path, feed_file, report_dir):  # noqa: F811
    uploads = report_dir / "uploads"
    uploads.mkdir(parents=True)
    link = uploads / "feed.csv"
    link.symlink_to(feed_file)
    import_command(link)
    run = ended_days_ago(ImportRun.objects.get(), 100)
    assert run.stored_path == str(link)

    purge()

    assert feed_file.is_file()


def test_imports_still_queued_or_running_are_left_alone(client, publicity_editor, feed_file):
    client.force_login(publicity_editor)
    queued = upload(client, feed_file)  # no worker has taken it yet
    ImportRun.objects.filter(pk=queued.pk).update(created_at=timezone.now() - datetime.timedelta(days=200))

    assert "from 0 import runs" in purge()
    assert files_of(queued)[0].is_file()


def test_a_dry_run_deletes_nothing_and_a_second_run_finds_nothing_more(feed_file):
    import_command(feed_file)
    run = ended_days_ago(ImportRun.objects.get(), 100)

    assert "1 reports would be deleted" in purge("--dry-run")
    assert files_of(run)[1].is_file()
    assert "1 reports deleted" in purge()
    assert "from 0 import runs" in purge()


def test_the_retention_period_follows_the_setting_or_the_command_line(settings, feed_file):
    settings.PUBLICITY_UPLOAD_RETENTION_DAYS = 30
    import_command(feed_file)
    run = ended_days_ago(ImportRun.objects.get(), 31)

    assert "from 0 import runs" in purge("--days", "60")
    assert "1 reports deleted from 1 import runs that ended more than 30 days ago" in purge()
    assert not files_of(run)[1].exists()


@worker_db
def test_uploads_and_reports_go_through_the_storage_api_so_object_storage_works(
    client,
    publicity_editor,
    feed_file,
    settings,
    report_dir,  # noqa: F811 (fixture)
):
    """With a storage that has no local path (as an object store), the worker imports a copy, the
    report is written back to the storage, downloaded from it and purged from it."""
    settings.STORAGES = {
        **settings.STORAGES,
        uploads.STORAGE_ALIAS: {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    }
    client.force_login(publicity_editor)
    run = upload(client, feed_file)
    assert run.stored_path.startswith("uploads/") and uploads.storage().exists(run.stored_path)

    run_worker()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED, run.error
    assert run.summary["rejected"] == 1
    assert uploads.is_stored(run.report_path) and uploads.storage().exists(run.report_path)
    assert not report_dir.exists() or not any(report_dir.rglob("*.csv"))  # nothing on local disk
    report = client.get(f"/admin/publicity/imports/{run.pk}/report/")
    assert report.status_code == 200
    assert "2020-02-30" in b"".join(report.streaming_content).decode("utf-8-sig")

    ended_days_ago(run, 91)
    assert "1 uploaded files and 1 reports deleted" in purge()
    assert not uploads.storage().exists(run.stored_path) and not uploads.storage().exists(run.report_path)
