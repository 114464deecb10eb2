"""How amounts and dates read, in one place: pages, emails and notifications all format them here.

French follows the Office québécois de la langue française: « 12 500,00 $ » (no-break spaces between the
thousands and before the symbol, so an amount never wraps) and « 7 décembre 2026 »; English reads "$12,500.00" and
"December 7, 2026". Dates come from Django's localized formats, ours in hub/language_formats/, so the templates'
`date:"DATE_FORMAT"` filter writes them the same way."""

import datetime
from decimal import Decimal

from django.utils.formats import date_format, number_format
from django.utils.translation import get_language

NO_BREAK_SPACE = "\u00a0"


def money(amount: Decimal | int | str, *, whole: bool = False) -> str:
    """An amount in Canadian dollars in the active language: « 12 500,00 $ » or "$12,500.00".

    `whole` leaves out the cents of a round amount (budgets, "750 000 $"); amounts paid keep them."""
    amount = Decimal(amount)
    decimal_places = 0 if whole and amount == amount.to_integral_value() else 2
    number = number_format(amount, decimal_pos=decimal_places, use_l10n=True, force_grouping=True)
    if (get_language() or "fr").startswith("fr"):
        return f"{number}{NO_BREAK_SPACE}$"
    return f"${number}"


def long_date(value: datetime.date) -> str:
    """A day in the active language: « 7 décembre 2026 » or "December 7, 2026"."""
    return date_format(value, "DATE_FORMAT")


def clock_time(value: datetime.time) -> str:
    """A time of day in the active language: « 8 h 30 » and « 16 h » in French, "8:30 a.m." and "4 p.m." in English."""
    if (get_language() or "fr").startswith("fr"):
        return f"{value.hour}{NO_BREAK_SPACE}h" + (
            f"{NO_BREAK_SPACE}{value.minute:02d}" if value.minute else ""
        )
    hour = value.hour % 12 or 12
    minutes = f":{value.minute:02d}" if value.minute else ""
    return f"{hour}{minutes}{NO_BREAK_SPACE}{'a.m.' if value.hour < 12 else 'p.m.'}"
