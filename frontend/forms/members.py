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


class OrganizationSignInForm(forms.Form):
    """An organization's OpenID Connect provider. The secret is never shown back: left empty, it stays."""

    issuer = forms.URLField(
        label=_("Issuer"),
        assume_scheme="https",
        help_text=_(
            "The provider's address, without /.well-known/openid-configuration, such as "
            "https://login.example.gouv.qc.ca/realms/staff."
        ),
    )
    client_id = forms.CharField(label=_("Client id"), max_length=191)
    client_secret = forms.CharField(
        label=_("Client secret"),
        max_length=191,
        required=False,
        strip=True,
        widget=forms.PasswordInput(render_value=False, attrs={"autocomplete": "off"}),
    )
    email_domains = forms.CharField(
        label=_("Allowed email domains"),
        help_text=_("One or more, separated by commas or spaces, such as mcn.gouv.qc.ca."),
        max_length=1000,
    )
    is_enabled = forms.BooleanField(label=_("Members may sign in with this provider"), required=False)

    def __init__(self, *args, has_secret: bool = False, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["client_secret"].help_text = (
            _(
                "A secret is saved; it is never shown. Leave empty to keep it, or type a new one to replace it."
            )
            if has_secret
            else _("The secret the provider issued for Maillage. It is never shown again.")
        )

    def clean_email_domains(self) -> list[str]:
        return self.cleaned_data["email_domains"].replace(",", " ").split()


class OrganizationSignInStartForm(forms.Form):
    """The sign-in page's « with my organization »: a work address, or the organization itself."""

    email = forms.EmailField(
        label=_("Your work email address"),
        required=False,
        help_text=_("We find your organization from the address's domain."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    organization = forms.ChoiceField(label=_("Or choose your organization"), required=False)

    def __init__(self, *args, organizations: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organization"].choices = [("", _("Choose…")), *organizations]

    def clean(self) -> dict:
        data = super().clean()
        if not self.errors and not data.get("email") and not data.get("organization"):
            raise ValidationError(
                _("Type your work email address, or choose your organization."), code="nothing_given"
            )
        return data
