"""On a 390-px phone every section of the main navigation is in sight, in both languages: none
sits off-screen where nothing hints at it."""

import pytest

from integrity_site.core.translation import translate_object
from tests import factories
from tests.browser import PHONE

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def test_every_section_of_the_navigation_is_on_screen_on_a_phone(live_server, browser_page, en_locale):
    from wagtail.models import Site

    home = Site.objects.get(is_default_site=True).root_page.specific
    sections = [
        factories.ArticleIndexPageFactory(parent=home, show_in_menus=True),
        factories.LectureIndexPageFactory(parent=home, show_in_menus=True),
        factories.CampaignIndexPageFactory(parent=home, show_in_menus=True),
        factories.HonourIndexPageFactory(parent=home, show_in_menus=True),
    ]
    translate_object(home, en_locale, {})
    for number, section in enumerate(sections):  # English names are longer than Chinese ones
        translate_object(section, en_locale, {section.title: f"Integrity Volunteer Action {number}"})
    page = browser_page
    for path in ("/", "/en/"):
        page.goto(live_server.url + path)
        links = page.locator(".main-nav a")
        assert links.count() == len(sections)
        for number in range(links.count()):
            box = links.nth(number).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"], links.nth(number).inner_text()
