from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from integrity_site.core import subdistricts
from integrity_site.core.credit_code import clean_credit_code
from integrity_site.core.mobile import is_mainland_mobile, normalize_mobile
from integrity_site.core.names import clean_plain_name
from integrity_site.core.public_forms import HoneypotForm
from integrity_site.core.spreadsheets import looks_like_formula
from integrity_site.core.text import validate_name_text

from .records import EntityKind, Industry


def subdistrict_choices(empty_label=None):
    return subdistricts.subdistrict_select_choices(empty_label)


def subdistrict_filter_choices():
    return subdistrict_choices(_("All subdistricts"))


class PledgeForm(HoneypotForm):
    merchant_name = forms.CharField(
        label=_("Merchant name"),
        max_length=120,
        help_text=_("As on the business licence."),
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("The 18 characters on the business licence."),
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    entity_kind = forms.ChoiceField(label=_("Entity kind"), choices=EntityKind.choices)
    industry = forms.ChoiceField(
        label=_("Industry"), choices=[("", _("Choose an industry")), *Industry.choices]
    )
    subdistrict = forms.ChoiceField(label=_("Subdistrict"), choices=subdistrict_choices)
    address = forms.CharField(
        label=_("Business address"),
        max_length=255,
        widget=forms.TextInput(attrs={"autocomplete": "address-line1"}),
    )
    contact_person = forms.CharField(
        label=_("Contact person"),
        max_length=60,
        help_text=_("Not published."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("Not published."),
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label=_("E-mail"),
        max_length=254,
        help_text=_("We send the confirmation link here. Not published."),
        widget=forms.EmailInput(attrs={"autocomplete": "email", "inputmode": "email", "spellcheck": "false"}),
    )
    signatory_name = forms.CharField(
        label=_("Signed by"),
        max_length=60,
        help_text=_("Type the full name of the person who signs for the merchant. Not published."),
    )
    consent_to_publication = forms.BooleanField(
        label=_(
            "I agree that the merchant's name, credit code, industry, subdistrict and address are "
            "published in the pledge register."
        ),
        error_messages={"required": _("The pledge is published; please agree to the publication to sign.")},
    )
    # The version of the text the merchant read: a text published meanwhile must be read first.
    text_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_merchant_name(self):
        return clean_plain_name(self.cleaned_data["merchant_name"])

    def clean_contact_person(self):
        return clean_plain_name(self.cleaned_data["contact_person"])

    def clean_signatory_name(self):
        return clean_plain_name(self.cleaned_data["signatory_name"])

    def clean_address(self):
        value = self.cleaned_data["address"].strip()
        validate_name_text(value)
        if looks_like_formula(value):
            raise ValidationError(_("An address cannot start with = + - or @."), code="formula")
        return value

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data["credit_code"])

    def clean_mobile(self):
        number = normalize_mobile(self.cleaned_data["mobile"])
        if not is_mainland_mobile(number):
            raise ValidationError(
                _("Please give an 11-digit mainland mobile number, such as 13812345678."), code="mobile"
            )
        return number

    def clean_email(self):
        return self.cleaned_data["email"].strip().lower()

    def pledge_data(self):
        data = dict(self.cleaned_data)
        data.pop("website", None)
        data.pop("text_version", None)
        return data

    def check_text_version(self, text_revision):
        """False, with a message, when the text changed after the merchant read it."""
        read = self.cleaned_data.get("text_version")
        if read and read != text_revision.pk:
            self.add_error(
                None,
                ValidationError(
                    _(
                        "The pledge text has just been updated. Please read the new text above, then sign again."
                    ),
                    code="text_changed",
                ),
            )
            self.data = self.data.copy()
            self.data["text_version"] = text_revision.pk
            return False
        return True


class WithdrawForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (optional)"), required=False, max_length=500, widget=forms.Textarea(attrs={"rows": 3})
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for revoking"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RegisterFilterForm(forms.Form):
    q = forms.CharField(label=_("Name or credit code"), required=False, max_length=120)
    subdistrict = forms.ChoiceField(
        label=_("Subdistrict"), required=False, choices=subdistrict_filter_choices
    )
    industry = forms.ChoiceField(
        label=_("Industry"), required=False, choices=[("", _("All industries")), *Industry.choices]
    )
