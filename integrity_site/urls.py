from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.urls import include, path
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.contrib.sitemaps.views import sitemap
from wagtail.documents import urls as wagtaildocs_urls

from integrity_site.api import api_router
from integrity_site.core import elder_mode, fresh_forms, page_cache
from integrity_site.core.sitemap import SiteSitemap
from integrity_site.health import healthz
from integrity_site.robots import favicon, robots_txt

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", include(wagtailadmin_urls)),
    path("api/v2/", api_router.urls),
    path("documents/", include(wagtaildocs_urls)),
    # Computed once per change: the page cache keeps it, and drops it whenever a page changes.
    path("sitemap.xml", page_cache.cacheable(sitemap), {"sitemaps": {"pages": SiteSitemap}}, name="sitemap"),
    path("robots.txt", page_cache.cacheable(robots_txt), name="robots_txt"),
    path("favicon.ico", favicon, name="favicon"),
    # The CSRF token for forms on cached pages (core/fresh_forms.py).
    path("csrf/", fresh_forms.csrf_token_view, name="csrf_token"),
    # The elder-friendly mode: the switch in every page's header, and its per-visitor stylesheet.
    path("elder-mode/", elder_mode.switch, name="elder_mode_switch"),
    path("elder-mode.css", elder_mode.stylesheet, name="elder_mode_stylesheet"),
]

if settings.DEBUG:
    from django.conf.urls.static import static
    from django.contrib.staticfiles.urls import staticfiles_urlpatterns

    urlpatterns += staticfiles_urlpatterns()
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
elif getattr(settings, "SERVE_MEDIA", False):
    # One machine without a web server in front (`make serve`): images from MEDIA_ROOT. Documents
    # go through Wagtail's view, which checks their privacy, never straight from the disk.
    from django.urls import re_path
    from django.views.static import serve

    urlpatterns += [
        re_path(r"^media/(?!documents/)(?P<path>.+)$", serve, {"document_root": settings.MEDIA_ROOT}),
    ]

# Chinese pages live at /, English ones at /en/ (the default language carries no prefix).
urlpatterns += i18n_patterns(
    # Private registration links (view or cancel), before Wagtail's catch-all.
    path("", include("integrity_site.events.urls")),
    # The short verification address of pledge certificates (/v/<number>/), printed as a QR code.
    path("", include("pledges.urls")),
    path("", include(wagtail_urls)),
    prefix_default_language=False,
)
