"""Residents look up licences, penalties and dishonest judgment debtors on the publicity page."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from integrity_site.core.privacy import mask_name, mask_phone
from tests.factories import HonourIndexPageFactory, HonourListPageFactory, PublicityPageFactory
from tests.publicity_feeds import make_record

pytestmark = pytest.mark.django_db

CODE = "91350100M000100Y43"
OTHER_CODE = "914403001922038216"


@pytest.fixture
def publicity_page(home_page):
    return PublicityPageFactory(parent=home_page)


def test_before_any_import_the_page_says_there_is_no_data(client, publicity_page):
    response = client.get(publicity_page.url)

    assert response.status_code == 200
    assert 'class="empty"' in response.content.decode()
    assert 'name="q"' not in response.content.decode()


def test_anyone_finds_records_by_exact_credit_code(client, publicity_page):
    make_record(document_number="罚-1", credit_code=CODE)
    make_record(document_number="许-1", kind="licence", credit_code=CODE, publicity_until=None)
    make_record(document_number="罚-2", credit_code=OTHER_CODE, subject_name="济南另一家有限公司")

    response = client.get(publicity_page.url, {"q": "９１３５０１００ｍ０００１００ｙ４３ "})

    page = response.content.decode()
    assert "罚-1" in page and "许-1" in page
    assert "罚-2" not in page


def test_anyone_finds_records_by_part_of_a_name(client, publicity_page):
    make_record(document_number="罚-1", subject_name="济南泉城路伟明餐饮管理有限公司")
    make_record(document_number="罚-2", subject_name="济南燕山丽华商贸有限公司", credit_code=OTHER_CODE)

    page = client.get(publicity_page.url, {"q": "伟明餐饮"}).content.decode()

    assert "罚-1" in page and "罚-2" not in page


def test_results_are_newest_first_and_paginated(client, publicity_page):
    for day in range(1, 26):
        make_record(document_number=f"罚-{day:02d}", decision_date=datetime.date(2020, 10, day))

    first = client.get(publicity_page.url, {"q": CODE}).content.decode()
    second = client.get(publicity_page.url, {"q": CODE, "page": 2}).content.decode()

    assert first.index("罚-25") < first.index("罚-24")
    assert "罚-06" in first and "罚-05" not in first
    assert "罚-05" in second and "罚-01" in second


def test_results_can_be_narrowed_to_one_kind(client, publicity_page):
    make_record(document_number="罚-1")
    make_record(document_number="许-1", kind="licence", publicity_until=None)

    page = client.get(publicity_page.url, {"q": CODE, "kind": "licence"}).content.decode()

    assert "许-1" in page and "罚-1" not in page


def test_a_penalty_leaves_public_view_after_its_publicity_end_date_but_stays_stored(client, publicity_page):
    from publicity.records import PublicityRecord

    make_record(document_number="罚-过期", publicity_until=datetime.date(2020, 1, 1))
    make_record(document_number="罚-今天", publicity_until=datetime.date.today())

    page = client.get(publicity_page.url, {"q": CODE}).content.decode()

    assert "罚-今天" in page
    assert "罚-过期" not in page
    assert PublicityRecord.objects.filter(document_number="罚-过期").exists()


def test_private_persons_names_are_masked_and_identity_numbers_never_shown(client, publicity_page):
    make_record(
        document_number="罚-个人", subject_name="张三华", subject_category="natural_person", credit_code=""
    )
    make_record(
        document_number="罚-公司", subject_name="济南张三华餐饮有限公司", legal_representative="王小明"
    )

    page = client.get(publicity_page.url, {"q": "张三华"}).content.decode()

    assert "张*华" in page
    assert "张三华</" not in page and ">张三华" not in page
    assert "济南张三华餐饮有限公司" in page
    assert "王小明" not in page


def test_a_code_lookup_takes_a_fixed_handful_of_queries(client, publicity_page):
    for number in range(30):
        make_record(document_number=f"罚-{number}")
    client.get(publicity_page.url, {"q": CODE})

    with CaptureQueriesContext(connection) as queries:
        client.get(publicity_page.url, {"q": CODE})

    record_queries = [
        query for query in queries.captured_queries if "publicity_publicityrecord" in query["sql"]
    ]
    assert len(record_queries) == 2  # the count for the pages and one page of records


def test_a_merchants_credit_profile_gathers_licences_penalties_and_honours(client, publicity_page, home_page):
    make_record(document_number="罚-1")
    make_record(document_number="罚-旧", publicity_until=datetime.date(2020, 1, 1))
    make_record(document_number="许-1", kind="licence", publicity_until=None)
    make_record(document_number="许-别家", kind="licence", credit_code=OTHER_CODE, publicity_until=None)
    index = HonourIndexPageFactory(parent=home_page)
    HonourListPageFactory(
        parent=index,
        title="2020年度诚信单位",
        entries=[
            {"name": "济南泉城路伟明餐饮管理有限公司", "credit_code": CODE, "locale": publicity_page.locale}
        ],
    )

    response = client.get(publicity_page.url + f"credit/{CODE}/")

    page = response.content.decode()
    assert response.status_code == 200
    assert "罚-1" in page and "许-1" in page and "2020年度诚信单位" in page
    assert "罚-旧" not in page and "许-别家" not in page


def test_a_credit_profile_for_something_that_is_not_a_code_is_not_found(client, publicity_page):
    assert client.get(publicity_page.url + "credit/91350100M000100Y44/").status_code == 404


def test_dates_are_shown_chinese_style(client, publicity_page):
    make_record(document_number="罚-1", decision_date=datetime.date(2020, 11, 2))

    page = client.get(publicity_page.url, {"q": CODE}).content.decode()

    assert "2020年11月2日" in page


@pytest.mark.parametrize(
    ("name", "masked"), [("张三华", "张*华"), ("李四", "李*"), ("欧阳小明", "欧**明"), ("王", "*"), ("", "")]
)
def test_the_name_mask_keeps_the_first_and_last_character(name, masked):
    assert mask_name(name) == masked


def test_the_phone_mask_keeps_three_and_four_digits():
    assert mask_phone("138 1234 1234") == "138****1234"


def test_a_code_lookup_is_answered_from_the_credit_code_index():
    from publicity.queries import search

    make_record()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # a tiny table would be scanned; ask whether the index serves
            cursor.execute("SET LOCAL enable_seqscan = off")

    plan = search(CODE).explain()

    assert "publicity_record_code" in plan


def test_a_name_search_finds_every_name_holding_the_term():
    from publicity.queries import search

    make_record(document_number="罚-1", subject_name="济南泉城路伟明餐饮管理有限公司")
    make_record(document_number="罚-2", subject_name="济南燕山丽华商贸有限公司")
    make_record(document_number="罚-3", subject_name="济南ABC信息科技有限公司")
    make_record(document_number="罚-4", subject_name="历下区甸柳xyz茶社")
    make_record(
        document_number="罚-5", subject_name="王伟", subject_category="natural_person", credit_code=""
    )
    make_record(
        document_number="罚-6", subject_name="王伟华", subject_category="natural_person", credit_code=""
    )
    make_record(
        document_number="罚-7", subject_name="历下区燕山王伟眼镜店", subject_category="individual_business"
    )

    def found(term):
        return {record.document_number for record in search(term)}

    assert found("伟明餐饮") == {"罚-1"}  # the middle of a business name
    assert found("有限公司") == {"罚-1", "罚-2", "罚-3"}
    assert found("王伟") == {"罚-5", "罚-6", "罚-7"}  # two characters: wherever they stand
    assert found("王伟华") == {"罚-6"}
    assert found("ABC信息") == {"罚-3"} and found("xyz茶社") == {"罚-4"}  # Latin letters of either case
    # Three or more Latin letters also match the lower-case spelling columns (pinyin, and Latin
    # letters as they are), so on both databases the case of Latin letters does not matter.
    assert found("abc") == {"罚-3"} and found("XYZ") == {"罚-4"}
    assert found("伟明 餐饮") == set()


@pytest.mark.postgres
def test_on_postgresql_a_name_search_of_three_or_more_characters_uses_the_trigram_index():
    from publicity.queries import search

    make_record(document_number="罚-1", subject_name="济南泉城路伟明餐饮管理有限公司")
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexdef FROM pg_indexes WHERE indexname = 'publicity_record_name_trgm'")
        (definition,) = cursor.fetchone()
        # Under LC_CTYPE=C pg_trgm finds no trigram in Chinese text and the index would be useless.
        cursor.execute("SELECT show_trgm('济南市历下区'), current_setting('lc_ctype')")
        trigrams, ctype = cursor.fetchone()
        # A tiny table would be scanned (or walked newest first): ask whether the index serves.
        for plan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")

    assert "gin" in definition and "gin_trgm_ops" in definition and "(subject_name " in definition
    assert trigrams, f"pg_trgm extracts no trigrams from Chinese text with LC_CTYPE {ctype}"
    assert "publicity_record_name_trgm" in search("伟明餐饮").explain()
    assert "publicity_record_name_trgm" in search("伟明餐").explain()


def record_queries(captured):
    return [
        query["sql"] for query in captured.captured_queries if "publicity_publicityrecord" in query["sql"]
    ]


def test_a_page_number_past_the_end_shows_the_last_page_for_the_same_two_queries(client, publicity_page):
    for day in range(1, 26):
        make_record(document_number=f"罚-{day:02d}", decision_date=datetime.date(2020, 10, day))
    client.get(publicity_page.url, {"q": CODE})

    with CaptureQueriesContext(connection) as far:
        response = client.get(publicity_page.url, {"q": CODE, "page": 99999})
    with CaptureQueriesContext(connection) as first:
        client.get(publicity_page.url, {"q": CODE})

    page = response.content.decode()
    assert response.status_code == 200
    assert "罚-05" in page and "罚-01" in page and "罚-06" not in page
    assert "第2页，共2页" in page
    assert len(record_queries(far)) == len(record_queries(first)) == 2
    assert all("OFFSET" not in sql for sql in record_queries(far))


def test_a_search_lists_at_most_the_newest_records_it_may_and_says_there_are_more(
    client, publicity_page, monkeypatch
):
    from publicity import queries

    monkeypatch.setattr(queries, "MAX_RESULTS", 30)
    for number in range(1, 46):
        make_record(
            document_number=f"罚-{number:02d}",
            decision_date=datetime.date(2020, 1, 1) + datetime.timedelta(number),
        )

    first = client.get(publicity_page.url, {"q": "伟明"}).content.decode()
    with CaptureQueriesContext(connection) as captured:
        last = client.get(publicity_page.url, {"q": "伟明", "page": 99999}).content.decode()

    assert "与“伟明”相关的记录超过30条，以下列出最新的30条。" in first
    assert "罚-45" in first and "罚-26" in first and "罚-25" not in first
    assert "第2页，共2页" in last
    assert "罚-25" in last and "罚-16" in last and "罚-15" not in last  # the 30 newest end at 16
    assert len(record_queries(captured)) == 2


def test_a_search_that_fits_says_how_many_it_found(client, publicity_page):
    make_record(document_number="罚-1", subject_name="济南泉城路伟明餐饮管理有限公司")

    page = client.get(publicity_page.url, {"q": "伟明"}).content.decode()

    assert "找到1条与“伟明”相关的记录" in page and "超过" not in page


def test_a_credit_profile_pages_each_kind_of_record_with_its_count(client, publicity_page):
    for number in range(1, 46):
        make_record(
            document_number=f"许-{number:02d}",
            kind="licence",
            publicity_until=None,
            decision_date=datetime.date(2020, 1, 1) + datetime.timedelta(number),
        )
    make_record(document_number="罚-1")
    url = publicity_page.url + f"credit/{CODE}/"

    first = client.get(url).content.decode()
    third = client.get(url, {"licences": 3}).content.decode()
    far = client.get(url, {"licences": 99999, "penalties": "x"}).content.decode()

    assert "共45条记录" in first and "共1条记录" in first
    assert "许-45" in first and "许-26" in first and "许-25" not in first and "罚-1" in first
    assert 'href="?licences=2#licences"' in first
    assert "许-05" in third and "许-01" in third and "许-06" not in third and "罚-1" in third
    assert "第3页，共3页" in third
    assert far.count("许-0") == third.count("许-0")  # past the end: the last page


def test_a_credit_profile_costs_the_same_queries_however_many_records_the_code_has(client, publicity_page):
    url = publicity_page.url + f"credit/{CODE}/"
    make_record(document_number="罚-0")
    make_record(document_number="许-0", kind="licence", publicity_until=None)
    client.get(url)
    with CaptureQueriesContext(connection) as few:
        client.get(url)
    for number in range(1, 60):
        make_record(document_number=f"许-{number}", kind="licence", publicity_until=None)
        make_record(document_number=f"罚-{number}")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"licences": 2, "penalties": 3}).content.decode()

    assert "许-" in page
    assert len(many) == len(few)
    # A count per kind; the ids and then the rows of a page of licences, and of penalties; the
    # days of its credit repairs.
    assert len(record_queries(many)) == 8


@pytest.mark.postgres
@pytest.mark.parametrize("term", ["王伟", "伟"])
def test_on_postgresql_a_name_search_of_one_or_two_characters_uses_the_name_gram_index(term):
    from publicity.queries import search

    make_record(
        document_number="罚-1", subject_name="王伟", subject_category="natural_person", credit_code=""
    )
    make_record(
        document_number="罚-2", subject_name="王小明", subject_category="natural_person", credit_code=""
    )
    with connection.cursor() as cursor:
        # A tiny table would be scanned (or walked newest first): ask whether the index serves.
        for plan in ("seqscan", "indexscan", "indexonlyscan"):
            cursor.execute(f"SET LOCAL enable_{plan} = off")

    assert "publicity_record_name_grams" in search(term).explain()
    assert [record.document_number for record in search(term)] == ["罚-1"]


def test_a_rare_name_is_found_however_old_and_a_common_one_newest_first(monkeypatch):
    from publicity import queries

    # On PostgreSQL a name search looks through the newest records first, then asks the indexes.
    monkeypatch.setattr(queries, "RECENT_WINDOW", 5)
    for day in range(1, 11):
        make_record(
            document_number=f"罚-新{day}",
            subject_name="济南新华书店有限公司",
            decision_date=datetime.date(2020, 10, day),
        )
    make_record(
        document_number="罚-旧",
        subject_name="济南旧城稀有名称有限公司",
        decision_date=datetime.date(2019, 1, 1),
    )

    def found(term, limit=None):
        results = queries.search_results(term, limit=limit)
        return [record.document_number for record in results[0:20]], results.has_more

    assert found("稀有名称") == (["罚-旧"], False)  # three or more characters
    assert found("稀有") == (["罚-旧"], False)  # two
    assert found("新华书店", limit=3) == (["罚-新10", "罚-新9", "罚-新8"], True)
    assert found("新华", limit=12) == ([f"罚-新{day}" for day in range(10, 0, -1)], False)
    assert found("有限公司", limit=20)[0][-1] == "罚-旧"


def test_an_empty_search_finds_nothing_without_asking_the_database(django_assert_num_queries):
    from publicity.queries import search_results

    with django_assert_num_queries(0):
        results = search_results("   ")
        assert (results.count(), results[0:20], results.has_more) == (0, [], False)


def dishonest_record():
    return make_record(
        kind="dishonest",
        document_number="(2026)鲁0102执1234号",
        title="(2025)鲁0102民初567号",
        authority="济南市历下区人民法院",
        violation="有履行能力而拒不履行生效法律文书确定义务",
        content="支付货款及利息",
        status="全部未履行",
        category="",
        publicity_until=None,
    )


def test_each_kind_of_record_shows_its_own_labels(client, publicity_page):
    dishonest_record()
    make_record(document_number="济历市监罚字〔2026〕101号", fine_amount="0.8")
    make_record(
        document_number="济历食许〔2025〕88号",
        kind="licence",
        title="食品经营许可决定书",
        category="普通",
        publicity_until=None,
    )

    page = client.get(publicity_page.url, {"q": CODE}).text
    dishonest = page[page.index("publicity-dishonest") :].split("</article>")[0]
    penalty = page[page.index("publicity-penalty") :].split("</article>")[0]
    licence = page[page.index("publicity-licence") :].split("</article>")[0]

    assert "<dt>案号</dt><dd>(2026)鲁0102执1234号</dd>" in dishonest
    assert "<dt>执行依据文号</dt><dd>(2025)鲁0102民初567号</dd>" in dishonest
    assert "<dt>执行法院</dt><dd>济南市历下区人民法院</dd>" in dishonest
    assert "<dt>履行情况</dt>" in dishonest and "<dt>发布时间</dt><dd>2020年11月2日</dd>" in dishonest
    assert "<dt>名称</dt>" not in dishonest and "决定文书号" not in dishonest and "决定机关" not in dishonest
    assert "<dt>处罚决定书文号</dt><dd>济历市监罚字〔2026〕101号</dd>" in penalty
    assert "<dt>处罚类别</dt><dd>警告、罚款</dd>" in penalty and "<dt>处罚机关</dt>" in penalty
    assert "<dt>行政许可决定文书号</dt><dd>济历食许〔2025〕88号</dd>" in licence
    assert "<dt>行政许可决定文书名称</dt><dd>食品经营许可决定书</dd>" in licence


@pytest.mark.parametrize(
    ("amount", "shown"), [("0.8", "0.8万元"), ("12", "12万元"), ("0.012345", "0.012345万元")]
)
def test_fines_are_shown_in_ten_thousand_yuan_without_trailing_zeros(client, publicity_page, amount, shown):
    make_record(fine_amount=amount)
    page = client.get(publicity_page.url, {"q": CODE}).text
    assert f"<dt>罚款金额</dt><dd>{shown}</dd>" in page and "0000万元" not in page


def test_english_records_are_labelled_in_english(client, publicity_page, en_locale):
    from integrity_site.core.translation import translate_object

    dishonest_record()
    make_record(fine_amount="0.8")
    english = translate_object(publicity_page, en_locale, {})
    page = client.get(english.url, {"q": CODE}).text
    assert "<dt>Case number</dt>" in page and "<dt>Enforcing court</dt>" in page
    assert "<dt>Fine</dt><dd>0.8 × 10,000 yuan</dd>" in page
    assert "<dt>Published on</dt><dd>Nov. 2, 2020</dd>" in page


def test_a_credit_profile_names_each_kind_once(client, publicity_page):
    make_record(document_number="罚-1")
    make_record(document_number="罚-2")
    dishonest_record()

    page = client.get(publicity_page.url + f"credit/{CODE}/").text
    main = page[page.index("<main") : page.index("</main>")]
    assert main.count("行政处罚") == 1  # the heading of its section, and no badge on each record
    assert 'class="badge"' not in main
    assert "<h3>罚-1</h3>" in main and f"统一社会信用代码：{CODE}" in main
    assert f"<dd>{CODE}</dd>" not in main and f'<span class="credit-code">{CODE}</span>' not in main


def test_the_publicity_page_leads_to_credit_profiles(client, publicity_page):
    make_record(document_number="罚-1")
    profile = publicity_page.url + f"credit/{CODE}/"

    start = client.get(publicity_page.url).text
    assert "信用档案：输入18位统一社会信用代码查询" in start
    by_code = client.get(publicity_page.url, {"q": CODE}).text
    assert f'<p class="credit-profile-callout"><a href="{profile}">查看{CODE}的信用档案' in by_code
    by_name = client.get(publicity_page.url, {"q": "伟明餐饮"}).text
    assert f'<a href="{profile}">济南泉城路伟明餐饮管理有限公司的信用档案</a>' in by_name
