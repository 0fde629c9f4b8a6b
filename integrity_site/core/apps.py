from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Primitives several apps share: content blocks, site settings, the section index
    page base and editor groups, credit codes, privacy masking, Chinese text, translation,
    the rate limiter and the spreadsheet guard. No app is imported from here."""

    name = "integrity_site.core"
    label = "core"
    verbose_name = _("Site core")

    def ready(self):
        from . import page_cache_signals, signals  # noqa: F401
