from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Integrity pledges")

    def ready(self):
        from pledges import cross_check  # noqa: F401 (registers active pledges as cross-check subjects)
