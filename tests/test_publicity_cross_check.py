"""The cross-check (联合奖惩) of pledges and honours against penalties and dishonest debtors."""

import datetime
import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from publicity.cross_check import (
    SUBJECTS,
    CheckedItem,
    cross_check,
    recheck_all,
    register_cross_check_subject,
)
from publicity.models import CrossCheckHit
from tests.factories import HonourIndexPageFactory, HonourListPageFactory
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
OTHER_CODE = "914403001922038216"
TODAY = datetime.date(2020, 11, 30)


def test_a_penalty_in_its_publicity_period_is_found_by_credit_code_with_its_dates():
    record = make_record(decision_date=datetime.date(2020, 6, 1), publicity_until=datetime.date(2021, 6, 1))

    result = cross_check(credit_code=" ９１３５０１００m000100y43", today=TODAY)

    assert result.has_hits
    [finding] = result.penalties
    assert (finding.record_id, finding.matched_by) == (record.pk, "credit_code")
    assert (finding.decision_date, finding.publicity_until) == (datetime.date(2020, 6, 1), datetime.date(2021, 6, 1))
    assert result.dishonest == []


def test_a_penalty_past_its_publicity_period_no_longer_counts():
    make_record(publicity_until=datetime.date(2020, 11, 29))

    assert not cross_check(credit_code=CODE, today=TODAY).has_hits
    assert cross_check(credit_code=CODE, today=datetime.date(2020, 11, 29)).has_hits


def test_licences_never_count_against_anyone():
    make_record(kind="licence", publicity_until=None)

    assert not cross_check(credit_code=CODE, today=TODAY).has_hits


def test_a_dishonest_debtor_is_found_by_exact_name_until_the_debt_is_performed():
    make_record(kind="dishonest", document_number="(2020)鲁0102执1号", authority="济南市历下区人民法院",
                subject_name="李强", subject_category="natural_person", credit_code="", publicity_until=None,
                status="全部未履行")
    make_record(kind="dishonest", document_number="(2019)鲁0102执9号", authority="济南市历下区人民法院",
                subject_name="李强", subject_category="natural_person", credit_code="", publicity_until=None,
                status="全部已履行")

    result = cross_check(name=" 李强 ", today=TODAY)

    assert [finding.document_number for finding in result.dishonest] == ["(2020)鲁0102执1号"]
    assert result.dishonest[0].matched_by == "name"
    assert not cross_check(name="李", today=TODAY).has_hits


def test_an_invalid_code_or_nothing_finds_nothing():
    make_record()

    assert not cross_check(credit_code="91350100M000100Y44").has_hits
    assert not cross_check().has_hits


@pytest.fixture
def honour_list(home_page):
    index = HonourIndexPageFactory(parent=home_page)
    return HonourListPageFactory(parent=index, title="2020年度诚信单位", entries=[
        {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": CODE, "locale": home_page.locale},
        {"name": "济南燕山丽华商贸有限公司", "credit_code": OTHER_CODE, "locale": home_page.locale},
    ])


def run_daily_check():
    out = io.StringIO()
    call_command("cross_check_publicity", stdout=out)
    return json.loads(out.getvalue())


def test_the_daily_check_lists_published_honour_entries_with_current_penalties(honour_list):
    record = make_record()

    summary = run_daily_check()

    assert summary == {"checked": 2, "hits": 1}
    [hit] = CrossCheckHit.objects.all()
    assert hit.record == record
    assert "济南泉城路伟明餐饮管理有限公司" in hit.subject_label
    assert hit.subject_url == honour_list.url


def test_the_daily_check_forgets_hits_that_no_longer_apply(honour_list):
    record = make_record()
    run_daily_check()
    record.publicity_until = datetime.date(2020, 1, 1)
    record.save()

    assert run_daily_check()["hits"] == 0
    assert not CrossCheckHit.objects.exists()


def test_entries_of_unpublished_lists_are_not_checked(honour_list):
    make_record()
    honour_list.unpublish()

    assert run_daily_check() == {"checked": 0, "hits": 0}


def test_other_parts_plug_their_subjects_in_through_the_registry():
    make_record(subject_name="济南和平路明强建筑工程有限公司", credit_code="")

    @register_cross_check_subject("test.pledge")
    def pledges():
        yield CheckedItem(pk=7, label="承诺书 7", name="济南和平路明强建筑工程有限公司")
        yield CheckedItem(pk=8, label="承诺书 8", credit_code=OTHER_CODE)

    try:
        assert recheck_all()["hits"] == 1
        assert CrossCheckHit.objects.get().subject_type == "test.pledge"
    finally:
        SUBJECTS.pop("test.pledge")


def test_the_daily_check_looks_items_up_in_chunks_not_one_by_one():
    @register_cross_check_subject("test.many")
    def many():
        for number in range(300):
            yield CheckedItem(pk=number, label=str(number), name=f"商户{number}")

    try:
        with CaptureQueriesContext(connection) as queries:
            recheck_all()
    finally:
        SUBJECTS.pop("test.many")

    lookups = [query for query in queries.captured_queries if 'FROM "publicity_publicityrecord"' in query["sql"]]
    assert len(lookups) == 1


def test_editors_see_the_hits_on_the_admin_dashboard(client, admin_user, honour_list):
    make_record(document_number="济历市监罚字〔2020〕77号")
    run_daily_check()
    client.force_login(admin_user)

    page = client.get("/admin/").content.decode()

    assert "济历市监罚字〔2020〕77号" in page
    assert "济南泉城路伟明餐饮管理有限公司" in page
