from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PublicityConfig(AppConfig):
    name = "publicity"
    verbose_name = _("Publicity data")

    def ready(self):
        from publicity import subjects  # noqa: F401 (registers honour entries for the cross-check)
