"""QR codes made here, not by a web service: the certificate prints without a network."""

import segno
from django.utils.safestring import mark_safe


def qr_svg(data):
    """An inline SVG QR code; ``M`` error correction survives a smudged print-out."""
    code = segno.make(data, error="m", micro=False)
    return mark_safe(code.svg_inline(scale=4, border=2, dark="#000", light="#fff", title=data))
