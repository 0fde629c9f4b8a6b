from django import forms
from django.core.validators import MaxValueValidator
from django.utils.translation import gettext_lazy as _

from integrity_site.core.mobile import clean_mobile
from integrity_site.core.public_forms import SubmittedOnceForm
from integrity_site.core.text import validate_name_text


class RegistrationForm(SubmittedOnceForm):
    """A resident's registration. Which fields appear depends on the event: a role
    choice when the event has several pools, companions when the editor allows them."""

    name = forms.CharField(
        label=_("Name"),
        max_length=50,
        error_messages={
            "required": _("Please enter your name."),
            "max_length": _("Please keep your name under 50 characters."),
        },
        widget=forms.TextInput(attrs={"autocomplete": "name"}),
    )
    mobile = forms.CharField(
        label=_("Mobile number"),
        max_length=20,
        help_text=_("A mainland China mobile number, 11 digits. Only the organisers see it."),
        error_messages={"required": _("Please enter your mobile number.")},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
    )
    role = forms.ChoiceField(
        label=_("Volunteer role"),
        choices=(),
        error_messages={
            "required": _("Please choose a role."),
            "invalid_choice": _("Please choose one of the roles listed."),
        },
    )
    companions = forms.IntegerField(
        label=_("Companions"),
        min_value=0,
        initial=0,
        help_text=_("How many people come with you."),
        error_messages={
            "invalid": _("Please enter a whole number."),
            "min_value": _("The number of companions cannot be negative."),
        },
    )
    consent = forms.BooleanField(
        label=_(
            "I have read the privacy notice and agree that my name and mobile number are used "
            "to organise this event."
        ),
        error_messages={"required": _("Please agree to the privacy notice to register.")},
    )
    join_waiting_list = forms.BooleanField(
        label=_("If the event is full, put me on the waiting list."),
        required=False,
    )

    def __init__(self, *args, pools=(), max_companions=0, **kwargs):
        super().__init__(*args, **kwargs)
        if len(pools) > 1:
            self.fields["role"].choices = [("", _("Choose a role"))] + [
                (pool.key, self.role_label(pool)) for pool in pools
            ]
        else:
            del self.fields["role"]
            self.single_pool_key = pools[0].key if pools else ""
        if max_companions:
            companions = self.fields["companions"]
            companions.validators.append(
                MaxValueValidator(
                    max_companions,
                    message=_("At most %(limit_value)s companions can come with one registration."),
                )
            )
            companions.widget.attrs.update({"max": max_companions, "inputmode": "numeric"})
            companions.required = False
        else:
            del self.fields["companions"]

    @staticmethod
    def role_label(pool):
        if pool.seats_left is None:
            return pool.label
        return _("%(role)s (%(left)s of %(capacity)s places left)") % {
            "role": pool.label,
            "left": pool.seats_left,
            "capacity": pool.capacity,
        }

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        validate_name_text(name)
        return name

    def clean_mobile(self):
        return clean_mobile(self.cleaned_data["mobile"])

    def clean_companions(self):
        return self.cleaned_data.get("companions") or 0

    @property
    def role_key(self):
        if "role" in self.fields:
            return self.cleaned_data["role"]
        return self.single_pool_key


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Registration code"),
        max_length=20,
        widget=forms.TextInput(attrs={"autofocus": True, "autocapitalize": "characters"}),
    )
