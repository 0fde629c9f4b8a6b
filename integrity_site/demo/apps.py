from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo site: real facts of the 诚信历下 programme, built the way editors build pages."""

    name = "integrity_site.demo"
    label = "demo"
    verbose_name = _("Demo content")
