from django import template

from integrity_site.core.links import absolute_url
from integrity_site.core.share import page_description

register = template.Library()


@register.filter
def grouped(value):
    """1024 → 1,024, in both languages (Django's Chinese formats group nothing)."""
    return f"{int(value or 0):,}"


@register.inclusion_tag("campaigns/signing/share.html")
def share_box(page):
    """The page's public link, and the button that static/campaigns/share.js shows: the title and
    summary are those of the page's share card (core.share)."""
    return {
        "url": absolute_url(page.url, page.get_site()),
        "title": getattr(page, "seo_title", "") or page.title,
        "text": page_description(page),
    }
