"""Pages describe themselves to search engines and to share cards inside WeChat: a description,
a canonical link, Open Graph and Twitter tags with an image, icons; robots.txt names the sitemap,
and a page that is not there links to the home page of its language."""

import re

import pytest
from django.contrib.staticfiles import finders

from integrity_site.core.translation import translate_object
from tests import factories

pytestmark = pytest.mark.django_db


def meta(page, name):
    match = re.search(rf'<meta (?:property|name)="{re.escape(name)}" content="([^"]*)">', page)
    return match.group(1) if match else None


@pytest.fixture
def news(home_page):
    return factories.ArticleIndexPageFactory(parent=home_page)


def test_an_article_is_shared_with_its_lead_its_cover_and_its_own_address(client, news):
    article = factories.ArticlePageFactory(
        parent=news, title="宽厚里商户签署承诺", slug="pledge", cover_image=factories.make_image("街区")
    )
    page = client.get(article.url).text
    assert meta(page, "description") == meta(page, "og:description") == "宽厚里街区诚信经营"
    assert '<link rel="canonical" href="http://testserver/news/pledge/">' in page
    assert meta(page, "og:url") == "http://testserver/news/pledge/"
    assert meta(page, "og:title") == "宽厚里商户签署承诺"
    assert meta(page, "og:type") == "article" and meta(page, "og:locale") == "zh_CN"
    assert meta(page, "og:image").startswith("http://testserver/media/original_images/")
    assert meta(page, "og:image:alt") == "街区" and meta(page, "twitter:card") == "summary_large_image"


def test_the_search_description_wins_and_a_page_without_an_image_shares_the_sites_card(client, news):
    article = factories.ArticlePageFactory(parent=news, slug="plain", search_description="编辑写的摘要")
    page = client.get(article.url).text
    assert meta(page, "description") == "编辑写的摘要"
    image = meta(page, "og:image")
    assert image.startswith("http://testserver/static/img/share-card") and image.endswith(".png")


def test_a_long_introduction_is_cut_to_a_snippet_without_markup(client, home_page):
    section = factories.LectureIndexPageFactory(parent=home_page, intro="<p>" + "讲堂" * 200 + "</p>")
    description = meta(client.get(section.url).text, "description")
    assert description.startswith("讲堂讲堂") and "<" not in description and len(description) <= 120


def test_the_home_page_is_described_by_its_hero_text_and_lends_it_to_pages_without_one(
    client, home_page, en_locale
):
    home_page.hero_text = "历下区诚信建设宣传平台"
    home_page.save_revision().publish()
    search = factories.SearchPageFactory(parent=home_page)
    translate_object(home_page, en_locale, {"历下区诚信建设宣传平台": "The integrity platform of Lixia"})
    translate_object(search, en_locale, {})
    assert meta(client.get("/").text, "description") == "历下区诚信建设宣传平台"
    assert meta(client.get(search.url + "?q=诚信").text, "description") == "历下区诚信建设宣传平台"
    assert meta(client.get("/en" + search.url).text, "description") == "The integrity platform of Lixia"


def test_english_pages_say_so_to_share_cards(client, home_page, en_locale):
    translate_object(home_page, en_locale, {})
    assert meta(client.get("/en/").text, "og:locale") == "en_US"


def test_every_page_names_its_icons_and_the_icons_exist(client, home_page):
    page = client.get("/").text
    for name in ("favicon.svg", "favicon-32.png", "apple-touch-icon.png"):
        assert f"/static/img/{name}" in page
        assert finders.find(f"img/{name}")
    favicon = client.get("/favicon.ico")
    assert favicon.status_code == 301 and favicon.url == "/static/img/favicon.ico"
    assert finders.find("img/favicon.ico") and finders.find("img/share-card.png")


def test_robots_txt_names_the_sitemap_and_keeps_crawlers_out_of_private_places(client, home_page):
    response = client.get("/robots.txt")
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /admin/" in lines and "Disallow: /registrations/" in lines


def test_a_missing_english_page_answers_in_english_and_links_to_the_english_home(
    client, home_page, en_locale
):
    translate_object(home_page, en_locale, {})
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert '<a href="/en/">Go to the home page</a>' in response.text
    chinese = client.get("/no-such-page/")
    assert chinese.status_code == 404 and '<a href="/">' in chinese.text


def test_a_campaign_open_for_signing_is_shared_with_its_lead_its_cover_and_its_public_address(
    client, home_page
):
    from campaigns import signing

    index = factories.CampaignIndexPageFactory(parent=home_page, slug="campaigns")
    campaign = factories.signing_campaign(
        index, lead="解放路街道发起诚信倡议签名", cover_image=factories.make_image("倡议签名")
    )
    page = client.get(campaign.url).text
    assert meta(page, "og:title") == "防范非法集资·争做诚信市民"
    assert meta(page, "description") == meta(page, "og:description") == "解放路街道发起诚信倡议签名"
    assert meta(page, "og:url") == "http://testserver/campaigns/sign-up/"
    assert meta(page, "og:image").startswith("http://testserver/media/original_images/")
    assert meta(page, "og:image:alt") == "倡议签名" and meta(page, "twitter:card") == "summary_large_image"

    # The signer's private page shares the campaign, never its own secret address.
    signature = signing.sign(campaign, name="李四", subdistrict="解放路街道", mobile="13900139000").signature
    receipt = client.get(
        campaign.url + campaign.reverse_subpage("signature", args=[signature.pk, signature.access_token])
    )
    assert receipt.status_code == 200
    assert meta(receipt.text, "og:url") == "http://testserver/campaigns/sign-up/"
    assert '<link rel="canonical" href="http://testserver/campaigns/sign-up/">' in receipt.text
    assert meta(receipt.text, "og:description") == "解放路街道发起诚信倡议签名"
    assert signature.access_token not in "".join(re.findall(r"<meta [^>]*>", receipt.text))
