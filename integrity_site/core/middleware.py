"""Requests under contention: every change in one transaction, and "please try again" (HTTP 503
with Retry-After) instead of a server error when the database stays busy.

``AtomicWritesMiddleware`` (last in ``MIDDLEWARE``) runs each view of a POST, PUT, PATCH or DELETE
in one transaction, as ``ATOMIC_REQUESTS`` would, so that a failed admin action (a page copy, a
new article) leaves nothing half-made. Reading requests are left alone: on SQLite every
transaction takes the write lock when it begins, and reads need none. A view marked with
``transaction.non_atomic_requests`` manages its own transactions.

``DatabaseBusyMiddleware`` (near the top) answers a request that failed because the database was
busy, in the view or in a middleware below it (a session being saved), with the "busy" page:
the site's own page in the visitor's language, or a plain one in the admin.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import transaction
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation
from django.utils.cache import add_never_cache_headers

from .busy import is_database_busy

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 5
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SITE_TEMPLATE = "busy.html"
PLAIN_TEMPLATE = "busy_plain.html"


def is_admin_request(request):
    try:
        prefix = reverse("wagtailadmin_home")
    except NoReverseMatch:
        return False
    return request.path.startswith(prefix)


def admin_language(request):
    """The language the editor chose for the admin, where it can be read."""
    try:
        profile = request.user.wagtail_userprofile
        return profile.get_preferred_language()
    except Exception:  # noqa: BLE001 - anonymous, no profile, or the database cannot answer
        return None


def busy_response(request, rolled_back=False):
    """The "busy, please try again" page: status 503 with Retry-After, never cached.
    ``rolled_back``: the request's changes were all undone (the page then says so)."""
    admin = is_admin_request(request)
    language = (admin and admin_language(request)) or getattr(request, "LANGUAGE_CODE", None)
    language = language or translation.get_language()
    context = {"retry_after": RETRY_AFTER_SECONDS, "rolled_back": rolled_back}
    with translation.override(language):
        content = None
        if not admin:
            try:
                # The site's page reads the navigation from the database, which may be what is
                # failing: then the plain page.
                content = render_to_string(SITE_TEMPLATE, {**context, "request": request}, request=request)
            except Exception:  # noqa: BLE001 - any failure here falls back to the plain page
                logger.warning(
                    "The busy page could not be drawn; answering with the plain one", exc_info=True
                )
        if content is None:
            content = render_to_string(PLAIN_TEMPLATE, context)
    response = HttpResponse(content, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response["Content-Language"] = language
    add_never_cache_headers(response)
    return response


def _note_busy_database(sender, request=None, **kwargs):
    """Django turns an exception into a server error before an outer middleware sees it; this
    receiver of ``got_request_exception`` marks the request whose exception was a busy database,
    so that DatabaseBusyMiddleware can answer it."""
    error = sys.exc_info()[1]
    if request is not None and is_database_busy(error):
        request.database_busy = True


got_request_exception.connect(_note_busy_database, dispatch_uid="integrity_site.core.busy_database")


def log_busy(request, error):
    logger.warning("The database was busy: %s %s answered 503 (%s)", request.method, request.path, error)


class DatabaseBusyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code == 500 and getattr(request, "database_busy", False):
            log_busy(request, "raised outside the view")
            return busy_response(request)
        return response

    def process_exception(self, request, exception):
        if is_database_busy(exception):
            log_busy(request, exception)
            return busy_response(request)
        return None


class AtomicWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if request.method in SAFE_METHODS or getattr(view_func, "_non_atomic_requests", None):
            return None
        try:
            with transaction.atomic():
                response = view_func(request, *view_args, **view_kwargs)
        except Exception as error:
            # Rolled back. Django passes an exception raised here to no process_exception (none of
            # the middlewares has one but DatabaseBusyMiddleware), so a busy database is answered
            # here; anything else goes on to Django's own handling (404, 403, 500).
            if is_database_busy(error):
                log_busy(request, error)
                return busy_response(request, rolled_back=True)
            raise
        return response
