"""Amounts and dates by the OQLF's rules in French, and as English writes them (hub/formats.py)."""

import datetime
from decimal import Decimal

import pytest
from django.utils import translation
from django.utils.formats import date_format

from hub.formats import clock_time, long_date, money
from matching.notifications import payout_texts
from tests import factories


def test_money_writes_a_french_amount_with_no_break_spaces_and_the_symbol_after():
    with translation.override("fr"):
        assert money(Decimal("12500")) == "12\u00a0500,00\u00a0$"


def test_money_writes_an_english_amount_with_the_symbol_before():
    with translation.override("en"):
        assert money(Decimal("12500")) == "$12,500.00"


def test_money_leaves_out_the_cents_of_a_round_budget_only_when_asked():
    with translation.override("fr"):
        assert money(750_000, whole=True) == "750\u00a0000\u00a0$"
        assert money(Decimal("750000.50"), whole=True) == "750\u00a0000,50\u00a0$"


def test_clock_time_writes_hours_the_french_way_and_leaves_out_zero_minutes():
    with translation.override("fr"):
        assert clock_time(datetime.time(8, 30)) == "8\u00a0h\u00a030"
        assert clock_time(datetime.time(16, 0)) == "16\u00a0h"


def test_clock_time_writes_hours_on_a_twelve_hour_clock_in_english():
    with translation.override("en"):
        assert clock_time(datetime.time(8, 30)) == "8:30\u00a0a.m."
        assert clock_time(datetime.time(12, 0)) == "12\u00a0p.m."
        assert clock_time(datetime.time(16, 30)) == "4:30\u00a0p.m."


def test_long_date_writes_the_day_month_and_year_in_full_in_french():
    with translation.override("fr"):
        assert long_date(datetime.date(2026, 12, 7)) == "7 décembre 2026"


def test_long_date_writes_the_month_in_full_in_english():
    with translation.override("en"):
        assert long_date(datetime.date(2026, 12, 7)) == "December 7, 2026"


def test_french_date_and_time_read_with_the_hour_as_the_oqlf_writes_it():
    moment = datetime.datetime(2026, 12, 7, 14, 30)

    with translation.override("fr"):
        written = date_format(moment, "DATETIME_FORMAT")

    assert written == "7 décembre 2026 à 14\u00a0h\u00a030"


@pytest.mark.django_db
def test_payout_notification_writes_its_amount_by_the_french_rules():
    payout = factories.PayoutFactory(milestone__amount=Decimal("12500.00"), paid=True)

    with translation.override("fr"):
        _title, body = payout_texts(payout)

    assert body.startswith("Un versement de 12\u00a0500,00\u00a0$ a été envoyé à ")
