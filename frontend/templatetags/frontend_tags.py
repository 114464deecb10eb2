import datetime
from decimal import Decimal

from django import template
from django.core.paginator import Page
from django.template.base import token_kwargs
from django.template.loader import render_to_string
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


# The design system's notice types (qc-notice) for the names our pages and Django's messages use.
NOTICE_TYPES = {"debug": "information", "info": "information", "information": "information"}


class NoticeNode(template.Node):
    def __init__(
        self, nodelist: template.NodeList, kind: template.base.FilterExpression, options: dict
    ) -> None:
        self.nodelist, self.kind, self.options = nodelist, kind, options

    def render(self, context: template.Context) -> str:
        options = {name: value.resolve(context) for name, value in self.options.items()}
        kind = self.kind.resolve(context)
        kind = NOTICE_TYPES.get(kind, kind)
        role = options.get("role")
        if options.get("live"):  # A message after an action: read out as it appears.
            role = "alert" if kind == "error" else "status"
        return render_to_string(
            "frontend/includes/notice.html",
            {
                "type": kind,
                "role": role,
                "classes": options.get("classes", ""),
                "focus": options.get("focus", False),
                "content": self.nodelist.render(context),
            },
        )


@register.tag
def notice(parser: template.base.Parser, token: template.base.Token) -> NoticeNode:
    """The design system's notice box around some content, as the kit's classes rather than its <qc-notice>
    web component, so that it shows without the script and keeps our roles and focus:
    {% notice "warning" role="alert" %}<p>…</p>{% endnotice %}.
    Types: information (or info), success, warning, error, neutral. `live=True` gives Django messages
    their role (alert for an error, status otherwise); `classes` adds classes to the box; `focus=True` moves the focus to it when it appears (a notice
    that replaces what was just used)."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError(
            "{% notice %} takes a type: information, success, warning, error or neutral."
        )
    kind = parser.compile_filter(bits[1])
    options = token_kwargs(bits[2:], parser)
    nodelist = parser.parse(("endnotice",))
    parser.delete_first_token()
    return NoticeNode(nodelist, kind, options)
