from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    """Pieces every section shares: content blocks, site settings, the event page
    base and the section editor groups. No page app is imported from here."""

    name = "integrity_site.core"
    label = "core"
    verbose_name = _("Site core")

    def ready(self):
        from . import signals  # noqa: F401
