"""Forms of the account pages. Preferences are checked by the API's input serializer, the name and
email by the user model's fields, through the services."""

from django import forms
from django.contrib.auth.forms import PasswordResetForm
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from frontend.forms import api_error_messages
from hub.models import User
from hub.serializers import ConsentCreateInputSerializer, UserPreferencesUpdateInputSerializer

LANGUAGE_CHOICES = User._meta.get_field("preferred_language").choices


class LanguageRadioSelect(forms.RadioSelect):
    """Languages named in themselves (« English » on a French page), each marked with its `lang`."""

    option_template_name = "frontend/widgets/language_option.html"


class AccountForm(forms.Form):
    first_name = User._meta.get_field("first_name").formfield()
    last_name = User._meta.get_field("last_name").formfield()
    email = User._meta.get_field("email").formfield(
        required=True, help_text=_("Notifications and password-reset links are sent to this address.")
    )
    # Plain CharFields drawn as radio buttons: the values are checked once, by the API's serializer below.
    preferred_language = forms.CharField(
        label=_("Language"),
        help_text=_(
            "The language of the site when you sign in, and of the notifications and emails you receive."
        ),
        widget=LanguageRadioSelect(choices=LANGUAGE_CHOICES),
    )
    email_frequency = forms.CharField(
        label=_("Notification emails"),
        help_text=_(
            "Notifications always appear on the site; choose when they are also sent to you by email."
        ),
        widget=forms.RadioSelect(choices=User.EmailFrequency.choices),
    )

    def clean(self) -> dict:
        cleaned_data = super().clean()
        preferences = {
            name: cleaned_data[name]
            for name in ("preferred_language", "email_frequency")
            if name in cleaned_data
        }
        serializer = UserPreferencesUpdateInputSerializer(data=preferences)
        if not serializer.is_valid():
            for name, detail in serializer.errors.items():
                for message in api_error_messages(detail):
                    self.add_error(name if name in self.fields else None, message)
        return cleaned_data

    @classmethod
    def initial_for(cls, user: User) -> dict:
        return {name: getattr(user, name) for name in cls.base_fields}


class AccountDeleteForm(forms.Form):
    """The password confirms the deletion; an account without one (signed in through its organization's
    provider) types its email address instead (hub.services.user_delete)."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        help_text=_("To confirm that you are the one asking."),
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    email = forms.EmailField(
        label=_("Your account's email address"),
        help_text=_(
            "To confirm that you are the one asking. Your account signs in through your organization: if you "
            "signed in more than a few minutes ago, sign out and in again first."
        ),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["email" if user.has_usable_password() else "password"]


class ConsentForm(forms.Form):
    """A consent given or withdrawn from the account page, checked by the API's input serializer."""

    kind = forms.CharField()
    granted = forms.CharField()
    version = forms.CharField(required=False)

    def clean(self) -> dict:
        cleaned_data = super().clean()
        serializer = ConsentCreateInputSerializer(data={k: v for k, v in cleaned_data.items() if v})
        if not serializer.is_valid():
            for message in api_error_messages(serializer.errors):
                self.add_error(None, message)
            return cleaned_data
        cleaned_data["consent"] = serializer.validated_data
        return cleaned_data


class UserLanguagePasswordResetForm(PasswordResetForm):
    """The reset email, and the page its link opens, in the account's language rather than the page's."""

    def send_mail(self, subject_template_name, email_template_name, context, *args, **kwargs) -> None:
        with translation.override(context["user"].preferred_language):
            super().send_mail(subject_template_name, email_template_name, context, *args, **kwargs)
