"""`/robots.txt`, naming the sitemap, and `/favicon.ico`, which browsers ask for on every visit."""

from django.http import HttpResponse, HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import reverse
from wagtail.models import Site

from integrity_site.core.links import absolute_url

# Never for search engines: the admin, private registration links, the token endpoint.
DISALLOWED = ("/admin/", "/registrations/", "/en/registrations/", "/csrf/")


def robots_txt(request):
    sitemap = absolute_url(reverse("sitemap"), Site.find_for_request(request))
    lines = ["User-agent: *", *(f"Disallow: {path}" for path in DISALLOWED), f"Sitemap: {sitemap}"]
    return HttpResponse("\n".join(lines) + "\n", content_type="text/plain; charset=utf-8")


def favicon(request):
    return HttpResponsePermanentRedirect(static("img/favicon.ico"))
