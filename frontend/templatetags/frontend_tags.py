import datetime
from decimal import Decimal

from django import template
from django.core.paginator import Page
from django.urls import translate_url
from django.utils import timezone
from django.utils.timesince import timesince
from django.utils.translation import gettext, pgettext_lazy

from hub import roles
from hub.formats import money
from hub.selectors import notification_unread_count
from marketplace.models import Language

register = template.Library()

# Whether to show a link to pages of one audience: the rules that decide who may open them (hub/roles.py),
# e.g. {% if user|is_organization_member %}.
register.filter("is_organization_member", roles.is_organization_member)


@register.filter
def cad(amount: Decimal | int | None) -> str:
    """A budget in Canadian dollars (hub.formats.money): "750 000 $" or "$750,000", cents only when some."""
    if amount is None or amount == "":
        return ""
    return money(amount, whole=True)


@register.filter(name="money")
def money_filter(amount: Decimal | int | None) -> str:
    """An amount paid or to pay, milestones and their totals, with its cents like the notifications:
    « 12 500,00 $ » or "$12,500.00" (hub.formats.money)."""
    if amount is None or amount == "":
        return ""
    return money(amount)


@register.simple_tag(takes_context=True)
def translated_path(context: template.Context, language_code: str) -> str:
    """The current page's path and query string in another language, e.g. /fr/login/ -> /en/login/."""
    request = context.get("request")
    if request is None:
        return "/"
    return translate_url(request.get_full_path(), language_code)


@register.filter
def elided_page_range(page: Page) -> list[int | str]:
    """Page numbers around the current one with the first and last, gaps shown as the paginator's ELLIPSIS."""
    return list(page.paginator.get_elided_page_range(page.number, on_each_side=2, on_ends=1))


@register.simple_tag(takes_context=True)
def unread_notification_count(context: template.Context) -> int:
    """The signed-in user's unread notifications, for the badge in the navigation."""
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return notification_unread_count(user=user)


# A language's name inside a sentence: French writes it in lowercase (« en français »), English does not.
LANGUAGES_IN_A_SENTENCE = {
    Language.FRENCH: pgettext_lazy("language name inside a sentence", "French"),
    Language.ENGLISH: pgettext_lazy("language name inside a sentence", "English"),
}


@register.filter
def language_in_sentence(code: str) -> str:
    """A delivery language's name as written inside a sentence: "French", « français »."""
    return str(LANGUAGES_IN_A_SENTENCE.get(code, code))


@register.filter
def time_ago(moment: datetime.datetime) -> str:
    """How long ago, "3 minutes ago", or "just now" under a minute (timesince would say "0 minutes")."""
    if timezone.now() - moment < datetime.timedelta(minutes=1):
        return gettext("just now")
    return gettext("%(age)s ago") % {"age": timesince(moment)}


@register.filter
def without_final_period(name: str) -> str:
    """A name that ends a sentence, without its own final period ("Lumio inc."), so the sentence's period
    does not double it."""
    return name.removesuffix(".")
