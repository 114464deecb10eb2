"""How django-allauth talks to our pages: who may sign up, where emailed links and sign-ins lead, and in
which language. allauth's flash messages are dropped: our pages say what happened in their own words."""

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation

from hub.models import User
from hub.services import user_email_address_trust
from marketplace.selectors import vendor_list_for_member


class AccountAdapter(DefaultAccountAdapter):
    def is_open_for_signup(self, request: HttpRequest) -> bool:
        return True  # SMEs sign up on their own; public organizations' members are invited.

    def save_user(self, request: HttpRequest, user: User, form, commit: bool = True) -> User:
        # A new account is an SME's (the role's default) and speaks the language of the sign-up page.
        language = translation.get_language()
        if language in dict(settings.LANGUAGES):
            user.preferred_language = language
        return super().save_user(request, user, form, commit=commit)

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        user = request.user
        # A new SME's next step, whenever it signs in until it is done: registering its firm.
        if user.role == User.Role.VENDOR_MEMBER and not vendor_list_for_member(user=user).exists():
            return reverse("frontend:vendor_register")
        return super().get_login_redirect_url(request)

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        return self.get_login_redirect_url(request)  # Signed in by the confirmation link.

    def pre_login(self, request: HttpRequest, user: User, **kwargs) -> HttpResponse | None:
        user_email_address_trust(user=user)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user: User, **kwargs) -> HttpResponse:
        # The site continues in the user's preferred language.
        from frontend.views.account import _in_language

        response = super().post_login(request, user, **kwargs)
        if response.has_header("Location"):
            response = _in_language(response, user.preferred_language)
        return response

    def get_email_confirmation_url(self, request: HttpRequest, emailconfirmation) -> str:
        # A sign-up confirms the account's only (primary) address through allauth's page, which then signs
        # in; a change confirms a second address through ours (hub.services.user_email_change_confirm).
        # Either in the language of the page that asked (the active one).
        if emailconfirmation.email_address.primary:
            path = reverse("account_confirm_email", kwargs={"key": emailconfirmation.key})
        else:
            path = reverse("frontend:email_confirm", kwargs={"key": emailconfirmation.key})
        return settings.SITE_URL + path

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        # To an existing account's address, in its language (a sign-up with an address already used, a
        # password reset); otherwise in the page's. Our templates (frontend/templates/account/email/) say how
        # long a link works.
        owner = User.objects.filter(email__iexact=email).only("preferred_language").first()
        language = owner.preferred_language if owner is not None else translation.get_language()
        with translation.override(language):
            super().send_mail(
                template_prefix,
                email,
                {"expire_days": app_settings.EMAIL_CONFIRMATION_EXPIRE_DAYS, **context},
            )

    def send_account_already_exists_mail(self, email: str) -> None:
        # Our sign-in and password-reset pages, in the account's language.
        owner = User.objects.filter(email__iexact=email).only("preferred_language").first()
        with translation.override(owner.preferred_language if owner else translation.get_language()):
            context = {
                "login_url": settings.SITE_URL + reverse("frontend:login"),
                "password_reset_url": settings.SITE_URL + reverse("frontend:password_reset"),
            }
            self.send_mail("account/email/account_already_exists", email, context)

    def send_notification_mail(
        self, template_prefix: str, user, context: dict | None = None, email=None
    ) -> None:
        super().send_notification_mail(template_prefix, user, {"user": user, **(context or {})}, email)

    def add_message(self, *args, **kwargs) -> None:
        return None
