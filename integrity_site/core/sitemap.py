"""The sitemap of both languages: every live, public page of the site in every locale (alias
pages left out: they repeat another page), each with its translations as hreflang alternates and
the default language as ``x-default``. Wagtail's own sitemap lists the default locale's tree only.
"""

from collections import defaultdict

from django.conf import settings
from django.db.models import Q
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Page


class SiteSitemap(Sitemap):
    def items(self):
        roots = self.get_wagtail_site().root_page.get_translations(inclusive=True)
        under_a_root = Q()
        for root in roots:
            under_a_root |= Q(path__startswith=root.path)
        return (
            Page.objects.live()
            .public()
            .filter(under_a_root, alias_of__isnull=True)
            .select_related("locale")
            .order_by("path")
            .defer_streamfields()
            .specific()
        )

    def _urls(self, page, protocol, domain):
        items = list(self.paginator.page(page).object_list)
        # The translations of this sitemap page's pages, in one query.
        translations = defaultdict(list)
        for translation in (
            Page.objects.live()
            .public()
            .filter(translation_key__in={item.translation_key for item in items}, alias_of__isnull=True)
            .select_related("locale")
            .order_by("locale__language_code")
        ):
            translations[translation.translation_key].append(translation)
        urls, last_mods = [], set()
        for item in items:
            alternates = self.alternates(translations[item.translation_key])
            for url in item.get_sitemap_urls(self.request):
                if alternates:
                    url["alternates"] = alternates
                urls.append(url)
                last_mods.add(url.get("lastmod"))
        if last_mods and None not in last_mods:
            self.latest_lastmod = max(last_mods)
        return urls

    def alternates(self, versions):
        """hreflang alternates of a page in more than one language, ``x-default`` the default's."""
        if len(versions) < 2:
            return []
        alternates = [
            {"lang_code": version.locale.language_code, "location": version.get_full_url(self.request)}
            for version in versions
        ]
        default = next((a for a in alternates if a["lang_code"] == settings.LANGUAGE_CODE), None)
        if default:
            alternates.append({"lang_code": "x-default", "location": default["location"]})
        return alternates
