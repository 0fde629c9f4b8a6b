from django.db.models.signals import post_save
from django.dispatch import receiver
from wagtail.models import Page

from .sections import grant_section_permissions


@receiver(post_save)
def grant_section_permissions_on_new_index_page(sender, instance, created, raw=False, **kwargs):
    if created and not raw and isinstance(instance, Page) and getattr(instance, "editor_section", None):
        grant_section_permissions(instance)
