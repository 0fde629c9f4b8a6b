"""A site search for a merchant's name, the pinyin of it or its credit code shows, above the
pages, the merchant: its code, its integrity pledge, its honours and its public records, with a
link to its credit profile. Persons never get a card."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrity_site.core.text import pinyin_spellings
from tests import factories
from tests.publicity_feeds import licence_row, make_record, run_import, write_penalties

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]

CODE = factories.make_credit_code(501)  # 泉城示范餐饮有限公司
OTHER_CODE = factories.make_credit_code(502)
TEA_HOUSE_CODE = "92370102MA3D5J7L9U"


@pytest.fixture
def site(home_page, search_backend, en_locale, django_capture_on_commit_callbacks):
    from integrity_site.core.translation import translate_object

    with django_capture_on_commit_callbacks(execute=True):
        search = factories.SearchPageFactory(parent=home_page)
        translate_object(search, en_locale, {"搜索": "Search"})
        publicity = factories.PublicityPageFactory(parent=home_page)
        translate_object(publicity, en_locale, {"双公示查询": "Publicity query"})
        factories.publish_pledge_text()
        factories.PledgePageFactory(parent=home_page)
        pledge = factories.PledgeFactory(
            state="approved", merchant_name="泉城示范餐饮有限公司", credit_code=CODE
        )
        honours = factories.HonourIndexPageFactory(parent=home_page)
        factories.HonourListPageFactory(
            parent=honours,
            title="2020年度诚信单位",
            slug="units-2020",
            entries=[{"name": "泉城示范餐饮有限公司", "credit_code": CODE, "citation": "明码标价。"}],
        )
        factories.ArticlePageFactory(
            parent=factories.ArticleIndexPageFactory(parent=home_page),
            title="泉城示范餐饮有限公司获评诚信单位",
            slug="model-restaurant",
        )
    make_record(subject_name="泉城示范餐饮有限公司", credit_code=CODE, legal_representative="王伟明")
    make_record(subject_name="泉城示范餐饮有限公司", credit_code=CODE, kind="licence", publicity_until=None)
    make_record(subject_name="泉城示范餐饮有限公司", credit_code=CODE, kind="licence", publicity_until=None)
    # A penalty past its publicity period is not public: not counted.
    make_record(
        subject_name="泉城示范餐饮有限公司", credit_code=CODE, publicity_until=datetime.date(2021, 1, 1)
    )
    search_backend.refresh()
    return {"search": search, "publicity": publicity, "pledge": pledge}


def cards(response):
    return response.context["merchants"].cards


def card_names(response):
    return [card.name for card in cards(response)]


def test_a_merchants_name_shows_its_card_above_the_pages(client, site):
    response = client.get("/search/", {"q": "泉城示范餐饮有限公司"})
    [card] = cards(response)
    assert (card.name, card.credit_code) == ("泉城示范餐饮有限公司", CODE)
    facts = {fact.label: fact for fact in card.facts}
    assert facts["公开记录"].text == "1条行政处罚、2条行政许可"
    assert facts["诚信经营承诺"].url == site["pledge"].verification_path
    assert facts["诚信经营承诺"].text.startswith("有效期至")
    assert facts["荣誉"].text == "2020年度诚信单位"
    assert card.profile_url == f"/publicity/credit/{CODE}/"
    text = response.text
    # Above the pages, and the pages are still there.
    assert text.index('class="merchant-results"') < text.index('class="search-results"')
    assert "泉城示范餐饮有限公司获评诚信单位" in text
    assert f'href="/publicity/credit/{CODE}/"' in text
    # The legal representative's name is personal data: never on the card.
    assert "王伟明" not in text and "王*明" not in text


def test_a_distinctive_part_of_the_name_finds_the_merchant(client, site):
    assert card_names(client.get("/search/", {"q": "示范餐饮"})) == ["泉城示范餐饮有限公司"]


@pytest.mark.parametrize(
    "query", [CODE, CODE.lower(), f" {CODE[:4]} {CODE[4:8]} {CODE[8:]} ", "９１" + CODE[2:]]
)
def test_a_credit_code_finds_the_merchant_as_residents_type_it(client, site, query):
    assert card_names(client.get("/search/", {"q": query})) == ["泉城示范餐饮有限公司"]


@pytest.mark.parametrize("query", ["quanchengshifan", "QuanCheng ShiFan", "shifancanyin", "qcsfcy", "sfcy"])
def test_the_pinyin_of_a_merchants_name_finds_it(client, site, query):
    assert card_names(client.get("/search/", {"q": query})) == ["泉城示范餐饮有限公司"]


def test_two_initials_or_one_character_do_not_flood_the_search_with_merchants(client, site):
    assert cards(client.get("/search/", {"q": "qc"})) == []
    assert cards(client.get("/search/", {"q": "sf"})) == []
    assert cards(client.get("/search/", {"q": "泉"})) == []
    assert card_names(client.get("/search/", {"q": "泉城"})) == ["泉城示范餐饮有限公司"]


def test_the_pinyin_spelling_of_a_name(db):
    assert pinyin_spellings("宽厚里") == ("kuanhouli", "khl")
    assert pinyin_spellings("解放路") == ("jiefanglu", "jfl")
    assert pinyin_spellings("绿色KFC 12号") == ("lvsekfc12hao", "lskh")
    assert pinyin_spellings("") == ("", "")


def test_the_publicity_query_finds_the_same_merchants_by_pinyin(client, site):
    response = client.get(site["publicity"].url, {"q": "quanchengshifan"})
    assert {entry.name for entry in response.context["entries"]} == {"泉城示范餐饮有限公司"}
    assert len(response.context["entries"]) == 3


def test_more_merchants_than_the_cards_lead_on_to_the_publicity_query(client, site):
    for number in range(5):
        make_record(
            subject_name=f"历下宽厚里第{number}茶社", credit_code=factories.make_credit_code(600 + number)
        )
    response = client.get("/search/", {"q": "宽厚里"})
    merchants = response.context["merchants"]
    assert len(merchants.cards) == 3
    assert merchants.more_url == "/publicity/?q=%E5%AE%BD%E5%8E%9A%E9%87%8C"
    assert "在双公示查询中查看更多商户和记录" in response.text
    listed = client.get(merchants.more_url).context["entries"]
    assert len({entry.credit_code for entry in listed}) == 5
    # A few merchants: no such link.
    assert client.get("/search/", {"q": "示范餐饮"}).context["merchants"].more_url == ""


def test_persons_get_no_card(client, site):
    # A dishonest judgment debtor who is a natural person: listed masked in the 双公示 query only.
    make_record(kind="dishonest", subject_name="张三华", subject_category="natural_person", credit_code="")
    make_record(kind="dishonest", subject_name="李四明", subject_category="natural_person", credit_code="")
    for query in ("张三华", "zhangsanhua", "李四明", "lsm"):
        assert cards(client.get("/search/", {"q": query})) == [], query
    # The legal representative of a merchant (a person) finds no merchant.
    assert cards(client.get("/search/", {"q": "王伟明"})) == []
    # Identity, phone and bank card numbers name nobody's business.
    for query in ("370102199001011234", "370102 19900101 123X", "13812341234", "6222 0212 3456 7890"):
        assert cards(client.get("/search/", {"q": query})) == [], query


def test_an_individual_business_is_found_by_its_business_name_without_its_operator(client, site):
    make_record(
        kind="licence",
        subject_name="宽厚里老字号茶庄",
        subject_category="individual_business",
        credit_code=TEA_HOUSE_CODE,
        legal_representative="赵敏",
        publicity_until=None,
    )
    assert card_names(client.get("/search/", {"q": "kuanhouli"})) == ["宽厚里老字号茶庄"]
    assert cards(client.get("/search/", {"q": "赵敏"})) == []
    # Without a code (the placeholder), a business has no profile and no card.
    make_record(
        kind="licence",
        subject_name="历下区甸柳眼镜店",
        subject_category="individual_business",
        credit_code="",
    )
    assert cards(client.get("/search/", {"q": "甸柳眼镜店"})) == []


def test_a_merchant_only_in_the_pledge_register_has_a_card_saying_it_has_no_records(
    client, site, search_backend, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        factories.PledgeFactory(state="approved", merchant_name="芙蓉街文创商店", credit_code=OTHER_CODE)
        factories.PledgeFactory(state="confirmed", merchant_name="芙蓉街待审商店")
    search_backend.refresh()
    [card] = cards(client.get("/search/", {"q": "芙蓉街商店"}))
    facts = {fact.label: fact.text for fact in card.facts}
    assert card.name == "芙蓉街文创商店" and facts["公开记录"] == "无"
    # Contact persons and signatories of pledges are personal data and find nothing.
    assert cards(client.get("/search/", {"q": "张三华"})) == []
    assert cards(client.get("/search/", {"q": "李四明"})) == []


def test_a_merchant_without_a_valid_pledge_says_so(client, site):
    make_record(subject_name="济南甸柳伟芳商贸有限公司", credit_code=OTHER_CODE)
    [card] = cards(client.get("/search/", {"q": "伟芳商贸"}))
    facts = {fact.label: fact.text for fact in card.facts}
    assert facts == {"公开记录": "1条行政处罚", "诚信经营承诺": "无有效承诺"}


def test_the_card_reads_in_english(client, site):
    response = client.get("/en/search/", {"q": "quanchengshifan"})
    [card] = cards(response)
    facts = {str(fact.label): fact.text for fact in card.facts}
    assert facts["Public records"] == "1 penalty, 2 licences"
    assert facts["Integrity pledge"].startswith("valid until ")
    assert card.profile_url == f"/en/publicity/credit/{CODE}/"
    assert "Credit profile of 泉城示范餐饮有限公司" in response.text


def search_queries(client, query):
    with CaptureQueriesContext(connection) as queries:
        assert client.get("/search/", {"q": query}).status_code == 200
    return len(queries)


def test_the_cards_cost_the_same_queries_however_many_merchants_are_shown(
    client, site, search_backend, django_capture_on_commit_callbacks
):
    codes = [factories.make_credit_code(700 + number) for number in range(2)]
    with django_capture_on_commit_callbacks(execute=True):
        factories.HonourListPageFactory(
            parent=factories.HonourIndexPageFactory(parent=site["search"].get_parent(), slug="more-honours"),
            title="2021年度诚信单位",
            slug="units-2021",
            entries=[{"name": f"第{number}店", "credit_code": code} for number, code in enumerate(codes)],
        )
    search_backend.refresh()
    client.get("/search/", {"q": "示范餐饮"})  # the first request sets up what every later one reuses
    one = search_queries(client, "示范餐饮")
    with django_capture_on_commit_callbacks(execute=True):
        for number, code in enumerate(codes):
            make_record(subject_name=f"历下示范餐饮第{number}店", credit_code=code)
            factories.PledgeFactory(
                state="approved", merchant_name=f"历下示范餐饮第{number}店", credit_code=code
            )
    search_backend.refresh()
    merchants = client.get("/search/", {"q": "示范餐饮"}).context["merchants"]
    assert len(merchants.cards) == 3 and not merchants.more_url
    assert all(any(fact.label == "荣誉" for fact in card.facts) for card in merchants.cards)
    assert search_queries(client, "示范餐饮") == one
    # A query that finds no merchant costs the finders' queries alone, no facts.
    assert search_queries(client, "查无此商户") < one


def test_an_imported_feed_is_found_by_pinyin(client, site, tmp_path):
    feed = tmp_path / "licences.csv"
    from integrity_site.demo.feedgen import LICENCE_CURRENT_COLUMNS, write_feed

    write_feed(feed, [licence_row(XK_XDR_MC="济南解放路华丽商贸有限公司")], LICENCE_CURRENT_COLUMNS)
    run_import(feed)
    assert card_names(client.get("/search/", {"q": "jiefanglu"})) == ["济南解放路华丽商贸有限公司"]
    assert card_names(client.get("/search/", {"q": "jfl"})) == ["济南解放路华丽商贸有限公司"]
    # A corrected name in a later file gets its new spelling.
    write_feed(feed, [licence_row(XK_XDR_MC="济南燕山华丽商贸有限公司")], LICENCE_CURRENT_COLUMNS)
    assert run_import(feed)["updated"] == 1
    assert card_names(client.get("/search/", {"q": "yanshanhuali"})) == ["济南燕山华丽商贸有限公司"]
    assert cards(client.get("/search/", {"q": "jiefanglu"})) == []


# --- the page cache ---------------------------------------------------------------------------


def x_cache(response):
    return response.headers.get("X-Cache")


@pytest.fixture
def cached(settings):
    from integrity_site.core import page_cache

    settings.PAGE_CACHE_SECONDS = 600
    page_cache.local_copies.clear()
    yield
    page_cache.local_copies.clear()


def test_a_cached_search_page_with_cards_lasts_until_midnight_at_most(client, site, cached, settings):
    settings.WAGTAILFRONTENDCACHE = {"default": {"BACKEND": "tests.test_page_cache.RecordingBackend"}}
    response = client.get("/search/", {"q": "示范餐饮"})
    seconds = int(re.search(r"s-maxage=(\d+)", response["Cache-Control"]).group(1))
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    midnight = timezone.make_aware(datetime.datetime.combine(tomorrow, datetime.time.min))
    assert 0 < seconds <= min(600, (midnight - timezone.now()).total_seconds() + 1)


def test_a_feed_import_or_a_pledge_change_drops_the_cached_cards(
    client, site, cached, tmp_path, admin_user, django_capture_on_commit_callbacks
):
    from pledges.services import revoke_pledge

    url = "/search/?q=示范餐饮"
    client.get(url)
    assert x_cache(client.get(url)) == "HIT"
    feed = tmp_path / "penalties.csv"
    write_penalties(feed, [penalty_row_for(CODE, "济历市监罚字〔2020〕909号")])
    with django_capture_on_commit_callbacks(execute=True):
        run_import(feed)
    response = client.get(url)
    assert x_cache(response) == "MISS"
    assert any("2条行政处罚" in fact.text for fact in cards(response)[0].facts)
    assert x_cache(client.get(url)) == "HIT"
    with django_capture_on_commit_callbacks(execute=True):
        revoke_pledge(site["pledge"], user=admin_user, reason="虚假承诺")
    response = client.get(url)
    assert x_cache(response) == "MISS" and "无有效承诺" in response.text


def penalty_row_for(code, document_number):
    from tests.publicity_feeds import penalty_row

    return penalty_row(
        CF_XDR_MC="泉城示范餐饮有限公司", CF_XDR_SHXYM=code, CF_WSH=document_number, CF_GSJZQ="2099-11-02"
    )
