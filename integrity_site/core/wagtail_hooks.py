from wagtail import hooks

from . import page_cache


@hooks.register("before_serve_page")
def mark_cacheable_page_routes(page, request, serve_args, serve_kwargs):
    """A page's own view may be kept by the page cache; of a routable page's other routes,
    those marked ``page_cache.cacheable``."""
    page_cache.mark_page_route(request, page, serve_args)
