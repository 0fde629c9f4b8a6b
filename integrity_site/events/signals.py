from django.dispatch import receiver
from wagtail.signals import page_published

from .models import EventPage
from .services import promote_waiting_list


@receiver(page_published)
def promote_waiting_list_after_publishing(sender, instance, **kwargs):
    """An editor who adds seats (or a role's places) moves people up the waiting list."""
    if isinstance(instance, EventPage) and instance.registration_enabled and instance.is_upcoming:
        promote_waiting_list(instance)
