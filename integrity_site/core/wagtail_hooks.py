# Wagtail loads ``<app>.wagtail_hooks``; the registration mechanism keeps its own hooks.
from .registration import wagtail_hooks  # noqa: F401
