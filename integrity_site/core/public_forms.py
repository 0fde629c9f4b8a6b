"""What the public forms that take personal data share: a honeypot against form bots and a
one-off submission token, so that a double tap or a form sent again records one thing."""

import secrets

from django import forms
from django.utils.translation import gettext_lazy as _

HONEYPOT_FIELD = "website"


class HoneypotForm(forms.Form):
    """A field hidden from people (and screen readers) that form bots fill. It stays the last
    field, where the form templates render it out of sight."""

    website = forms.CharField(
        label=_("Leave this field empty"),
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = self.fields.pop(HONEYPOT_FIELD)

    @property
    def is_bot(self):
        return bool(self.data.get(HONEYPOT_FIELD))


class SubmittedOnceForm(HoneypotForm):
    """A honeypot form whose every copy carries its own token; the services record one thing
    per token, so sending the same copy twice lands on what the first sending made."""

    submission_token = forms.CharField(widget=forms.HiddenInput, max_length=64, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("submission_token", secrets.token_urlsafe(24))
        super().__init__(*args, **kwargs)
