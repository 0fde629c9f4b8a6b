"""The public side: the register of approved pledges, certificates with a QR code, the short
verification address, and the register as 信用承诺 JSON and as RSS. Never personal data."""

import json
import re

import pytest
from django.contrib.staticfiles import finders
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from integrity_site.core.models import SiteSettings
from pledges import services
from pledges.records import Pledge, PledgeState
from tests import factories

PERSONAL = ("张三华", "13812341234", "李四明", "@example.org")


def assert_no_personal_data(content):
    for value in PERSONAL:
        assert value not in content


def test_the_register_lists_approved_pledges_only_and_no_personal_data(client, pledge_page):
    approved = factories.PledgeFactory(state=PledgeState.APPROVED, merchant_name="大明湖茶社")
    for state in ("submitted", "confirmed", "revoked", "withdrawn", "expired"):
        factories.PledgeFactory(state=state, merchant_name=f"不应出现{state}")
    response = client.get(pledge_page.url + "register/")
    content = response.content.decode()
    assert "大明湖茶社" in content and approved.credit_code in content
    assert f"certificate/{approved.number}/" in content
    assert "不应出现" not in content
    assert_no_personal_data(content)


def test_the_register_is_searchable_by_name_or_credit_code_and_filterable(client, pledge_page):
    tea = factories.PledgeFactory(
        state="approved", merchant_name="大明湖茶社", subdistrict="大明湖街道", industry="catering"
    )
    book = factories.PledgeFactory(
        state="approved", merchant_name="泉城书店", subdistrict="泉城路街道", industry="culture_tourism"
    )
    url = pledge_page.url + "register/"

    def names(**query):
        return {pledge.merchant_name for pledge in client.get(url, query).context["pledges"]}

    assert names(q="茶社") == {"大明湖茶社"}
    assert names(q=book.credit_code.lower()) == {"泉城书店"}  # a code is folded like on the form
    assert tea.credit_code[:10] == book.credit_code[:10]
    assert names(q=tea.credit_code[:10]) == {"大明湖茶社", "泉城书店"}  # a code's beginning
    assert names(subdistrict="泉城路街道") == {"泉城书店"}
    assert names(industry="catering") == {"大明湖茶社"}
    assert names() == {"大明湖茶社", "泉城书店"}


def register_queries(client, url):
    client.get(url)  # warm the caches (site, settings)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_the_register_costs_the_same_queries_for_few_and_many_pledges_and_is_paginated(client, pledge_page):
    url = pledge_page.url + "register/"
    factories.PledgeFactory.create_batch(3, state="approved")
    few = register_queries(client, url)
    factories.PledgeFactory.create_batch(45, state="approved")
    many = register_queries(client, url)
    assert few == many
    response = client.get(url, {"page": 3})
    assert len(response.context["pledges"].object_list) == 8
    assert client.get(url, {"page": "99"}).status_code == 200


def test_the_register_is_published_as_credit_pledge_json(client, pledge_page, site):
    site_settings = SiteSettings.for_site(site)
    site_settings.office_name = "历下区社会信用体系建设领导小组办公室"
    site_settings.save()
    pledge = factories.PledgeFactory(state="approved", entity_kind="individual_business")
    factories.PledgeFactory(state="confirmed")
    response = client.get(pledge_page.url + "register/json/")
    assert response["Content-Type"].startswith("application/json")
    data = json.loads(response.content)
    assert data["count"] == 1
    [record] = data["results"]
    assert record["承诺人名称"] == pledge.merchant_name
    assert record["承诺人类别"] == "个体工商户"
    assert record["承诺人代码"] == pledge.credit_code
    assert record["承诺类型"] == "行业自律型"
    assert record["承诺事由"].startswith("为营造诚实守信")
    assert record["承诺内容"] == "依法经营，明码标价。 不售假冒伪劣商品。"
    assert record["违诺责任"].startswith("如违背承诺")
    assert record["承诺作出日期"] == timezone.localdate(pledge.confirmed_at).isoformat()
    assert record["承诺有效期"] == pledge.valid_until.isoformat()
    assert record["承诺受理单位"] == "历下区社会信用体系建设领导小组办公室"
    assert record["公开类型"] == "社会公开"
    assert record["核验地址"] == f"http://testserver/v/{pledge.number}/"
    assert_no_personal_data(response.content.decode())


def test_the_json_register_costs_the_same_queries_for_few_and_many_pledges(client, pledge_page):
    url = pledge_page.url + "register/json/"
    factories.PledgeFactory.create_batch(3, state="approved")
    few = register_queries(client, url)
    factories.PledgeFactory.create_batch(40, state="approved")
    many = register_queries(client, url)
    assert few == many


def test_new_pledges_are_published_as_rss(client, pledge_page):
    pledge = factories.PledgeFactory(state="approved", merchant_name="千佛山素食馆")
    response = client.get(pledge_page.url + "feed/")
    assert response["Content-Type"].startswith("application/rss+xml")
    content = response.content.decode()
    assert "千佛山素食馆" in content and f"certificate/{pledge.number}/" in content
    assert_no_personal_data(content)


def test_the_certificate_shows_the_text_version_signed_even_after_the_text_changes(
    client, pledge_page, admin_user
):
    pledge = factories.PledgeFactory(state="confirmed")
    services.approve_pledge(pledge, user=admin_user)
    from pledges.records import PledgeText

    factories.publish_pledge_text(
        title="新版承诺书", commitment="<p>全新的承诺内容。</p>", text=PledgeText.objects.get()
    )
    response = client.get(pledge_page.url + f"certificate/{pledge.number}/")
    content = response.content.decode()
    assert "不售假冒伪劣商品" in content and "全新的承诺内容" not in content
    assert "承诺书版本" in content and "第1版" in content and "第2版" not in content
    until = pledge.valid_until
    assert f"{until.year}年{until.month}月{until.day}日" in content
    assert "<svg" in content  # the QR code, made on the server
    assert f"http://testserver/v/{pledge.number}/" in content
    assert "pledges/certificate.css" in content
    assert "@page { size: A4;" in open(finders.find("pledges/certificate.css"), encoding="utf-8").read()
    assert_no_personal_data(content)
    # and new signers sign the new text
    assert "全新的承诺内容" in client.get(pledge_page.url).content.decode()


def test_the_qr_code_encodes_the_short_verification_address(client, pledge_page):
    import segno

    from pledges.qr import qr_svg

    pledge = factories.PledgeFactory(state="approved")
    url = f"http://testserver/v/{pledge.number}/"
    assert segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#000", light="#fff", title=url
    ) == str(qr_svg(url))
    assert str(qr_svg(url)) in client.get(pledge_page.url + f"certificate/{pledge.number}/").content.decode()


def test_a_certificate_of_an_unapproved_or_unknown_pledge_is_not_found(client, pledge_page):
    pledge = factories.PledgeFactory(state="confirmed")
    assert client.get(pledge_page.url + f"certificate/{pledge.number}/").status_code == 404
    assert client.get(pledge_page.url + "certificate/NOSUCH22/").status_code == 404


@pytest.mark.parametrize(
    ("state", "css_class"),
    [
        ("approved", "verification-valid"),
        ("expired", "verification-expired"),
        ("revoked", "verification-revoked"),
        ("withdrawn", "verification-withdrawn"),
    ],
)
def test_the_verification_page_tells_anyone_whether_a_pledge_is_valid(client, pledge_page, state, css_class):
    pledge = factories.PledgeFactory(state="approved")
    if state != "approved":
        Pledge.objects.filter(pk=pledge.pk).update(state=state)
    response = client.get(f"/v/{pledge.number}/")
    assert response.status_code == 200
    content = response.content.decode()
    assert css_class in content and pledge.merchant_name in content
    assert_no_personal_data(content)


def test_the_verification_page_of_an_unknown_number_says_so(client, pledge_page):
    response = client.get("/v/NOSUCH22/")
    assert response.status_code == 404
    assert "verification-unknown" in response.content.decode()
    unapproved = factories.PledgeFactory(state="confirmed")
    assert client.get(f"/v/{unapproved.number}/").status_code == 404


def test_the_json_register_pages_with_next_links(client, pledge_page):
    factories.PledgeFactory.create_batch(101, state="approved")
    first = json.loads(client.get(pledge_page.url + "register/json/").content)
    assert (first["count"], first["pages"], len(first["results"])) == (101, 2, 100)
    second = json.loads(client.get(first["next"]).content)
    assert len(second["results"]) == 1 and second["next"] is None
    assert {record["证书编号"] for record in first["results"]}.isdisjoint(
        {record["证书编号"] for record in second["results"]}
    )


def test_the_verification_address_works_under_the_english_prefix_too(client, pledge_page):
    pledge = factories.PledgeFactory(state="approved")
    assert pledge.verification_path == f"/v/{pledge.number}/"
    response = client.get(f"/en/v/{pledge.number}/")
    assert response.status_code == 200 and "verification-valid" in response.content.decode()


def test_register_certificate_and_verification_link_the_merchants_credit_profile(
    client, pledge_page, home_page
):
    publicity = factories.PublicityPageFactory(parent=home_page)
    pledge = factories.PledgeFactory(state="approved")
    profile = publicity.url + f"credit/{pledge.credit_code}/"

    register = client.get(pledge_page.url + "register/").text
    certificate = client.get(pledge_page.url + f"certificate/{pledge.number}/").text
    verification = client.get(f"/v/{pledge.number}/").text

    for content in (register, certificate, verification):
        assert f'<a class="credit-profile-link" href="{profile}">信用档案</a>' in content
        assert f'<span class="credit-code">{pledge.credit_code}</span>' in content
    assert client.get(profile).status_code == 200


def test_without_a_publicity_page_no_profile_is_linked(client, pledge_page):
    pledge = factories.PledgeFactory(state="approved")
    assert "credit-profile-link" not in client.get(pledge_page.url + f"certificate/{pledge.number}/").text


def test_a_credit_code_never_breaks_across_lines(db):
    css = open(finders.find("css/site.css"), encoding="utf-8").read()
    rule = css[css.index(".credit-code {") :].split("}")[0]
    assert "white-space: nowrap" in rule and "break-all" not in rule


def test_the_register_shows_chinese_dates_and_the_english_one_english_names(client, pledge_page, en_locale):
    from integrity_site.core.translation import translate_object

    pledge = factories.PledgeFactory(state="approved", subdistrict="解放路街道", industry="catering")
    until = pledge.valid_until
    chinese = client.get(pledge_page.url + "register/").text
    assert f">{until.year}年{until.month}月{until.day}日</time>" in chinese
    assert "解放路街道" in chinese and "餐饮" in chinese

    english = client.get(translate_object(pledge_page, en_locale, {}).url + "register/").text
    table = english[english.index('<table class="pledge-table">') :]
    assert "Jiefang Road Subdistrict" in table and "Catering" in table
    assert "解放路街道" not in table and "餐饮" not in table and "年" not in table
    options = english[english.index('name="subdistrict"') : english.index("</select>")]
    assert not re.search(r">[^<]*[\u4e00-\u9fff][^<]*</option>", options)


def test_the_english_certificate_names_kind_industry_and_subdistrict_in_english(
    client, pledge_page, en_locale
):
    from integrity_site.core.translation import translate_object

    pledge = factories.PledgeFactory(
        state="approved", entity_kind="enterprise", industry="catering", subdistrict="解放路街道"
    )
    english = translate_object(pledge_page, en_locale, {})
    content = client.get(english.url + f"certificate/{pledge.number}/").text
    details = content[content.index('class="certificate-details"') :].split("</dl>")[0]
    assert "<dd>Enterprise</dd>" in details and "<dd>Catering</dd>" in details
    assert "Jiefang Road Subdistrict" in details and "解放路街道" not in details
