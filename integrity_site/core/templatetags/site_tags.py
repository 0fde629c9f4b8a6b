from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.translation import get_language
from wagtail.admin.templatetags.wagtailuserbar import wagtailuserbar
from wagtail.models import Locale, Page, Site

from integrity_site.core.links import absolute_url
from integrity_site.core.models import SiteSettings
from integrity_site.core.search_sections import search_page_types
from integrity_site.core.share import description_or_home, page_image

register = template.Library()


def _site_root(request):
    """The site's home page in the current language; looked up once per request and language
    (the header, the navigation and the language links all ask)."""
    if request is None:
        return None
    language = get_language()
    cached = getattr(request, "_site_root", None)
    if cached is not None and cached[0] == language:
        return cached[1]
    site = Site.find_for_request(request)
    root = site.root_page.localized if site is not None else None
    request._site_root = (language, root)
    return root


@register.simple_tag(takes_context=True)
def editor_userbar(context, position="bottom-right"):
    """Wagtail's user bar, for visitors with a session only: asking anyone else who they are
    would read the session, and a page that did so could not be cached for everyone."""
    request = context.get("request")
    if request is None or settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return ""
    return wagtailuserbar(context, position)


@register.simple_tag(takes_context=True)
def site_root(context):
    return _site_root(context.get("request"))


def _root_children(request):
    """The live pages right below the site root (the sections, the search page), in the current
    language: one query for the navigation and the header's search form."""
    root = _site_root(request)
    if root is None:
        return []
    cached = getattr(request, "_root_children", None)
    if cached is not None and cached[0] == root.pk:
        return cached[1]
    children = list(root.get_children().live())
    request._root_children = (root.pk, children)
    return children


@register.simple_tag(takes_context=True)
def navigation_pages(context):
    current_path = getattr(context.get("page"), "url_path", "") or ""
    items = [child for child in _root_children(context.get("request")) if child.show_in_menus]
    for item in items:
        item.is_active = current_path.startswith(item.url_path)
    return items


@register.simple_tag(takes_context=True)
def search_page(context):
    """The site search page of the current language, for the header's search form."""
    types = search_page_types()
    for child in _root_children(context.get("request")):
        if types and issubclass(child.specific_class or type(None), types):
            return child
    return None


@register.simple_tag(takes_context=True)
def site_name(context):
    """The site's name in the current language: the English name in the site settings on English
    pages, else the Wagtail site's name."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return ""
    return SiteSettings.for_request(request).display_site_name or site.site_name


@register.simple_tag(takes_context=True)
def language_links(context):
    """One link per site language: the current page's translation where it is live,
    otherwise that language's home page. Used for the switcher and hreflang links."""
    request = context.get("request")
    page = context.get("page")
    root = _site_root(request)
    current = get_language()
    locales = {locale.language_code: locale for locale in Locale.objects.all()}
    translations = {}
    if isinstance(page, Page):
        for translation in page.get_translations(inclusive=True).live().select_related("locale"):
            translations[translation.locale.language_code] = translation
    # A route below the page (the pledge register, a certificate) has its own English version:
    # the same route below the page's translation.
    route = ""
    if request is not None and isinstance(page, Page) and translations:
        own_url = page.get_url(request) or ""
        if own_url and request.path.startswith(own_url):
            route = request.path[len(own_url) :]
    links = []
    for code, name in settings.LANGUAGES:
        target = translations.get(code)
        if target is None and root is not None and code in locales:
            target = root.get_translations(inclusive=True).live().filter(locale=locales[code]).first()
        if target is None:
            continue
        # Built from the request: the switcher and hreflang name the host the visitor reached.
        path = target.get_url(request) + (route if code in translations else "")
        url = request.build_absolute_uri(path) if request else target.url
        links.append(
            {
                "code": code,
                "name": name,
                "url": url,
                "is_current": code == current,
                "is_translation": code in translations,
            }
        )
    return links


@register.inclusion_tag("includes/share_meta.html", takes_context=True)
def share_meta(context):
    """The description, canonical link and share card (Open Graph, Twitter) of the page shown.
    Links in them leave the site (search engines, WeChat): the configured base URL."""
    request = context.get("request")
    page = context.get("page")
    if not isinstance(page, Page):
        return {"description": "", "canonical": "", "site_name": "", "image_url": ""}
    page = page.specific
    site = page.get_site()
    image = page_image(page)
    image_url = image.file.url if image is not None else static("img/share-card.png")
    return {
        "title": getattr(page, "seo_title", "") or page.title,
        "description": description_or_home(page, site),
        "canonical": page.get_full_url(request),
        "site_name": site_name(context),
        "type": "article" if getattr(page, "date", None) or getattr(page, "start_at", None) else "website",
        "locale": "zh_CN" if get_language() == settings.LANGUAGE_CODE else "en_US",
        "image_url": absolute_url(image_url, site),
        "image_alt": image.title if image is not None else "",
    }
