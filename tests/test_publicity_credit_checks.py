"""integrity_site.core.credit_checks: the apps tell each other about parties' credit through
Wagtail hooks (cross-check subjects, credit profile sections, the feed provider)."""

import datetime

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone, translation
from wagtail import hooks

from integrity_site.core.credit_checks import (
    CREDIT_FEED_HOOK,
    CROSS_CHECK_SUBJECT_HOOK,
    CheckedItem,
    CreditCheck,
    check_credit,
    credit_profile_sections,
    cross_check_subjects,
)
from pledges import services
from tests import factories
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"


@pytest.fixture
def without_feed_provider(monkeypatch):
    """As if the publicity part were not installed: nobody registers the feed provider hook."""
    get_hooks = hooks.get_hooks
    monkeypatch.setattr(hooks, "get_hooks", lambda name: [] if name == CREDIT_FEED_HOOK else get_hooks(name))


def test_without_a_feed_provider_the_answer_is_that_no_feed_was_imported(without_feed_provider):
    make_record()  # whatever is in the table: nobody answers for it

    result = check_credit(credit_code=CODE, name="济南泉城路伟明餐饮管理有限公司")

    assert result == CreditCheck.no_feed()
    assert not result.feed_imported and not result.has_hits


def test_the_publicity_part_provides_the_feed_and_says_whether_one_was_imported():
    assert check_credit(credit_code=CODE).feed_imported is False

    make_record(document_number="罚-1", publicity_until=timezone.localdate() + datetime.timedelta(days=30))
    make_record(
        document_number="许-1", kind="licence", credit_code="914403001922038216", publicity_until=None
    )

    found = check_credit(credit_code=CODE)
    other = check_credit(credit_code="914403001922038216")
    assert found.feed_imported and [finding.document_number for finding in found.penalties] == ["罚-1"]
    assert other.feed_imported and not other.has_hits


def test_check_credit_asks_the_registered_provider(without_feed_provider, monkeypatch):
    asked = []

    def provider(parties):
        asked.extend(parties)
        return [CreditCheck(penalties=["a penalty"], dishonest=[]) for _party in parties]

    get_hooks = hooks.get_hooks
    monkeypatch.setattr(
        hooks, "get_hooks", lambda name: [provider] if name == CREDIT_FEED_HOOK else get_hooks(name)
    )

    assert check_credit(credit_code=CODE, name="某商户").has_hits
    assert asked == [(CODE, "某商户")]


def test_honour_entries_and_pledges_are_the_cross_check_subjects():
    assert list(cross_check_subjects()) == ["honours.honourentry", "pledge"]


def test_a_subject_type_registered_twice_is_a_configuration_error():
    with hooks.register_temporarily(CROSS_CHECK_SUBJECT_HOOK, lambda: ("pledge", list)):
        with pytest.raises(ImproperlyConfigured):
            cross_check_subjects()


def test_other_subjects_plug_in_through_the_hook():
    def items():
        yield CheckedItem(pk=1, label="某商户", credit_code=CODE)

    with hooks.register_temporarily(CROSS_CHECK_SUBJECT_HOOK, lambda: ("test.shop", items)):
        assert [item.label for item in cross_check_subjects()["test.shop"]()] == ["某商户"]
    assert "test.shop" not in cross_check_subjects()


def titles(sections):
    """The sections' titles as the code writes them (in English)."""
    with translation.override("en"):
        return [str(title) for title, _items in sections]


def test_the_credit_profile_sections_come_from_honours_and_pledges_and_leave_out_empty_ones(
    home_page, admin_user
):
    index = factories.HonourIndexPageFactory(parent=home_page)
    factories.HonourListPageFactory(
        parent=index,
        title="2020年度诚信单位",
        entries=[{"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": CODE, "locale": home_page.locale}],
    )
    assert titles(credit_profile_sections(CODE)) == ["Honours"]

    pledge = factories.PledgeFactory(state="confirmed", credit_code=CODE)
    services.approve_pledge(pledge, user=admin_user)
    sections = credit_profile_sections(CODE)

    assert titles(sections) == ["Honours", "Integrity pledges"]
    honours, pledges = (items for _title, items in sections)
    assert [(item.label, item.detail) for item in honours] == [
        ("济南泉城路伟明餐饮管理有限公司", "2020年度诚信单位")
    ]
    assert [item.url for item in pledges] == [pledge.verification_path]
    assert credit_profile_sections("914403001922038216") == []
