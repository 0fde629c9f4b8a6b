from django import template

from integrity_site.core.credit_review import task_hits

register = template.Library()


@register.simple_tag
def credit_check_hits(task_state):
    """The hits of a credit check step, for its moderation dialogue."""
    return task_hits(task_state)
