from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.snippets.models import register_snippet
from wagtail.snippets.views.snippets import SnippetViewSet

from integrity_site.core import page_cache

from .models import LectureIndexPage, Speaker


class SpeakerViewSet(SnippetViewSet):
    model = Speaker
    icon = "user"
    menu_label = _("Speakers")
    list_display = ["name", "title", "organisation"]
    list_filter = ["locale"]
    search_fields = ["name", "organisation"]


register_snippet(SpeakerViewSet)


@hooks.register(page_cache.DEPENDENT_PAGES_HOOK)
def pages_showing_speakers(topic):
    """Speakers (this app's snippet) appear on the lecture pages and their index."""
    return LectureIndexPage.objects.all() if topic == "lectures.speaker" else []
