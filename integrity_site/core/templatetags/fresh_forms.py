"""Form fields that the page cache must not freeze into a copy shown to everyone
(see ``core.fresh_forms``)."""

from django import template
from django.middleware.csrf import get_token
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from integrity_site.core import page_cache
from integrity_site.core.fresh_forms import is_refill

register = template.Library()


@register.simple_tag(takes_context=True)
def csrf_field(context):
    """``{% csrf_token %}`` for forms on cacheable pages: empty in a copy that the page cache
    keeps (the form's script fills it in), the visitor's own token otherwise."""
    request = context.get("request")
    if request is None:
        return ""
    if page_cache.will_store(request):
        return mark_safe('<input type="hidden" name="csrfmiddlewaretoken" value="" data-csrf-token>')
    field = format_html(
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}" data-csrf-token>', get_token(request)
    )
    if is_refill(request):
        notice = _(
            "Your form has not been sent yet: it needed a security code, which is now added. "
            "Please check what you entered and send it again."
        )
        return format_html('<p class="notice" role="status">{}</p>{}', notice, field)
    return field


@register.simple_tag(takes_context=True)
def fresh_hidden(context, bound_field):
    """A hidden field whose value is drawn for each visitor (a submission token): empty in a
    copy that the page cache keeps, where the form's script draws one."""
    request = context.get("request")
    if request is not None and page_cache.will_store(request):
        return format_html(
            '<input type="hidden" name="{}" value="" id="{}" data-fresh-token>',
            bound_field.html_name,
            bound_field.auto_id,
        )
    return bound_field.as_hidden()
