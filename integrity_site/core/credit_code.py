"""The unified social credit code (统一社会信用代码, GB 32100-2015)."""

import operator
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
VALUES = {character: value for value, character in enumerate(ALPHABET)}
CHARACTERS = frozenset(ALPHABET)
WEIGHTS = [pow(3, i, 31) for i in range(17)]
# Individual businesses without a code carry this placeholder in publicity feeds.
INDIVIDUAL_BUSINESS_PLACEHOLDER = "00000000000000000X"


def normalize_credit_code(value):
    """Trim, fold full-width characters to half-width and upper-case."""
    return unicodedata.normalize("NFKC", value or "").strip().upper()


def check_character(first_seventeen):
    if len(first_seventeen) != len(WEIGHTS):
        raise ValueError("The check character is computed from exactly 17 characters.")
    # map() rather than a generator: the feed import checks every row's code.
    total = sum(map(operator.mul, map(VALUES.__getitem__, first_seventeen), WEIGHTS))
    return ALPHABET[(31 - total % 31) % 31]


def is_valid_credit_code(value):
    code = normalize_credit_code(value)
    if len(code) != 18 or not CHARACTERS.issuperset(code):
        return False
    return check_character(code[:17]) == code[17]


def validate_credit_code(value):
    code = normalize_credit_code(value)
    if len(code) != 18:
        raise ValidationError(
            _("A unified social credit code has 18 characters; this one has %(count)d."),
            code="length",
            params={"count": len(code)},
        )
    invalid = sorted({character for character in code if character not in VALUES})
    if invalid:
        raise ValidationError(
            _("A unified social credit code cannot contain %(characters)s."),
            code="alphabet",
            params={"characters": " ".join(invalid)},
        )
    if check_character(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character does not match; please check the code for typing errors."),
            code="check_character",
        )


def clean_credit_code(value):
    """A form's credit code field: the normal form, or the reason it is not a code."""
    code = normalize_credit_code(value)
    validate_credit_code(code)
    return code
