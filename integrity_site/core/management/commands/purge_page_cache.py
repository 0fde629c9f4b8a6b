from django.core.management.base import BaseCommand

from integrity_site.core import page_cache


class Command(BaseCommand):
    help = (
        "Drop every page the page cache (and the front-end cache, when configured) holds. "
        "Run it after deploying new templates or code: cached pages were rendered by the old ones."
    )

    def handle(self, *args, **options):
        if not (page_cache.is_enabled() or page_cache.frontend_cache_configured()):
            self.stdout.write(
                "The page cache is off (PAGE_CACHE_SECONDS=0) and no front-end cache is configured."
            )
            return
        page_cache.purge_everything()
        self.stdout.write("Every cached page has been dropped.")
