"""Wagtail's API v2, read-only, for partner platforms (the 信用济南 board, WeChat accounts):
`/api/v2/pages/` (filter with `?type=home.ArticlePage`, `?locale=en`, `?fields=…`), `/api/v2/images/`
and `/api/v2/documents/`. Only live, public pages; documents of private collections are left out;
registrations and pledges are not pages, so nothing personal is reachable."""

from wagtail.api.v2.router import WagtailAPIRouter
from wagtail.api.v2.views import PagesAPIViewSet
from wagtail.documents.api.v2.views import DocumentsAPIViewSet
from wagtail.images.api.v2.views import ImagesAPIViewSet
from wagtail.models import CollectionViewRestriction


class PublicDocumentsAPIViewSet(DocumentsAPIViewSet):
    """Wagtail's document endpoint lists every document; documents kept in a collection with a
    view restriction (password, login, groups) are private and stay out."""

    def get_queryset(self):
        restricted = CollectionViewRestriction.objects.values_list("collection__path", flat=True)
        queryset = super().get_queryset()
        for path in restricted:
            queryset = queryset.exclude(collection__path__startswith=path)
        return queryset


api_router = WagtailAPIRouter("wagtailapi")
api_router.register_endpoint("pages", PagesAPIViewSet)
api_router.register_endpoint("images", ImagesAPIViewSet)
api_router.register_endpoint("documents", PublicDocumentsAPIViewSet)
