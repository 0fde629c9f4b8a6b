from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = _("Campaigns and volunteer actions")

    def ready(self):
        from . import signals  # noqa: F401  (records the initiative text versions)
