from django.dispatch import receiver
from wagtail.models import Locale
from wagtail.signals import page_published

from .models import CampaignPage
from .signing import record_text_version


@receiver(page_published)
def record_initiative_text_version(sender, instance, **kwargs):
    """A campaign published with a changed initiative text has a new version (第n版). Only the
    page in the default language keeps versions: signatures belong to it."""
    if isinstance(instance, CampaignPage) and instance.locale_id == Locale.get_default().pk:
        record_text_version(instance)
