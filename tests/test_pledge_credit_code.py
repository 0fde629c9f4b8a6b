"""The unified social credit code (GB 32100-2015) as the pledge form checks it."""

import pytest
from django.core.exceptions import ValidationError

from integrity_site.core.credit_code import is_valid_credit_code, normalize_credit_code, validate_credit_code
from pledges.forms import PledgeForm

VALID = ["91350100M000100Y43", "914403001922038216", "91230500MA1B3N1N2M", "11230500001755309F"]
INVALID = {
    "91350100M000100Y44": "check_character",  # wrong check character
    "914403001922038215": "check_character",
    "91230500MA1B3N1N2": "length",  # 17 characters
    "91230500MA1B3N1N2MM": "length",  # 19 characters
    "": "length",
    "91230500MA1B3N1NIM": "alphabet",  # I is not used
    "9123O500MA1B3N1N2M": "alphabet",  # nor O
    "91230500MA1B3N1NSM": "alphabet",  # nor S
    "91230500MA1B3N1NVM": "alphabet",  # nor V
    "91230500MA1B3N1NZM": "alphabet",  # nor Z
    "00000000000000000X": "check_character",  # the placeholder of feeds is not a code to pledge with
}


@pytest.mark.parametrize("code", VALID)
def test_valid_codes_pass(code):
    assert is_valid_credit_code(code)
    validate_credit_code(code)


@pytest.mark.parametrize(("code", "reason"), INVALID.items())
def test_invalid_codes_fail_with_their_reason(code, reason):
    assert not is_valid_credit_code(code)
    with pytest.raises(ValidationError) as error:
        validate_credit_code(code)
    assert error.value.code == reason


@pytest.mark.parametrize(
    "typed", [" 91350100m000100y43 ", "９１３５０１００Ｍ０００１００Ｙ４３", "91350100M000100Y43\n"]
)
def test_input_is_trimmed_folded_from_full_width_and_upper_cased(typed):
    assert normalize_credit_code(typed) == "91350100M000100Y43"
    assert is_valid_credit_code(typed)


def test_the_pledge_form_stores_the_folded_code(db, settings):
    form = PledgeForm({"credit_code": "９１２３０５００ｍａ１ｂ３ｎ１ｎ２ｍ"})
    form.is_valid()
    assert "credit_code" not in form.errors
    assert form.cleaned_data["credit_code"] == "91230500MA1B3N1N2M"
