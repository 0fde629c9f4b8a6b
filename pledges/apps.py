from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PledgesConfig(AppConfig):
    name = "pledges"
    verbose_name = _("Integrity pledges")

    def ready(self):
        from wagtail.signals import published

        from .records import PledgeText
        from .texts import number_published_text

        published.connect(number_published_text, sender=PledgeText, dispatch_uid="pledges_number_text")
