"""HTTP hardening: the content-security policy (strict on the site, looser in the Wagtail admin),
the Permissions-Policy header, and brute-force protection of the admin login (django-axes)."""

from axes.backends import AxesStandaloneBackend
from axes.helpers import get_cool_off, get_failure_limit
from csp.middleware import CSPMiddleware
from django.conf import settings
from django.shortcuts import render


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """django-csp with ``CONTENT_SECURITY_POLICY_ADMIN`` for paths under
    ``CONTENT_SECURITY_POLICY_ADMIN_PREFIXES``: Wagtail's admin widgets write inline scripts and
    styles, and a nonce in the policy would make browsers ignore 'unsafe-inline'."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only or parts.config is not None:
            return parts
        prefixes = tuple(getattr(settings, "CONTENT_SECURITY_POLICY_ADMIN_PREFIXES", ()))
        if prefixes and request.path_info.startswith(prefixes):
            parts.config = settings.CONTENT_SECURITY_POLICY_ADMIN
            parts.nonce = None
        return parts


class PermissionsPolicyMiddleware:
    """Switches off browser features the site never uses (``PERMISSIONS_POLICY``)."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "PERMISSIONS_POLICY", "")

    def __call__(self, request):
        response = self.get_response(request)
        if self.policy:
            response.headers.setdefault("Permissions-Policy", self.policy)
        return response


class LoginAttemptsBackend(AxesStandaloneBackend):
    """django-axes' lockout check for logins through a web request (the Wagtail admin's login
    form). ``authenticate()`` without a request, from a shell or a management command, is not a
    login attempt from the network: it goes on to the next backend unchecked instead of failing."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The page a locked-out sign-in gets (HTTP 429), in the visitor's language, Chinese first."""
    cool_off = get_cool_off(request)
    context = {
        "failure_limit": get_failure_limit(request, credentials),
        "minutes": max(1, round(cool_off.total_seconds() / 60)) if cool_off else None,
    }
    return render(request, "security/lockout.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
