"""Mainland mobile numbers as people type them: one normal form, one validity rule."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

MAINLAND_MOBILE = re.compile(r"^1[3-9]\d{9}$")


def normalize_mobile(raw):
    """Digits only, without a +86 / 0086 country prefix; full-width digits folded."""
    text = (raw or "").translate({code: code - 0xFEE0 for code in range(0xFF10, 0xFF1A)})
    digits = re.sub(r"[\s\-()+]", "", text)
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11:
            digits = digits[len(prefix) :]
    return digits


def is_mainland_mobile(number):
    return bool(MAINLAND_MOBILE.match(number))


def clean_mobile(raw):
    """A form's mobile number: the normal form, or the site's one message for a wrong number."""
    number = normalize_mobile(raw)
    if not is_mainland_mobile(number):
        raise ValidationError(
            _("Please enter an 11-digit mainland China mobile number, for example 13800138000."),
            code="invalid_mobile",
        )
    return number
