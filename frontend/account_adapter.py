"""How django-allauth talks to our pages: where its emailed links lead, and no messages of its own.

Only allauth's email confirmation is used (hub.services.user_email_change_request); our pages say what
happened in their own words, so allauth's messages are dropped."""

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse


class AccountAdapter(DefaultAccountAdapter):
    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        # In the language of the page that asked for the change (the active one).
        return settings.SITE_URL + reverse("frontend:email_confirm", kwargs={"key": emailconfirmation.key})

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # Our templates (frontend/templates/account/email/) say how long a link works.
        super().send_mail(
            template_prefix, email, {"expire_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS, **context}
        )

    def send_notification_mail(
        self, template_prefix: str, user, context: dict | None = None, email=None
    ) -> None:
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def add_message(self, *args, **kwargs) -> None:
        return None

    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return False  # Accounts are created by the hub until sign-up comes (issue 16).
