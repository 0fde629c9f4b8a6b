"""Absolute links for output that leaves the site: e-mails, feeds, JSON, QR codes, links to keep.

They come from the configured base URL of the page's site (Wagtail's Site record: hostname and
port; `manage.py set_site_url` sets it, and `make run`/`make serve` set it to what they serve on a
fresh install), never from the Host header of whichever request happened to produce them, so that
every such link names the same host. Links inside the site's own pages stay relative or are built
from the request.
"""

from wagtail.models import Site


def absolute_url(path, site=None):
    """``path`` (``/v/ABC/``) as an absolute link on ``site`` (default: the default site). A path
    that is already absolute (a page of another site) is returned as it is."""
    if path.startswith(("http://", "https://")):
        return path
    site = site or Site.objects.filter(is_default_site=True).first()
    if site is None:
        return path
    return site.root_url.rstrip("/") + path
