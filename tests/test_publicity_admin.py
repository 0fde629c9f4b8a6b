"""Publicity editors upload feed files in the admin; a background worker imports them."""

import csv
import io

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command

from integrity_site.core.sections import SECTION_GROUPS
from publicity.records import ImportRun, PublicityRecord
from tests.publicity_feeds import penalty_row, report_dir, write_penalties  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def publicity_editor(django_user_model):
    user = django_user_model.objects.create_user("gongshi", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["publicity"]))
    return user


def upload(client, path, kind="auto"):
    with open(path, "rb") as file:
        return client.post(
            "/admin/publicity/imports/",
            {
                "file": SimpleUploadedFile(path.name, file.read()),
                "kind": kind,
            },
        )


# The worker takes its own (exclusive, on SQLite) transactions, as in production; migration data
# (groups, locales, the site) is restored after each such test.
worker_db = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def run_worker():
    call_command(
        "db_worker", "--batch", "--backend", "background", stdout=io.StringIO(), stderr=io.StringIO()
    )


def test_the_publicity_editors_group_may_import_the_feed(publicity_editor):
    for permission in [
        "import_publicity_feed",
        "view_publicityrecord",
        "change_publicityrecord",
        "add_publicityrecord",
        "view_importrun",
        "view_crosscheckhit",
    ]:
        assert publicity_editor.has_perm(f"publicity.{permission}")


@worker_db
def test_an_editor_uploads_a_feed_and_the_worker_imports_it_in_the_background(
    client, publicity_editor, tmp_path
):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row(CF_WSH="U-1"), penalty_row(CF_WSH="U-2", CF_JDRQ="2020-02-30")])
    client.force_login(publicity_editor)

    response = upload(client, path)

    run = ImportRun.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/admin/publicity/imports/{run.pk}/")
    assert run.status == ImportRun.Status.QUEUED and not PublicityRecord.objects.exists()
    queued = client.get(response.url).content.decode()
    assert "<progress" in queued and 'http-equiv="refresh"' in queued

    run_worker()

    run.refresh_from_db()
    assert run.status == ImportRun.Status.FINISHED
    assert (run.summary["rows"], run.summary["created"], run.summary["rejected"]) == (2, 1, 1)
    assert run.rows_done == 2 and run.percent_done == 100
    finished = client.get(response.url).content.decode()
    assert "<progress" not in finished
    assert "<dd>行政处罚</dd>" in finished and "penalty" not in finished  # the kind by its label
    report = client.get(f"/admin/publicity/imports/{run.pk}/report/")
    rows = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert rows[1][:2] == ["3", "CF_JDRQ"]


@worker_db
def test_the_history_lists_every_import_run_with_its_summary(client, publicity_editor, tmp_path):
    path = tmp_path / "penalties.csv"
    write_penalties(path, [penalty_row()])
    client.force_login(publicity_editor)
    upload(client, path)
    upload(client, path)
    run_worker()

    page = client.get("/admin/publicity/imports/").content.decode()

    assert page.count("penalties.csv") == 2
    first, second = ImportRun.objects.order_by("pk")
    assert (first.summary["created"], second.summary["unchanged"]) == (1, 1)


@worker_db
def test_an_unreadable_upload_fails_with_the_reason(client, publicity_editor, tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("名称,日期\n甲,2020-01-01\n", encoding="utf-8")
    client.force_login(publicity_editor)
    upload(client, path)

    run_worker()

    run = ImportRun.objects.get()
    assert run.status == ImportRun.Status.FAILED
    assert "XK_WSH" in run.error
    assert "XK_WSH" in client.get(f"/admin/publicity/imports/{run.pk}/").content.decode()


def test_other_file_types_are_refused_at_upload(client, publicity_editor, tmp_path):
    path = tmp_path / "feed.exe"
    path.write_bytes(b"MZ")
    client.force_login(publicity_editor)

    response = upload(client, path)

    assert response.status_code == 200
    assert not ImportRun.objects.exists()


def test_editors_of_other_sections_cannot_import(client, django_user_model):
    user = django_user_model.objects.create_user("jiangtang", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    client.force_login(user)

    assert client.get("/admin/publicity/imports/").status_code in (302, 403)
    assert "/admin/publicity/imports/" not in client.get("/admin/").content.decode()


def test_editors_find_every_record_in_the_admin_expired_penalties_included(client, publicity_editor):
    import datetime

    from tests.publicity_feeds import make_record

    make_record(document_number="罚-过期", publicity_until=datetime.date(2020, 1, 1))
    make_record(
        document_number="罚-别家", subject_name="济南燕山丽华商贸有限公司", credit_code="914403001922038216"
    )
    client.force_login(publicity_editor)

    listing = client.get("/admin/publicity_records/", {"q": "91350100M000100Y43"})

    assert listing.status_code == 200
    page = listing.content.decode()
    assert "罚-过期" in page and "罚-别家" not in page


def test_a_record_in_the_admin_shows_labels_words_and_chinese_dates(client, publicity_editor):
    import datetime
    import re

    from tests.publicity_feeds import make_record

    record = make_record(document_number="罚-查看", decision_date=datetime.date(2026, 3, 9), late=True)
    client.force_login(publicity_editor)

    page = client.get(f"/admin/publicity_records/inspect/{record.pk}/").content.decode()

    fields = dict(re.findall(r"<dt>(.*?)</dt>\s*<dd>\s*(.*?)\s*</dd>", page, flags=re.S))
    assert fields["类型"] == "行政处罚" and fields["决定日期"] == "2026年3月9日"
    assert fields["迟报"] == "是"
    assert not {"True", "False", "None", "penalty"} & set(fields.values())
