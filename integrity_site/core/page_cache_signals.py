"""What drops cached pages when editors change content: Wagtail's page signals, view
restrictions, the site settings, sites and locales, and snippets. Apps that know further
dependent pages say so through ``page_cache.DEPENDENT_PAGES_HOOK`` or call its purge
functions from their own services (registrations, pledges, feed imports)."""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver
from wagtail.models import DraftStateMixin, Locale, Page, PageViewRestriction, Site
from wagtail.signals import (
    page_published,
    page_slug_changed,
    page_unpublished,
    post_page_move,
    pre_page_move,
    published,
    unpublished,
)

from . import page_cache
from .models import SiteSettings


@receiver(page_published)
def purge_published_page(sender, instance, **kwargs):
    page_cache.purge_page(instance)


@receiver(page_unpublished)
def purge_unpublished_page(sender, instance, **kwargs):
    page_cache.purge_page(instance, subtree=True)


@receiver(pre_page_move)
def purge_page_before_move(sender, instance, **kwargs):
    """Its old addresses, and those of everything below it."""
    page_cache.purge_page(instance, subtree=True)


@receiver(post_page_move)
def purge_page_after_move(sender, instance, **kwargs):
    """Its new place: the new parent's listing."""
    page_cache.purge_page(instance, subtree=True)


@receiver(page_slug_changed)
def purge_old_page_address(sender, instance, instance_before, **kwargs):
    purge = page_cache.Purge()
    purge.add_page_tree(instance_before)
    purge.send()


@receiver(post_delete)
def purge_deleted_page(sender, instance, **kwargs):
    # A page is deleted as its Page row and its specific row: act once, on the specific one.
    if isinstance(instance, Page) and sender is (instance.specific_class or Page):
        page_cache.purge_page(instance, subtree=True)


@receiver(post_save, sender=PageViewRestriction)
@receiver(post_delete, sender=PageViewRestriction)
def purge_restricted_pages(sender, instance, **kwargs):
    page = Page.objects.filter(pk=instance.page_id).first()
    if page is not None:
        page_cache.purge_page(page, subtree=True)


@receiver(post_save, sender=SiteSettings)
@receiver(post_save, sender=Site)
@receiver(post_delete, sender=Site)
@receiver(post_save, sender=Locale)
@receiver(post_delete, sender=Locale)
def purge_every_page(sender, raw=False, created=False, **kwargs):
    """The footer, the site's roots and the languages are on every page. (Site settings are
    created with their defaults the first time a page reads them: nothing changes then.)"""
    if not raw and not (created and sender is SiteSettings):
        page_cache.purge_everything()


def _snippet_models():
    from wagtail.snippets.models import get_snippet_models

    return get_snippet_models()


@receiver(post_save)
@receiver(post_delete)
def purge_after_snippet_change(sender, instance, raw=False, **kwargs):
    """A snippet without drafts (a venue, a speaker) is live as it is saved: the pages that show
    it go (topic: its model label, e.g. ``lectures.speaker``; everything, when no app names
    them)."""
    if raw or isinstance(instance, (Page, DraftStateMixin)) or sender not in _snippet_models():
        return
    page_cache.purge_topic(sender._meta.label_lower)


@receiver(published)
@receiver(unpublished)
def purge_after_snippet_publishing(sender, instance, **kwargs):
    """A snippet with drafts (the pledge text) changes the site when it is published."""
    if not isinstance(instance, Page):
        page_cache.purge_topic(sender._meta.label_lower)
