"""Forms on cached pages: the copy that the page cache keeps for everyone holds no CSRF token
and no one-off form token (``{% csrf_field %}`` and ``{% fresh_hidden %}`` in
``core/templatetags/fresh_forms.py`` leave them empty), so:

- with JavaScript, ``core/static/core/fresh-form.js`` fetches a token from ``/csrf/`` (this
  module's never-cached ``csrf_token_view``) when the form is first used, fills the empty
  fields and sends the form;
- without JavaScript, the form arrives without a token. Django's CSRF check refuses it and calls
  ``csrf_failure`` (``CSRF_FAILURE_VIEW``), which, for a page, renders that page again as for a
  GET (nothing is saved) with a fresh token, what was typed filled back in
  (``refill_initial``) and a note asking to check and send again. The second submission
  carries the token and goes through as usual.

Only a refused token (missing cookie or token, a wrong or malformed one) leads there; a request
from another origin (``Origin`` or ``Referer`` checks) gets Django's 403 as before.
"""

from django.http import JsonResponse, QueryDict
from django.middleware.csrf import get_token
from django.urls import Resolver404, resolve
from django.utils.cache import add_never_cache_headers
from django.views.csrf import csrf_failure as django_csrf_failure

REFILL_ATTRIBUTE = "fresh_form_refill"
TOKEN_FIELDS = {"csrfmiddlewaretoken"}


def csrf_token_view(request):
    """A CSRF token for the form on a cached page (and its cookie). Never cached."""
    response = JsonResponse({"token": get_token(request)})
    add_never_cache_headers(response)
    return response


def _token_refused(reason):
    return reason.startswith(("CSRF cookie", "CSRF token"))


def _page_view(request):
    from wagtail.views import serve as wagtail_serve  # it loads models: not at import time

    try:
        match = resolve(request.path_info, getattr(request, "urlconf", None))
    except Resolver404:
        return None
    return match if match.func is wagtail_serve else None


def csrf_failure(request, reason="", template_name=None):
    """A page form sent without a valid token: the page again, filled in, with a token."""
    match = _page_view(request) if request.method == "POST" and _token_refused(reason) else None
    if match is None:
        if template_name is None:
            return django_csrf_failure(request, reason=reason)
        return django_csrf_failure(request, reason=reason, template_name=template_name)
    refill = request.POST.copy()
    # From here on the request is a GET: whatever the page does with a POST is not done.
    request.method = "GET"
    request.POST = QueryDict()
    setattr(request, REFILL_ATTRIBUTE, refill)
    response = match.func(request, *match.args, **match.kwargs)
    add_never_cache_headers(response)
    return response


def is_refill(request):
    return getattr(request, REFILL_ATTRIBUTE, None) is not None


def refill_initial(request):
    """What a visitor typed into a form that came back for a token, as a form's ``initial``
    (empty values and tokens left out, so that fresh ones are drawn)."""
    data = getattr(request, REFILL_ATTRIBUTE, None)
    if not data:
        return {}
    return {key: value for key, value in data.items() if value and key not in TOKEN_FIELDS}
