from django import template

from integrity_site.core import admin_display

register = template.Library()

# A filter that expects local time would be handed a converted value; ``readable`` converts
# itself, so that the same rule serves Python code and templates.
register.filter("readable", admin_display.readable)
