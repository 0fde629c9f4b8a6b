"""What a page says of itself to search engines and share cards (WeChat, Weibo, Open Graph):
its description and its image, taken from the fields the site's page types have."""

from django.utils.html import strip_tags
from django.utils.text import Truncator

# The first of these that a page has and fills describes it: the editor's search description,
# then an article's or campaign's lead, an event's summary, a section's introduction, the home
# page's hero text.
DESCRIPTION_FIELDS = ("search_description", "lead", "summary", "intro", "hero_text")
IMAGE_FIELDS = ("cover_image", "hero_image", "photo")
DESCRIPTION_LENGTH = 120  # characters: what share cards and result snippets show of Chinese text


def page_description(page):
    for field in DESCRIPTION_FIELDS:
        value = getattr(page, field, None)
        if value:
            text = " ".join(strip_tags(str(value)).split())
            if text:
                return Truncator(text).chars(DESCRIPTION_LENGTH)
    return ""


def description_or_home(page, site):
    """The page's description, else its home page's in the page's language: search engines are
    told something of every page (the search page, a pledge register, …)."""
    description = page_description(page)
    if description or site is None or page.pk == site.root_page_id:
        return description
    home = site.root_page.get_translations(inclusive=True).filter(locale_id=page.locale_id).first()
    return page_description(home.specific) if home else ""


def page_image(page):
    """The page's own image, or None (then the site's share card image)."""
    for field in IMAGE_FIELDS:
        if getattr(page, f"{field}_id", None):
            return getattr(page, field)
    return None
