"""On a 390-px phone every section of the main navigation is one tap on "菜单 / Menu" away, in both
languages, by finger or keyboard, and nothing in the header sits off-screen; on a 1366-px screen
every section is in one row. The elder-friendly mode, switched on from the header, stays on from
page to page: larger text, higher contrast, larger touch targets."""

import pytest

from integrity_site.core.translation import translate_object
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

WIDE = {"width": 1366, "height": 900}
# English names are longer than Chinese ones; these are the demo site's.
ENGLISH_SECTIONS = ["News", "Ruxin Lecture Series", "Integrity Volunteer Action", "Honour Lists"]


@pytest.fixture
def sections(en_locale):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    sections = [
        factories.ArticleIndexPageFactory(parent=home, show_in_menus=True),
        factories.LectureIndexPageFactory(parent=home, show_in_menus=True),
        factories.CampaignIndexPageFactory(parent=home, show_in_menus=True),
        factories.HonourIndexPageFactory(parent=home, show_in_menus=True),
    ]
    search = factories.SearchPageFactory(parent=home)
    translate_object(home, en_locale, {})
    for section, name in zip(sections, ENGLISH_SECTIONS, strict=True):
        translate_object(section, en_locale, {section.title: name})
    translate_object(search, en_locale, {"搜索": "Search"})
    return sections


def inside(box, viewport):
    return (
        box is not None
        and box["x"] >= 0
        and box["x"] + box["width"] <= viewport["width"]
        and box["y"] >= 0
        and (box["y"] + box["height"] <= viewport["height"])
    )


def links_screen_readers_get(page):
    """The names of the links in Chromium's accessibility tree: what a screen reader is given."""
    tree = page.context.new_cdp_session(page).send("Accessibility.getFullAXTree")
    return {
        node["name"]["value"]
        for node in tree["nodes"]
        if node.get("role", {}).get("value") == "link" and not node.get("ignored") and "name" in node
    }


def header_in_sight(page, viewport):
    for selector in (
        ".brand",
        ".elder-switch button:visible",
        ".language-switcher a",
        ".header-search input",
        ".header-search button",
    ):
        assert inside(page.locator(selector).first.bounding_box(), viewport), selector


@pytest.mark.parametrize(("path", "menu"), [("/", "菜单"), ("/en/", "Menu")])
def test_every_section_is_one_tap_away_on_a_phone_and_in_one_row_on_a_wide_screen(
    live_server, browser_page, sections, path, menu
):
    page = browser_page
    page.goto(live_server.url + path)
    links = page.locator(".nav-menu a")
    names = [section.title for section in sections] if path == "/" else ENGLISH_SECTIONS
    assert links.count() == len(sections)
    header_in_sight(page, PHONE)
    assert not links.first.is_visible()  # folded away: the header keeps to two rows
    assert not set(names) & links_screen_readers_get(page)

    summary = page.get_by_text(menu, exact=True)
    assert inside(summary.bounding_box(), PHONE)
    summary.click()
    for number in range(links.count()):
        assert inside(links.nth(number).bounding_box(), PHONE), links.nth(number).inner_text()
    assert set(names) <= links_screen_readers_get(page)
    summary.click()
    assert not links.first.is_visible()

    # By keyboard: the button takes the focus, Enter opens it, Tab reaches the sections.
    summary.focus()
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.nav-menu') !== null")
    assert page.evaluate("getComputedStyle(document.activeElement).outlineStyle") != "none"

    page.set_viewport_size(WIDE)
    page.goto(live_server.url + path)
    assert not summary.is_visible()
    row = page.locator(".nav-row a")
    boxes = [row.nth(number).bounding_box() for number in range(row.count())]
    assert len(boxes) == len(sections) and all(inside(box, WIDE) for box in boxes)
    assert len({box["y"] for box in boxes}) == 1  # one row
    assert set(names) <= links_screen_readers_get(page)
    header_in_sight(page, WIDE)
    page.locator(".header-search button").focus()
    page.keyboard.press("Tab")  # from the search, the keyboard goes on to the first section
    assert page.evaluate("document.activeElement.textContent") == names[0]


def test_the_header_search_finds_pages_in_the_visitors_language(live_server, browser_page, sections):
    page = browser_page
    page.goto(live_server.url + "/en/")
    page.get_by_label("Search the site").fill("News")
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/en/search/?q=News")


def test_the_elder_friendly_mode_stays_on_from_page_to_page_until_switched_off(
    live_server, browser_page, sections
):
    page = browser_page
    page.goto(live_server.url + "/")
    font_size = "parseFloat(getComputedStyle(document.querySelector('main p, main h1')).fontSize)"
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16

    page.get_by_role("button", name="长辈模式").click()
    page.get_by_text("菜单", exact=True).click()
    page.locator(".nav-menu a").first.click()  # another page
    page.wait_for_url(f"**{sections[0].url}")

    assert page.get_by_role("button", name="退出长辈模式").is_visible()
    assert not page.get_by_role("button", name="长辈模式", exact=True).is_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") >= 18
    assert page.evaluate(font_size) >= 18
    summary = page.get_by_text("菜单", exact=True)
    assert summary.bounding_box()["height"] >= 60  # the main controls: at least 60 px
    summary.click()
    for number in range(page.locator(".nav-menu a").count()):
        assert page.locator(".nav-menu a").nth(number).bounding_box()["height"] >= 60
    for selector in (".elder-switch .elder-off", ".header-search button", ".header-search input"):
        assert page.locator(selector).bounding_box()["height"] >= 44, selector
    # Black text on white, no motion.
    assert page.evaluate("getComputedStyle(document.querySelector('main h1')).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") == "rgb(255, 255, 255)"
    assert page.evaluate("getComputedStyle(document.querySelector('a')).transitionDuration") == "0s"
    assert "cursor-large.svg" in page.evaluate("getComputedStyle(document.documentElement).cursor")

    page.goto(live_server.url + "/en/")  # a later visit, in the other language
    assert page.get_by_role("button", name="Standard text").is_visible()
    page.get_by_role("button", name="Standard text").click()
    page.wait_for_url(live_server.url + "/en/")
    assert page.get_by_role("button", name="Larger text").is_visible()
    assert page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)") == 16
