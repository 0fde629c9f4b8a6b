"""The pledge page, where merchants sign and the register and certificates live. It sits on top
of the app's views; the pledges and the pledge text are ``pledges.records``."""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.api import APIField
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Locale
from wagtail.search import index

from integrity_site.core import page_cache
from integrity_site.core.blocks import BodyBlock
from integrity_site.core.models import SectionIndexPage

from . import views
from .feeds import NewPledgesFeed
from .records import Pledge, PledgeText  # noqa: F401  (the app's data models, loaded with it)


class PledgePage(RoutablePageMixin, SectionIndexPage):
    """诚信经营承诺: merchants sign the integrity pledge here; the register, certificates and
    private links live below the page. The pledges themselves are ``pledges.records``; the
    text merchants sign is the live ``PledgeText`` snippet, and ``pledge_text`` here introduces it
    (shown on its own while no pledge text is published)."""

    pledge_text = StreamField(BodyBlock(), verbose_name=_("pledge text"))

    content_panels = SectionIndexPage.content_panels + [FieldPanel("pledge_text")]
    search_fields = SectionIndexPage.search_fields + [index.SearchField("pledge_text")]
    api_fields = SectionIndexPage.api_fields + [APIField("pledge_text")]
    subpage_types = []
    editor_section = "campaigns"

    class Meta:
        db_table = "campaigns_pledgepage"  # the table from before the page moved to this app
        verbose_name = _("pledge page")

    def get_cached_paths(self):
        return ["/", "register/", "register/json/", "feed/"]

    # The private links (confirm, withdraw) are never cached; the rest is the same for everyone.
    @path("", name="sign")
    @page_cache.cacheable
    def sign_view(self, request):
        return views.sign(request, self)

    @path("confirm/<str:token>/", name="confirm")
    def confirm_view(self, request, token):
        return views.confirm(request, self, token)

    @path("withdraw/<str:token>/", name="withdraw")
    def withdraw_view(self, request, token):
        return views.withdraw(request, self, token)

    @path("register/", name="register")
    @page_cache.cacheable
    def register_view(self, request):
        return views.register(request, self)

    @path("register/json/", name="register_json")
    @page_cache.cacheable
    def register_json_view(self, request):
        return views.register_json(request, self)

    @path("feed/", name="feed")
    @page_cache.cacheable
    def feed_view(self, request):
        return NewPledgesFeed(self)(request)

    @path("certificate/<str:number>/", name="certificate")
    @page_cache.cacheable
    def certificate_view(self, request, number):
        return views.certificate(request, self, number)


def pledge_page(locale=None):
    """The live pledge page in ``locale`` (the default language when none is given), else the
    one in any language."""
    pages = PledgePage.objects.live().order_by("pk")
    return pages.filter(locale=locale or Locale.get_default()).first() or pages.first()
