"""Translating pages and snippets through wagtail-localize, as an editor does in
the admin: submit the object for translation, fill in its strings, publish."""

from django.db import transaction
from wagtail.models import DraftStateMixin, Locale, Page
from wagtail_localize.models import StringSegment, StringTranslation, Translation, TranslationSource


@transaction.atomic
def translate_object(instance, locale, translations, user=None):
    """Create or update the ``locale`` translation of a page or translatable snippet.

    ``translations`` maps source strings to their translation; a source string
    without one keeps the source text (wagtail-localize's fallback). Related
    translatable objects (snippets the page uses) are translated first, with the
    same strings. Returns the translated object.
    """
    if isinstance(instance, Page):
        instance = instance.specific
    instance.refresh_from_db()
    # Refresh the source so that an object edited since it was last submitted is
    # translated as it is now.
    source, _created = TranslationSource.update_or_create_from_instance(instance)
    for related in source.relatedobjectsegment_set.all():
        related_instance = related.object.get_instance(instance.locale)
        if not related_instance.get_translations().filter(locale=locale).exists():
            translate_object(related_instance, locale, translations, user=user)

    translation, _created = Translation.objects.update_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    segments = StringSegment.objects.filter(source=source).select_related("string", "context")
    for segment in segments:
        text = translations.get(segment.string.data)
        if text:
            StringTranslation.objects.update_or_create(
                translation_of=segment.string,
                locale=locale,
                context=segment.context,
                defaults={
                    "data": text,
                    "last_translated_by": user,
                    "translation_type": StringTranslation.TRANSLATION_TYPE_MANUAL,
                },
            )

    # wagtail-localize publishes on commit, from a revision holding the tree
    # position of that moment; publishing here keeps later child pages reachable.
    # Snippets without drafts (venues, speakers) can only be saved published.
    translation.save_target(user=user, publish=not isinstance(instance, DraftStateMixin))
    translated = instance.get_translation(locale)
    if isinstance(translated, DraftStateMixin) and getattr(instance, "live", False):
        translated.get_latest_revision().publish(user=user)
        translated.refresh_from_db()
    return translated


def source_page(page):
    """``page`` in the default language (the source of its translations), where residents'
    records about it are kept, so that every language counts the same ones; ``page`` itself
    when it has no such translation."""
    default_locale = Locale.get_default()
    if page.locale_id == default_locale.pk:
        return page
    source = page.get_translation_or_none(default_locale)
    return source.specific if source is not None else page
