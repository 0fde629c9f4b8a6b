"""The public "popular searches" are not writable by one visitor, and the query log never stores
personal data: distinct visitors per query and day (a salted hash, never the address), a
threshold of visitors, and a strict filter before anything is written."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.test import RequestFactory
from django.utils import timezone
from wagtail.contrib.search_promotions.models import Query, QueryDailyHits, SearchPromotion

from search.personal_data import holds_personal_data
from search.records import QueryVisitor
from search.services import popular_searches, visitor_key
from tests import factories

pytestmark = pytest.mark.django_db

REPORTED = "138-5555-1234 李秀英 欠钱不还"
PERSONAL = [
    "139-5555-1234",
    "139.5555.1234",
    "370102-19900101-1234",
    "li.xiuying(at)example.com",
    "139 5555 1234",
    "+86 139-5555-1234",
    "１３９５５５５１２３４",
    "139\u200b5555\u200b1234",
    "370102 19900101 123X",
    "li.xiuying[at]example.com",
    "li.xiuying at example dot com",
    "li.xiuying@example.com",
    "李秀英 0531-8600-1234",
    # unified social credit codes (also with the digits split by letters) and registration numbers
    "91350100M000100Y43",
    "y1370a02ma3c4h8k25",
    "泉城餐饮 A1B7C1D2EA3C4H8K2F",
    "JY13701020001234",
]
NOT_PERSONAL = [
    "大讲堂",
    "宽厚里 信用示范街区",
    "2025-11-26 讲座",
    "B级企业",
    "lectures at 宽厚里",
    "第10讲",
    "creditrepairguide2025",
]


@pytest.fixture
def search_url(home_page):
    return factories.SearchPageFactory(parent=home_page).url


def search(client, url, query, visitor="10.0.0.1", times=1):
    for _time in range(times):
        assert client.get(url, {"q": query}, REMOTE_ADDR=visitor).status_code == 200


def logged_queries():
    return set(Query.objects.values_list("query_string", flat=True))


@pytest.mark.parametrize("query", PERSONAL + [REPORTED])
def test_the_filter_catches_personal_data_however_it_is_written(query):
    assert holds_personal_data(query)


@pytest.mark.parametrize("query", NOT_PERSONAL)
def test_the_filter_keeps_ordinary_queries(query):
    assert not holds_personal_data(query)


def test_twelve_requests_of_one_visitor_publish_nothing(client, search_url):
    search(client, search_url, REPORTED, times=12)
    search(client, search_url, "李秀英 欠钱不还", times=12)
    response = client.get(search_url)
    assert response.context["popular_searches"] == []
    assert "李秀英" not in response.text
    assert REPORTED not in logged_queries() and "138-5555-1234 李秀英 欠钱不还" not in logged_queries()
    # The name alone is no number: logged, but as one visitor.
    assert QueryDailyHits.objects.get(query__query_string="李秀英 欠钱不还").hits == 1


@pytest.mark.parametrize("query", PERSONAL)
def test_queries_with_personal_data_are_never_stored(client, search_url, query):
    search(client, search_url, query, times=2)
    assert logged_queries() == set()
    assert not QueryVisitor.objects.exists()


def test_five_distinct_visitors_on_one_day_make_a_popular_search(client, search_url):
    for visitor in range(4):
        search(client, search_url, "儒信大讲堂", visitor=f"10.0.0.{visitor}", times=3)
    assert popular_searches() == []
    search(client, search_url, "儒信大讲堂", visitor="10.0.0.9")
    assert popular_searches() == ["儒信大讲堂"]
    assert QueryDailyHits.objects.get(query__query_string="儒信大讲堂").hits == 5


def test_the_threshold_is_a_setting(client, search_url, settings):
    settings.SEARCH_POPULAR_MIN_VISITORS = 2
    search(client, search_url, "信用修复", visitor="10.0.0.1")
    assert popular_searches() == []
    search(client, search_url, "信用修复", visitor="10.0.0.2")
    assert popular_searches() == ["信用修复"]


def test_one_visitor_on_many_days_is_not_many_visitors(db):
    query = Query.get("信用修复")
    today = timezone.localdate()
    for days_ago in range(10):
        query.add_hit(date=today - datetime.timedelta(days=days_ago))
    assert popular_searches() == []


def test_the_address_is_never_stored_and_its_key_changes_every_day(client, search_url):
    search(client, search_url, "宽厚里", visitor="203.0.113.7")
    visit = QueryVisitor.objects.get()
    assert "203.0.113.7" not in visit.visitor and len(visit.visitor) == 32
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    today = timezone.localdate()
    assert visitor_key(request, today) == visit.visitor
    assert visitor_key(request, today - datetime.timedelta(days=1)) != visit.visitor


def test_yesterdays_visitors_are_deleted(client, search_url):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    old = QueryVisitor.objects.create(query=Query.get("诚信"), date=yesterday, visitor="x" * 32)
    Query.get("诚信").add_hit(date=yesterday)
    search(client, search_url, "宽厚里")
    assert not QueryVisitor.objects.filter(pk=old.pk).exists()
    assert QueryDailyHits.objects.filter(query__query_string="诚信").exists()  # the count stays


def test_personal_data_logged_before_is_never_shown(db):
    today = timezone.localdate()
    for query_string in ["139.5555.1234", "li.xiuying(at)example.com", "诚信"]:
        QueryDailyHits.objects.create(query=Query.get(query_string), date=today, hits=9)
    assert popular_searches() == ["诚信"]


def test_the_migration_cleans_the_old_query_log(db):
    migration = importlib.import_module("search.migrations.0003_query_log_without_personal_data")
    today = timezone.localdate()
    for query_string in [REPORTED, "370102-19900101-1234", "诚信"]:
        QueryDailyHits.objects.create(query=Query.get(query_string), date=today, hits=12)
    promoted = Query.get("li.xiuying(at)example.com")
    QueryDailyHits.objects.create(query=promoted, date=today, hits=3)
    SearchPromotion.objects.create(query=promoted, external_link_url="https://example.org/", description="x")

    migration.clean_query_log(apps, None)

    assert logged_queries() == {"诚信", "li.xiuying(at)example.com"}
    assert list(QueryDailyHits.objects.values_list("query__query_string", "hits")) == [("诚信", 1)]


def test_a_credit_code_searched_by_many_visitors_is_never_a_popular_search(client, search_url):
    for visitor in range(6):
        search(client, search_url, "91350100M000100Y43", visitor=f"10.0.1.{visitor}")
        search(client, search_url, "信用承诺", visitor=f"10.0.1.{visitor}")
    assert popular_searches() == ["信用承诺"]
    assert "91350100M000100Y43" not in logged_queries()
