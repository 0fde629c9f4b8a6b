from django import template

register = template.Library()


@register.filter
def grouped(value):
    """1024 → 1,024, in both languages (Django's Chinese formats group nothing)."""
    return f"{int(value or 0):,}"
