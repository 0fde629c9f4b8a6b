from django.contrib.auth.models import Permission
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.log_actions import LogFormatter

from . import page_cache
from .credit_review import OVERRIDE_LOG_ACTION


@hooks.register("before_serve_page")
def mark_cacheable_page_routes(page, request, serve_args, serve_kwargs):
    """A page's own view may be kept by the page cache; of a routable page's other routes,
    those marked ``page_cache.cacheable``."""
    page_cache.mark_page_route(request, page, serve_args)


@hooks.register("register_log_actions")
def register_credit_check_log_actions(actions):
    @actions.register_action(OVERRIDE_LOG_ACTION)
    class CreditHitLetPass(LogFormatter):
        label = _("Let a credit check hit pass")

        def format_message(self, log_entry):
            data = log_entry.data
            return _("Credit check hit of %(party)s let pass: %(reason)s") % {
                "party": data.get("party", ""),
                "reason": data.get("reason", ""),
            }


@hooks.register("register_permissions")
def register_credit_override_permission():
    # So that Settings → Groups offers it: who may let a credit check hit pass.
    return Permission.objects.filter(content_type__app_label="core", codename="add_creditcheckoverride")
