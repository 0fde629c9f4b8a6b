"""`manage.py set_site_url URL`: the configured base URL of the default site (Wagtail's Site
record), from which e-mails, feeds, the sitemap, QR codes and JSON build their links."""

from urllib.parse import urlsplit

from django.core.management.base import BaseCommand, CommandError
from wagtail.models import Site

# What Wagtail's first migration creates, which nobody serves.
WAGTAIL_DEFAULT = ("localhost", 80)


class Command(BaseCommand):
    help = (
        "Set the default site's base URL (scheme, host, port), e.g. https://credit.example.gov.cn "
        "or http://127.0.0.1:8000. With --if-unset only while the site still has Wagtail's "
        "initial localhost:80, so that a base URL set in the admin is kept."
    )

    def add_arguments(self, parser):
        parser.add_argument("url")
        parser.add_argument("--if-unset", action="store_true")

    def handle(self, url, if_unset=False, **options):
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise CommandError(f"Give a base URL such as https://credit.example.gov.cn, not {url!r}.")
        port = parts.port or (443 if parts.scheme == "https" else 80)
        if (parts.scheme == "https") != (port == 443):
            # Wagtail's Site derives the scheme from the port (root_url).
            raise CommandError("HTTPS is served on port 443 and plain HTTP on any other port.")
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            raise CommandError("There is no default site (run migrate first).")
        if if_unset and (site.hostname, site.port) != WAGTAIL_DEFAULT:
            self.stdout.write(f"The site's base URL stays {site.root_url}.")
            return
        site.hostname, site.port = parts.hostname, port
        site.save()
        Site.clear_site_root_paths_cache()
        self.stdout.write(f"The site's base URL is now {site.root_url}.")
