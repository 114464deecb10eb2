"""Forms of the membership pages: inviting someone, registering an organization, accepting an invitation.
The services check the addresses, the roles and the passwords (Django's validators)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from hub.models import Organization, User


class InvitationForm(forms.Form):
    email = forms.EmailField(
        label=_("Email address of the person to invite"),
        help_text=_("They receive a link that works once, for a limited time."),
    )


class OrganizationRegisterForm(forms.Form):
    name = Organization._meta.get_field("name").formfield()
    kind = forms.ChoiceField(label=_("Kind"), choices=Organization.Kind.choices)
    first_member_email = forms.EmailField(
        label=_("Email address of the person to invite"),
        help_text=_("They receive an invitation to create their account and join the organization."),
    )


class InvitationAccountForm(forms.Form):
    first_name = User._meta.get_field("first_name").formfield(required=True)
    last_name = User._meta.get_field("last_name").formfield(required=True)
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=_("At least 8 characters, not only digits, and not a common password."),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("password") and data.get("password") != data.get("password_again"):
            raise ValidationError(
                {"password_again": _("The two passwords differ. Type the same password twice.")},
                code="password_mismatch",
            )
        return data
