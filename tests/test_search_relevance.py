"""Search relevance over the demo site: each query names the pages that must be
in its top five results. The suite runs on every backend (SQLite, PostgreSQL,
OpenSearch) and fails below a recall@5 of 0.95; each run's figure is written to
.cache/test-reports/search-relevance.txt, which `make test` prints."""

import pytest
from django.conf import settings
from django.db import connection

from integrity_site.demo.loader import DemoLoader

pytestmark = [pytest.mark.django_db, pytest.mark.search_backend]

REQUIRED_RECALL = 0.95

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


def backend_name():
    if settings.ELASTICSEARCH_URL:
        return f"{settings.SEARCH_ENGINE} ({settings.ELASTICSEARCH_URL})"
    return f"database search on {connection.vendor}"


def test_the_demo_site_answers_its_judged_queries(
    client, site, search_backend, monkeypatch, tmp_path, django_capture_on_commit_callbacks
):
    monkeypatch.setattr("integrity_site.demo.loader.admin_password_file", lambda: tmp_path / "pw.txt")
    with django_capture_on_commit_callbacks(execute=True):
        DemoLoader(log=lambda message: None).run()
    search_backend.refresh()

    assert len(JUDGEMENTS) >= 40
    found = expected = 0
    misses = []
    for language, query, slugs in JUDGEMENTS:
        prefix = "/en" if language == "en" else ""
        response = client.get(f"{prefix}/search/", {"q": query})
        assert response.status_code == 200, query
        top_five = [page.slug for page in response.context["results"]][:5]
        for slug in slugs:
            expected += 1
            if slug in top_five:
                found += 1
            else:
                misses.append(f"{query!r} misses {slug} (top five: {top_five})")
    recall = found / expected
    report = settings.BASE_DIR / ".cache" / "test-reports" / "search-relevance.txt"
    report.parent.mkdir(parents=True, exist_ok=True)
    with report.open("a", encoding="utf-8") as lines:
        lines.write(
            f"recall@5 {recall:.3f} ({found}/{expected}, {len(JUDGEMENTS)} queries) on {backend_name()}\n"
        )
    print("\n".join(misses))
    assert recall >= REQUIRED_RECALL, "\n".join(misses)
