"""Search relevance over the demo site, measured the way residents read results: the first screen.

Three figures per backend (SQLite, PostgreSQL, OpenSearch), written to
.cache/test-reports/search-relevance.txt, which `make test` prints:

- recall@5: each judged query names the pages that must be among its first five results;
- title-first share: the share of queries for which every page whose title holds the query
  ranks ahead of every page that does not (over the judged queries and the everyday terms
  below, which nothing in the ranking is tuned to);
- MRR: the mean reciprocal rank of the first judged page of each judged query.
"""

import unicodedata

import pytest
from django.conf import settings
from django.db import connection
from wagtail.models import Page

from integrity_site.core.segmentation import query_phrases
from integrity_site.demo.loader import DemoLoader

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]

REQUIRED_RECALL = 0.95
REQUIRED_TITLE_FIRST = 0.95
REQUIRED_MRR = 0.85

# (language, query, slugs that must be among the first five results)
JUDGEMENTS = [
    ("zh-hans", "宽厚里", ["kuanhouli-credit-demonstration-block"]),
    ("zh-hans", "信用示范街区", ["kuanhouli-credit-demonstration-block"]),
    ("zh-hans", "解放路", ["jiefanglu-integrity-subdistrict-pilot"]),
    ("zh-hans", "诚信街道", ["jiefanglu-integrity-subdistrict-pilot"]),
    ("zh-hans", "一带一路", ["belt-and-road-city-credit-alliance-summit"]),
    ("zh-hans", "信用联盟", ["belt-and-road-city-credit-alliance-summit"]),
    ("zh-hans", "峰会", ["belt-and-road-city-credit-alliance-summit"]),
    ("zh-hans", "宣传栏", ["integrity-lixia-board-six-sections"]),
    ("zh-hans", "六大板块", ["integrity-lixia-board-six-sections"]),
    ("zh-hans", "非法集资", ["prevent-illegal-fund-raising", "prevent-illegal-fund-raising-campaign"]),
    ("zh-hans", "高息", ["prevent-illegal-fund-raising"]),
    ("zh-hans", "双公示", ["double-publicity-records-reported", "publicity"]),
    ("zh-hans", "130063", ["double-publicity-records-reported"]),
    ("zh-hans", "儒信大讲堂", ["lectures"]),
    ("zh-hans", "大讲堂", ["lectures"]),
    ("zh-hans", "日常生活", ["integrity-in-daily-life"]),
    ("zh-hans", "儒家", ["confucian-good-faith"]),
    ("zh-hans", "信用修复", ["credit-repair-for-businesses"]),
    ("zh-hans", "诚信者行动", ["volunteer-action"]),
    ("zh-hans", "我承诺 我诚信 我文明", ["i-pledge-i-am-honest-i-am-civil"]),
    ("zh-hans", "文明", ["i-pledge-i-am-honest-i-am-civil"]),
    ("zh-hans", "芙蓉街", ["furong-street-integrity-promotion"]),
    ("zh-hans", "承诺书", ["integrity-pledge"]),
    ("zh-hans", "明码标价", ["integrity-pledge"]),
    ("zh-hans", "假冒伪劣", ["integrity-pledge"]),
    ("zh-hans", "诚信单位", ["integrity-units-2020"]),
    ("zh-hans", "老字号茶庄", ["integrity-units-2020"]),
    ("zh-hans", "诚信榜样", ["honours"]),
    ("zh-hans", "失信被执行人", ["publicity"]),
    ("zh-hans", "统一社会信用代码", ["publicity"]),
    ("zh-hans", "志愿者", ["volunteer-action"]),
    ("zh-hans", "邀请商户", ["kuanhouli-pledge-invitation"]),
    ("zh-hans", "街区 诚信经营", ["kuanhouli-credit-demonstration-block"]),
    ("en", "Kuanhouli", ["kuanhouli-credit-demonstration-block"]),
    ("en", "credit demonstration block", ["kuanhouli-credit-demonstration-block"]),
    ("en", "Jiefanglu", ["jiefanglu-integrity-subdistrict-pilot"]),
    ("en", "Belt and Road", ["belt-and-road-city-credit-alliance-summit"]),
    ("en", "illegal fund-raising", ["prevent-illegal-fund-raising"]),
    ("en", "Ruxin lecture", ["lectures"]),
    ("en", "Confucian", ["confucian-good-faith"]),
    ("en", "credit repair", ["credit-repair-for-businesses"]),
    ("en", "Furong Street", ["furong-street-integrity-promotion"]),
    ("en", "integrity pledge", ["integrity-pledge"]),
    ("en", "honour lists", ["honours"]),
]

# Everyday terms residents type (the vocabulary and words of the demo's titles and
# texts), judged only by the title-first rule: no page is named, nothing is tuned to them.
EVERYDAY_QUERIES = [
    ("zh-hans", "诚信"),
    ("zh-hans", "承诺"),
    ("zh-hans", "信用"),
    ("zh-hans", "历下"),
    ("zh-hans", "街区"),
    ("zh-hans", "示范"),
    ("zh-hans", "商户"),
    ("zh-hans", "宣传"),
    ("zh-hans", "榜样"),
    ("zh-hans", "街道"),
    ("zh-hans", "企业"),
    ("zh-hans", "济南"),
    ("zh-hans", "诚信经营"),
    ("zh-hans", "诚信建设"),
    ("zh-hans", "诚信市民"),
    ("zh-hans", "信用示范"),
    ("zh-hans", "守信"),
    ("zh-hans", "儒信"),
    ("zh-hans", "2020年度"),
    ("zh-hans", "金牌服务员"),
    ("zh-hans", "诚信 宣传"),
    ("zh-hans", "历下 榜样"),
    ("en", "integrity"),
    ("en", "credit"),
    ("en", "pledge"),
    ("en", "Lixia"),
    ("en", "block"),
    ("en", "role models"),
]


def backend_name():
    if settings.ELASTICSEARCH_URL:
        return f"{settings.SEARCH_ENGINE} ({settings.ELASTICSEARCH_URL})"
    return f"database search on {connection.vendor}"


def folded(text):
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def title_holds(title, query):
    """Whether a title holds the whole query: each of its phrases, as typed."""
    title = folded(title)
    return all(folded(phrase) in title for phrase in query_phrases(query))


def ranked_slugs(client, language, query, count):
    """The slugs of the first ``count`` results of the search page, editors' promotions first,
    read page by page as a resident would scroll on."""
    prefix = "/en" if language == "en" else ""
    slugs, page = [], 1
    while True:
        response = client.get(f"{prefix}/search/", {"q": query, "page": page})
        assert response.status_code == 200, query
        context = response.context
        if page == 1:
            picks = [pick["page_id"] for pick in context["promotions"] if pick["page_id"]]
            slugs.extend(Page.objects.get(pk=pk).slug for pk in picks)
        results = context["results"]
        slugs.extend(result.slug for result in results)
        if len(slugs) >= count or not results.has_next():
            return slugs[:count] if count else slugs
        page += 1


def titled_slugs(language, query):
    pages = Page.objects.live().public().filter(locale__language_code=language)
    return {slug for slug, title in pages.values_list("slug", "title") if title_holds(title, query)}


def title_first(client, language, query):
    """(whether every titled page ranks ahead of every other, what was wrong), or None when no
    title holds the query."""
    titled = titled_slugs(language, query)
    if not titled:
        return None
    first = ranked_slugs(client, language, query, len(titled))
    missing = titled - set(first)
    return not missing, f"{query!r}: titled {sorted(missing)} not among the first {len(titled)}: {first}"


def test_the_demo_site_ranks_its_judged_and_everyday_queries(
    client, site, search_backend, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("integrity_site.demo.loader.admin_password_file", lambda: tmp_path / "pw.txt")
    with django_capture_on_commit_callbacks(execute=True):
        DemoLoader(log=lambda message: None).run()
    search_backend.refresh()

    assert len(JUDGEMENTS) >= 40 and len(EVERYDAY_QUERIES) >= 25
    found = expected = 0
    reciprocal_ranks = []
    misses = []
    for language, query, slugs in JUDGEMENTS:
        top_ten = ranked_slugs(client, language, query, 10)
        for slug in slugs:
            expected += 1
            if slug in top_ten[:5]:
                found += 1
            else:
                misses.append(f"{query!r} misses {slug} (top five: {top_ten[:5]})")
        first_rank = min((top_ten.index(slug) + 1 for slug in slugs if slug in top_ten), default=None)
        reciprocal_ranks.append(1 / first_rank if first_rank else 0.0)

    title_checks = [
        title_first(client, language, query)
        for language, query in [(language, query) for language, query, _slugs in JUDGEMENTS]
        + EVERYDAY_QUERIES
    ]
    title_checks = [check for check in title_checks if check is not None]
    title_misses = [reason for passed, reason in title_checks if not passed]
    recall = found / expected
    title_share = sum(passed for passed, _reason in title_checks) / len(title_checks)
    mrr = sum(reciprocal_ranks) / len(reciprocal_ranks)

    report = settings.BASE_DIR / ".cache" / "test-reports" / "search-relevance.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    with report.open("a", encoding="utf-8") as lines:
        lines.write(
            f"recall@5 {recall:.3f} ({found}/{expected}), title-first {title_share:.3f} "
            f"({len(title_checks) - len(title_misses)}/{len(title_checks)}), MRR {mrr:.3f} "
            f"({len(JUDGEMENTS)} judged + {len(EVERYDAY_QUERIES)} everyday queries) on {backend_name()}\n"
        )
    print(f"\nrecall@5 {recall:.3f}, title-first {title_share:.3f}, MRR {mrr:.3f} on {backend_name()}")
    print("\n".join(misses + title_misses))
    assert recall >= REQUIRED_RECALL, "\n".join(misses)
    assert title_share >= REQUIRED_TITLE_FIRST, "\n".join(title_misses)
    assert mrr >= REQUIRED_MRR
