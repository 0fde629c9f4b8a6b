"""``{% responsive_image image "fill-{480x270,960x540}" sizes="…" loading="lazy" %}``: Wagtail's
``srcset_image`` (its renditions, its ``ResponsiveImage`` and ``<img>``), with one candidate per
width. Wagtail never enlarges an image, so an original narrower than the widest rendition gives
several renditions of its own width, and an ``srcset`` that names one width twice is invalid HTML."""

from django import template
from wagtail.images.models import Filter, ResponsiveImage

register = template.Library()


@register.simple_tag
def responsive_image(image, specs, **attrs):
    if not image:
        return ""
    renditions = image.get_renditions(*Filter.expand_spec(specs))
    by_width = {}
    for spec, rendition in renditions.items():
        by_width.setdefault(rendition.width, (spec, rendition))
    # As with srcset_image, the first spec's rendition is the <img> itself (src, width, height).
    unique = dict(by_width.values())
    attrs = {name.replace("_", "-"): value for name, value in attrs.items()}
    if len(unique) == 1:
        # One candidate: Wagtail writes no srcset, and sizes without srcset is invalid HTML.
        attrs.pop("sizes", None)
    return ResponsiveImage(unique, attrs)
