"""The elder-friendly mode (适老化): larger text, higher contrast, larger touch targets, no motion.

A visitor switches it on or off with the form in the header of every page: a POST to
``elder-mode/`` that sets (or deletes) a cookie and sends the visitor back to the page, so it
works without JavaScript, and the choice lasts across pages and visits.

Pages stay the same for every visitor, so the page cache and a CDN keep one copy of each: the
mode comes from the stylesheet at ``elder-mode.css``, which every page links and whose answer
depends on the cookie (the rules of ``static/css/elder-mode.css``, or nothing). That answer is
private (``Cache-Control: private, no-cache``, ``Vary: Cookie``): no shared cache keeps it, and
the browser asks again (a 304 when nothing changed) on every page.
"""

import hashlib
import re
from functools import lru_cache

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import transaction
from django.http import HttpResponse, HttpResponseRedirect
from django.templatetags.static import static
from django.utils.cache import patch_vary_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import condition, require_POST, require_safe

COOKIE = "elder_mode"
ON = "on"
COOKIE_SECONDS = 365 * 24 * 3600
STYLESHEET = "css/elder-mode.css"


def is_on(request):
    return request.COOKIES.get(COOKIE) == ON


def redirect_target(request):
    """Where to go after switching: the page the form was on, from the Referer the browser sends
    to the site itself (Referrer-Policy: same-origin), or ``next`` when a form gives one, when it
    is on this site; otherwise the home page. Never another host."""
    host = request.get_host()
    for candidate in (request.POST.get("next", ""), request.META.get("HTTP_REFERER", "")):
        if candidate and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={host}, require_https=request.is_secure()
        ):
            return candidate
    return "/"


# A display preference, not an action on anyone's data: a forged request could only switch the
# mode. Exempt from CSRF so that the form works on cached pages, which carry no token. No
# transaction: it touches no database (on SQLite a POST's transaction takes the write lock).
@csrf_exempt
@transaction.non_atomic_requests
@require_POST
def switch(request):
    response = HttpResponseRedirect(redirect_target(request))
    response.status_code = 303  # See Other: the page is fetched again with GET
    if request.POST.get("mode") == ON:
        response.set_cookie(
            COOKIE, ON, max_age=COOKIE_SECONDS, samesite="Lax", httponly=True, secure=request.is_secure()
        )
    else:
        response.delete_cookie(COOKIE, samesite="Lax")
    return response


def _read_rules():
    """The stylesheet's text, its images (``url("../img/…")``, relative to the static file) named
    by their static URLs, since it is served from another address."""
    path = finders.find(STYLESHEET)
    with open(path, encoding="utf-8") as file:
        text = file.read()
    return re.sub(r'url\("\.\./([^"]+)"\)', lambda match: f'url("{static(match.group(1))}")', text)


_cached_rules = lru_cache(maxsize=1)(_read_rules)


def rules():
    """The mode's CSS; read once per process (every time while developing)."""
    return _read_rules() if settings.DEBUG else _cached_rules()


def _stylesheet_body(request):
    return rules() if is_on(request) else "/* elder-friendly mode off */\n"


def _etag(request):
    return hashlib.md5(_stylesheet_body(request).encode("utf-8"), usedforsecurity=False).hexdigest()


@require_safe
@condition(etag_func=_etag)
def stylesheet(request):
    response = HttpResponse(_stylesheet_body(request), content_type="text/css; charset=utf-8")
    response["Cache-Control"] = "private, no-cache"
    patch_vary_headers(response, ["Cookie"])
    return response
