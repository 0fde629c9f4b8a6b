"""Editors import an honour list from a spreadsheet: every bad row is reported with its line,
column and reason, every good row lands in the list's draft, and the same file twice changes
nothing."""

import json
import subprocess
import sys

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from wagtail.models import PageLogEntry
from wagtail.users.models import UserProfile

from honours import imports
from honours.models import HonourListPage
from integrity_site.core.sections import SECTION_GROUPS
from tests import factories

pytestmark = pytest.mark.django_db

GOOD_CODE = "91370102MA3C4X5Y6R"  # a valid unified social credit code
HEADER = "名称/姓名,统一社会信用代码,单位,事迹/称号\n"


def csv_file(tmp_path, text, encoding="utf-8-sig", name="list.csv"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


@pytest.fixture
def honours(home_page):
    return factories.HonourIndexPageFactory(parent=home_page)


@pytest.fixture
def honour_list(honours):
    return factories.HonourListPageFactory(
        parent=honours,
        title="2026年度诚信单位",
        slug="units-2026",
        entries=[{"name": "历下区老字号饭店", "organisation": "", "citation": "三十年诚信经营"}],
    )


def test_good_rows_of_a_csv_land_in_the_draft_and_the_live_list_is_unchanged(tmp_path, honour_list):
    path = csv_file(
        tmp_path,
        HEADER + f"山东诚信商贸有限公司,{GOOD_CODE},,诚信经营示范\n张晓华,,历下区某酒店,金牌服务员\n",
    )
    summary = imports.import_rows(honour_list, imports.read_honour_file(path).rows)
    assert (summary.created, summary.updated, summary.unchanged) == (2, 0, 0)
    live = HonourListPage.objects.get(pk=honour_list.pk)
    assert [entry.name for entry in live.entries.all()] == ["历下区老字号饭店"]
    assert live.has_unpublished_changes
    draft = live.get_latest_revision_as_object()
    assert sorted(entry.name for entry in draft.entries.all()) == [
        "历下区老字号饭店",
        "山东诚信商贸有限公司",
        "张晓华",
    ]
    live.get_latest_revision().publish()
    published = HonourListPage.objects.get(pk=honour_list.pk)
    assert [entry.name for entry in published.entries_by_pinyin()] == [
        "历下区老字号饭店",
        "山东诚信商贸有限公司",
        "张晓华",
    ]
    assert published.entries.get(name="山东诚信商贸有限公司").credit_code == GOOD_CODE


def test_importing_the_same_file_again_changes_nothing(tmp_path, honour_list):
    path = csv_file(tmp_path, HEADER + f"山东诚信商贸有限公司,{GOOD_CODE},,诚信经营示范\n")
    imports.import_rows(honour_list, imports.read_honour_file(path).rows)
    revisions = honour_list.revisions.count()
    again = imports.import_rows(honour_list, imports.read_honour_file(path).rows)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert honour_list.revisions.count() == revisions


def test_a_changed_citation_updates_the_entry_with_the_same_code(tmp_path, honour_list):
    imports.import_rows(
        honour_list,
        imports.read_honour_file(csv_file(tmp_path, HEADER + f"山东诚信商贸,{GOOD_CODE},,旧事迹\n")).rows,
    )
    path = csv_file(tmp_path, HEADER + f"山东诚信商贸有限公司,{GOOD_CODE},,新事迹\n", name="v2.csv")
    summary = imports.import_rows(honour_list, imports.read_honour_file(path).rows)
    assert (summary.created, summary.updated) == (0, 1)
    draft = HonourListPage.objects.get(pk=honour_list.pk).get_latest_revision_as_object()
    entry = next(entry for entry in draft.entries.all() if entry.credit_code == GOOD_CODE)
    assert (entry.name, entry.citation) == ("山东诚信商贸有限公司", "新事迹")


def test_every_bad_row_is_reported_with_its_line_column_and_reason_and_every_good_row_kept(tmp_path):
    path = csv_file(
        tmp_path,
        "名称/姓名,统一社会信用代码,单位,事迹/称号,备注\n"
        f"山东诚信商贸有限公司,{GOOD_CODE},,诚信经营,\n"  # line 2: good
        "乙公司,91370102MA3C4X5Y6Z,,,\n"  # line 3: check character wrong
        ",,历下区某酒店,金牌服务员,\n"  # line 4: no name
        '=HYPERLINK("http://x"),,,,\n'  # line 5: a formula
        f"山东诚信商贸分公司,{GOOD_CODE},,,\n"  # line 6: the same code again
        "张\u200b晓华,,,,\n"  # line 7: an invisible character
        "李明,,历下区某酒店,热心助人,\n",  # line 8: good
    )
    honour_file = imports.read_honour_file(path)
    assert [row.line for row in honour_file.rows] == [2, 8]
    problems = {(problem.line, problem.column) for problem in honour_file.problems}
    assert problems == {
        (1, "备注"),
        (3, "统一社会信用代码"),
        (4, "名称/姓名"),
        (5, "名称/姓名"),
        (6, "统一社会信用代码"),
        (7, "名称/姓名"),
    }
    reasons = {problem.line: problem.reason for problem in honour_file.problems}
    assert "第2行" in reasons[6] or "line 2" in reasons[6]
    assert honour_file.rejected_lines == [3, 4, 5, 6, 7]


def test_gbk_csv_without_bom_and_xlsx_read_alike(tmp_path):
    gbk = csv_file(tmp_path, HEADER + "解放路街道诚信商户,,,诚实守信\n", encoding="gbk", name="gbk.csv")
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["名称", "单位", "称号"])
    sheet.append(["解放路街道诚信商户", None, "诚实守信"])
    xlsx = tmp_path / "list.xlsx"
    workbook.save(xlsx)
    for path in (gbk, xlsx):
        rows = imports.read_honour_file(path).rows
        assert [(row.name, row.citation) for row in rows] == [("解放路街道诚信商户", "诚实守信")]


def test_a_file_without_a_name_column_is_refused_with_the_columns_it_has(tmp_path):
    path = csv_file(tmp_path, "公司,代码\n甲,1\n")
    with pytest.raises(imports.HonourFileUnreadable, match="名称/姓名"):
        imports.read_honour_file(path)


def test_a_photo_is_found_by_its_file_name_and_an_unknown_one_is_reported(tmp_path, honour_list):
    image = factories.make_image("张晓华")
    file_name = image.file.name.rsplit("/", 1)[-1]
    path = csv_file(tmp_path, f"姓名,事迹,照片\n张晓华,金牌服务员,{file_name}\n李明,热心助人,nobody.jpg\n")
    honour_file = imports.read_honour_file(path)
    assert [(row.name, row.photo_id) for row in honour_file.rows] == [("张晓华", image.pk)]
    assert [(problem.line, problem.column) for problem in honour_file.problems] == [(3, "照片")]


def test_a_file_without_a_photo_column_keeps_the_photos_entries_have(tmp_path, honours):
    image = factories.make_image("张晓华")
    page = factories.HonourListPageFactory(
        parent=honours, title="金牌服务员", slug="gold", entries=[{"name": "张晓华", "photo": image}]
    )
    path = csv_file(tmp_path, "姓名,事迹\n张晓华,金牌服务员\n")
    imports.import_rows(page, imports.read_honour_file(path).rows)
    draft = HonourListPage.objects.get(pk=page.pk).get_latest_revision_as_object()
    assert [(entry.citation, entry.photo_id) for entry in draft.entries.all()] == [("金牌服务员", image.pk)]


def test_the_command_prints_one_json_line_and_is_in_the_audit_log(tmp_path, honour_list, admin_user, capsys):
    path = csv_file(tmp_path, HEADER + f"山东诚信商贸有限公司,{GOOD_CODE},,诚信经营\n,,,没有名字\n")
    call_command(
        "import_honour_list", str(path), "--list", str(honour_list.pk), "--user", admin_user.username
    )
    lines = capsys.readouterr().out.strip().splitlines()
    assert len(lines) == 1
    summary = json.loads(lines[0])
    assert (summary["created"], summary["rejected"]) == (1, 1)
    assert summary["problems"] == [{"line": 3, "column": "名称/姓名", "reason": "名称缺失。"}]
    entry = PageLogEntry.objects.get(page=honour_list, action=imports.IMPORT_LOG_ACTION)
    assert entry.user == admin_user and entry.data["created"] == 1
    assert "山东诚信商贸" not in entry.message and "list.csv" in entry.message


def test_the_command_creates_a_new_unpublished_list(tmp_path, honours, capsys):
    path = csv_file(tmp_path, HEADER + "张晓华,,历下区某酒店,金牌服务员\n")
    call_command(
        "import_honour_list",
        str(path),
        "--parent",
        str(honours.pk),
        "--title",
        "2026年度金牌服务员",
        "--year",
        "2026",
        "--category",
        "gold_service",
    )
    summary = json.loads(capsys.readouterr().out)
    page = HonourListPage.objects.get(pk=summary["list"])
    assert not page.live and page.title == "2026年度金牌服务员"
    assert [entry.name for entry in page.get_latest_revision_as_object().entries.all()] == ["张晓华"]


def test_the_command_fails_with_the_reason_for_an_unreadable_file(tmp_path, honour_list):
    path = tmp_path / "broken.xlsx"
    path.write_bytes(b"PK\x03\x04 not really a workbook")
    result = subprocess.run(
        [sys.executable, "manage.py", "import_honour_list", str(path), "--list", str(honour_list.pk)],
        capture_output=True,
        text=True,
    )
    # The subprocess has its own database: it finds no list, or the file unreadable; either way
    # exit status 2 with the reason and nothing on standard output.
    assert result.returncode == 2 and result.stdout == "" and result.stderr.strip()


# --- the admin ---------------------------------------------------------------------------


@pytest.fixture
def honours_editor(client, django_user_model, honour_list):
    user = django_user_model.objects.create_user("honours-editor", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["honours"]))
    client.force_login(user)
    return user


def upload(client, path, **fields):
    with open(path, "rb") as file:
        return client.post("/admin/honours/import/", {"file": file, **fields})


def test_an_editor_previews_then_imports_a_spreadsheet(tmp_path, client, honours_editor, honour_list):
    path = csv_file(tmp_path, HEADER + f"山东诚信商贸有限公司,{GOOD_CODE},,诚信经营\n乙公司,123,,\n")
    preview = upload(client, path, honour_list=str(honour_list.pk))
    assert preview.status_code == 200
    assert "山东诚信商贸有限公司" in preview.text and "统一社会信用代码应为18位" in preview.text
    assert not HonourListPage.objects.get(pk=honour_list.pk).has_unpublished_changes
    response = client.post("/admin/honours/import/", {"rows": preview.context["token"]})
    assert response.status_code == 302 and response.url == f"/admin/pages/{honour_list.pk}/edit/"
    draft = HonourListPage.objects.get(pk=honour_list.pk).get_latest_revision_as_object()
    assert "山东诚信商贸有限公司" in [entry.name for entry in draft.entries.all()]


def test_a_changed_preview_is_refused(tmp_path, client, honours_editor, honour_list):
    path = csv_file(tmp_path, HEADER + "张晓华,,,\n")
    token = upload(client, path, honour_list=str(honour_list.pk)).context["token"]
    response = client.post("/admin/honours/import/", {"rows": token[:-2] + "xx"}, follow=True)
    assert "预览已过期或被改动" in response.text
    assert not HonourListPage.objects.get(pk=honour_list.pk).has_unpublished_changes


def test_an_editor_of_another_section_cannot_import(client, django_user_model, honour_list):
    user = django_user_model.objects.create_user("lecture-editor", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    client.force_login(user)
    response = client.get("/admin/honours/import/", follow=True)
    assert response.redirect_chain[-1][0] == "/admin/" and "没有权限" in response.text
    assert "/admin/honours/import/" not in client.get("/admin/").text


def test_the_upload_form_says_what_is_missing_in_the_editors_language(tmp_path, client, honours_editor):
    path = csv_file(tmp_path, HEADER + "张晓华,,,\n")
    response = upload(client, path, honour_list="new")
    assert response.status_code == 200 and "新名单需要填写此项" in response.text
    profile = UserProfile.get_for_user(honours_editor)
    profile.preferred_language = "en"
    profile.save()
    response = upload(client, path, honour_list="new")
    assert "A new list needs this." in response.text


def test_the_honour_list_page_offers_the_import(client, honours_editor, honour_list):
    response = client.get(f"/admin/pages/{honour_list.pk}/edit/")
    assert f"/admin/honours/import/?list={honour_list.pk}" in response.text


def test_a_subdistrict_column_takes_the_districts_names_in_either_language(tmp_path):
    path = csv_file(
        tmp_path, "姓名,街道\n张晓华,解放路街道\n李明,Quancheng Road Subdistrict\n王芳,火星街道\n"
    )
    honour_file = imports.read_honour_file(path)
    assert [(row.name, row.subdistrict) for row in honour_file.rows] == [
        ("张晓华", "解放路街道"),
        ("李明", "泉城路街道"),
    ]
    [problem] = honour_file.problems
    assert (problem.line, problem.column) == (4, "街道") and "火星街道" in problem.reason
