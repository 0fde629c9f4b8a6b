from django import forms
from django.utils.translation import gettext_lazy as _

from integrity_site.core.mobile import clean_mobile
from integrity_site.core.names import clean_plain_message, clean_plain_name, validate_plain_name
from integrity_site.core.public_forms import SubmittedOnceForm
from integrity_site.core.subdistricts import subdistrict_select_choices


class SignatureForm(SubmittedOnceForm):
    """The short signing form: one screen on a phone."""

    name = forms.CharField(
        label=_("Your name"),
        max_length=30,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please keep your name under 30 characters."),
        },
        help_text=_("Shown masked, e.g. 张*华."),
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    subdistrict = forms.ChoiceField(
        label=_("Subdistrict"),
        choices=(),
        error_messages={
            "required": _("Please choose your subdistrict."),
            "invalid_choice": _("Please choose one of the subdistricts listed."),
        },
    )
    community = forms.CharField(
        label=_("Community (optional)"),
        max_length=60,
        required=False,
        error_messages={"max_length": _("Please keep the community under 60 characters.")},
        widget=forms.TextInput(attrs={"list": "signing-communities", "autocomplete": "off"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("Never published: it only makes sure each person signs once."),
        error_messages={"required": _("Please enter your mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        max_length=200,
        required=False,
        error_messages={"max_length": _("Please keep your message under 200 characters.")},
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    consent = forms.BooleanField(
        label=_("I have read the privacy notice and agree that my signature is recorded."),
        error_messages={"required": _("Please agree to the privacy notice to sign.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subdistrict"].choices = subdistrict_select_choices()

    def clean_name(self):
        return clean_plain_name(self.cleaned_data["name"])

    def clean_community(self):
        community = self.cleaned_data["community"].strip()
        if community:
            validate_plain_name(community)
        return community

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_message(self):
        return clean_plain_message(
            self.cleaned_data["message"],
            url_message=_("Please leave web addresses out of your message."),
            formula_message=_("A message cannot start with = + - or @."),
        )


class WithdrawSignatureForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("Yes, withdraw my signature."),
        error_messages={"required": _("Please tick the box to withdraw your signature.")},
    )


class InvalidateForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for invalidating"), max_length=255, widget=forms.Textarea(attrs={"rows": 2})
    )
