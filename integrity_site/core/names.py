"""Names that the site publishes (masked or not) and exports: the name rule of ``core.text``,
and no web addresses or spreadsheet formulas. One rule for merchants, signatories and signers."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .spreadsheets import looks_like_formula
from .text import validate_name_text

URL_PATTERN = re.compile(r"(https?://|www\.|\b[\w-]+\.(com|cn|net|org|top|xyz|info|io)\b)", re.IGNORECASE)


def validate_plain_name(value):
    """Names are shown in public pages and exported to spreadsheets: text only (the site's name
    rule: no control or invisible characters), no links, no formulas."""
    validate_name_text(value)
    if URL_PATTERN.search(value):
        raise ValidationError(_("Please give the name without web addresses."), code="url")
    if looks_like_formula(value):
        raise ValidationError(_("A name cannot start with = + - or @."), code="formula")


def clean_plain_name(value):
    """A form's name field: trimmed, then the rule above."""
    name = (value or "").strip()
    validate_plain_name(name)
    return name


def clean_plain_message(value, url_message, formula_message):
    """A short free text that editors read and export (a signer's message, a merchant's note):
    whitespace collapsed, the name rule, no web addresses and no formula start, each refused with
    the form's own message."""
    message = " ".join((value or "").split())
    if not message:
        return ""
    validate_name_text(message)
    if URL_PATTERN.search(message):
        raise ValidationError(url_message, code="url")
    if looks_like_formula(message):
        raise ValidationError(formula_message, code="formula")
    return message
