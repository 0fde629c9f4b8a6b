"""Each section's editors work in their own section only."""

import pytest
from django.contrib.auth.models import Group
from wagtail.models import Page

from integrity_site.core.sections import SECTION_GROUPS
from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def sections(home_page):
    lectures = factories.LectureIndexPageFactory(parent=home_page)
    honours = factories.HonourIndexPageFactory(parent=home_page)
    return {
        "lectures": lectures,
        "lecture": factories.LecturePageFactory(parent=lectures, title="讲座", slug="talk"),
        "honours": honours,
        "honour_list": factories.HonourListPageFactory(parent=honours, title="红榜", slug="red"),
    }


@pytest.fixture
def lecture_editor(django_user_model):
    user = django_user_model.objects.create_user("lecture-editor", password="pw")
    user.groups.add(Group.objects.get(name=SECTION_GROUPS["lectures"]))
    return user


def test_a_group_exists_for_each_section():
    assert set(Group.objects.filter(name__in=SECTION_GROUPS.values()).values_list("name", flat=True)) == set(
        SECTION_GROUPS.values()
    )


def test_a_lecture_editor_edits_and_publishes_lectures(client, sections, lecture_editor):
    client.force_login(lecture_editor)
    lecture = sections["lecture"]
    assert client.get(f"/admin/pages/{lecture.pk}/edit/").status_code == 200
    permissions = lecture.permissions_for_user(lecture_editor)
    assert permissions.can_edit() and permissions.can_publish()
    assert sections["lectures"].permissions_for_user(lecture_editor).can_add_subpage()


def test_a_lecture_editor_cannot_touch_honour_lists(client, sections, lecture_editor):
    client.force_login(lecture_editor)
    honour_list = sections["honour_list"]
    response = client.get(f"/admin/pages/{honour_list.pk}/edit/")
    assert response.status_code in (302, 403)
    assert not honour_list.permissions_for_user(lecture_editor).can_edit()
    assert not sections["honours"].permissions_for_user(lecture_editor).can_add_subpage()
    home = Page.objects.get(pk=sections["lectures"].get_parent().pk)
    assert not home.permissions_for_user(lecture_editor).can_edit()


def test_the_english_section_is_the_same_editors_section(sections, lecture_editor, en_locale):
    english_lecture = translate_object(sections["lecture"], en_locale, {"讲座": "Lecture"})
    assert english_lecture.permissions_for_user(lecture_editor).can_edit()
    english_honours = translate_object(sections["honour_list"], en_locale, {})
    assert not english_honours.permissions_for_user(lecture_editor).can_edit()


def test_section_editors_can_use_the_admin_and_upload_images(client, lecture_editor):
    client.force_login(lecture_editor)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/images/multiple/add/").status_code == 200
