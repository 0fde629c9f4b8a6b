"""The merchant's short form asking for credit-repair help, and the editor's status change."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from integrity_site.core.credit_code import clean_credit_code
from integrity_site.core.mobile import clean_mobile
from integrity_site.core.names import clean_plain_message, clean_plain_name
from integrity_site.core.public_forms import SubmittedOnceForm
from integrity_site.core.text import validate_name_text
from publicity import repair_help
from publicity.repair_help_records import PreferredTime, RepairHelpStatus


class RepairHelpForm(SubmittedOnceForm):
    merchant_name = forms.CharField(
        label=_("Merchant name"),
        max_length=120,
        help_text=_("As on the business licence."),
        error_messages={
            "required": _("Please enter the merchant's name."),
            "max_length": _("Please keep the name under 120 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "organization"}),
    )
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=40,
        help_text=_("The 18 characters on the business licence."),
        error_messages={"required": _("Please enter the unified social credit code.")},
        widget=forms.TextInput(
            attrs={"autocapitalize": "characters", "autocomplete": "off", "spellcheck": "false"}
        ),
    )
    document_number = forms.CharField(
        label=_("Decision document number (optional)"),
        max_length=128,
        required=False,
        help_text=_("The number of the penalty decision, such as 济历市监罚字〔2020〕101号."),
        error_messages={"max_length": _("Please keep the document number under 128 characters.")},
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
    )
    contact_name = forms.CharField(
        label=_("Contact person"),
        max_length=60,
        help_text=_("Not published."),
        error_messages={
            "required": _("Please enter the name of the person we should talk to."),
            "max_length": _("Please keep the name under 60 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("We call this number. Not published."),
        error_messages={"required": _("Please enter your mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    preferred_time = forms.ChoiceField(
        label=_("When may we call?"),
        choices=[("", _("Choose a time")), *PreferredTime.choices],
        error_messages={
            "required": _("Please choose when we may call."),
            "invalid_choice": _("Please choose one of the times listed."),
        },
    )
    note = forms.CharField(
        label=_("Note (optional)"),
        max_length=500,
        required=False,
        help_text=_("What has been done already, such as the fine paid."),
        error_messages={"max_length": _("Please keep your note under 500 characters.")},
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that the office uses the contact person and "
            "mobile number to help with this credit repair."
        ),
        error_messages={"required": _("Please agree to the privacy notice to send the request.")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.record = None

    def clean_merchant_name(self):
        return clean_plain_name(self.cleaned_data["merchant_name"])

    def clean_contact_name(self):
        return clean_plain_name(self.cleaned_data["contact_name"])

    def clean_credit_code(self):
        return clean_credit_code(self.cleaned_data["credit_code"])

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_document_number(self):
        value = " ".join(self.cleaned_data["document_number"].split())
        if value:
            validate_name_text(value)
        return value

    def clean_note(self):
        return clean_plain_message(
            self.cleaned_data["note"],
            url_message=_("Please leave web addresses out of your note."),
            formula_message=_("A note cannot start with = + - or @."),
        )

    def clean(self):
        data = super().clean()
        number = data.get("document_number")
        if number and "credit_code" in data:
            self.record = repair_help.public_penalty(number, data["credit_code"])
            if self.record is None:
                self.add_error(
                    "document_number",
                    ValidationError(
                        _(
                            "No penalty of this credit code with this document number is on public "
                            "record. Please check the number, or leave the field empty."
                        ),
                        code="unknown_record",
                    ),
                )
        return data


class StatusChangeForm(forms.Form):
    """The editor's next step for a request, with a note."""

    status = forms.ChoiceField(label=_("New status"), choices=())
    note = forms.CharField(
        label=_("Note"),
        max_length=1000,
        required=False,
        help_text=_("What was done or agreed. Kept with the request until its personal data is erased."),
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            (status.value, status.label) for status in repair_help.next_statuses(request)
        ]

    def clean_status(self):
        return RepairHelpStatus(self.cleaned_data["status"])
