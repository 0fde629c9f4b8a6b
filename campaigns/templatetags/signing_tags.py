from django import template

from integrity_site.core.share import page_description

register = template.Library()


@register.filter
def grouped(value):
    """1024 → 1,024, in both languages (Django's Chinese formats group nothing)."""
    return f"{int(value or 0):,}"


@register.inclusion_tag("campaigns/signing/share.html", takes_context=True)
def share_box(context, page):
    """The page's public link, and the button that static/campaigns/share.js shows: the link,
    title and summary are those of the page's share card (core.share, the site's share_meta);
    the request lets Wagtail reuse the site it found for the page."""
    return {
        "url": page.get_full_url(context.get("request")),
        "title": getattr(page, "seo_title", "") or page.title,
        "text": page_description(page),
    }
