"""Marketplace reads that no API test covers: the home page's public figures, the enterprise register's evidence."""

import datetime

import pytest
from django.utils import translation

from marketplace.models import EnterpriseRegisterEntry, ProfileSection
from marketplace.register import register_region_code
from marketplace.selectors import marketplace_figures, register_evidence
from tests import factories


@pytest.mark.django_db
def test_marketplace_figures_count_open_challenges_only():
    factories.ChallengeFactory(published=True)
    factories.ChallengeFactory(published=True)
    factories.ChallengeFactory()
    factories.ChallengeFactory(submitted=True)
    factories.ChallengeFactory(closed=True)

    figures = marketplace_figures()

    assert figures.open_challenges == 2


@pytest.mark.django_db
def test_marketplace_figures_count_active_verified_firms_and_the_regions_they_serve():
    capitale, montreal, gaspesie = (factories.RegionFactory(code=code) for code in ("03", "06", "11"))
    factories.VendorFactory(regions=[capitale, montreal])
    factories.VendorFactory(regions=[montreal])
    factories.VendorFactory(regions=[gaspesie], is_verified=False)
    factories.VendorFactory(regions=[gaspesie], is_active=False)

    figures = marketplace_figures()

    assert figures.verified_vendors == 2
    assert figures.regions_served == 2


@pytest.mark.django_db
def test_marketplace_figures_leave_out_the_regions_of_a_firm_that_hides_them():
    shown, hidden = factories.RegionFactory(code="03"), factories.RegionFactory(code="06")
    factories.VendorFactory(regions=[shown])
    factories.VendorFactory(
        regions=[hidden], public_profile=[ProfileSection.DESCRIPTION, ProfileSection.EMPLOYEES]
    )

    figures = marketplace_figures()

    assert figures.verified_vendors == 2
    assert figures.regions_served == 1


@pytest.mark.django_db
def test_marketplace_figures_take_two_queries_whatever_the_catalogue(django_assert_num_queries):
    for _ in range(3):
        factories.VendorFactory(
            regions=[factories.RegionFactory(code="03"), factories.RegionFactory(code="06")]
        )
        factories.ChallengeFactory(published=True)

    with django_assert_num_queries(2):
        marketplace_figures()


def test_register_evidence_gives_what_the_register_holds_for_a_registered_firm(register_extract, taxonomy):
    evidence = register_evidence(neq="1177786369")

    assert evidence.found and evidence.extract_loaded and evidence.may_register
    assert evidence.entry.legal_name == "Lumio Numérique inc."
    assert evidence.entry.status == EnterpriseRegisterEntry.Status.REGISTERED
    assert evidence.entry.employees_range == "50 à 99"
    assert evidence.entry.extract_date == datetime.date(2026, 12, 1)
    assert evidence.region.code == "03"


def test_register_evidence_gives_no_region_for_a_postal_code_it_cannot_place(register_extract, taxonomy):
    evidence = register_evidence(neq="1185123088")  # Registered office in J8X (Gatineau): J is not mapped.

    assert evidence.found and evidence.region is None


def test_register_evidence_refuses_a_neq_absent_from_the_extract(register_extract):
    evidence = register_evidence(neq="1234567890")

    assert not evidence.found and evidence.extract_loaded
    assert evidence.refusals == (
        "Le numéro d'entreprise 1234567890 ne figure pas dans l'extrait du registre des entreprises du Québec "
        "du 1 décembre 2026. Vérifiez le numéro sur la fiche de votre entreprise au Registraire des "
        "entreprises.",
    )


@pytest.mark.parametrize("neq", ["1199000052", "1199000060"])
def test_register_evidence_refuses_a_struck_off_firm(register_extract, neq):
    evidence = register_evidence(neq=neq)

    assert evidence.found and not evidence.may_register
    assert "une entreprise radiée du registre ne peut pas s'inscrire" in evidence.refusals[0]


@pytest.mark.parametrize("neq", ["1199000078", "1199000086"])
def test_register_evidence_refuses_a_firm_whose_range_is_above_the_sme_ceiling(register_extract, neq):
    with translation.override("en"):
        evidence = register_evidence(neq=neq)

    assert evidence.found and not evidence.may_register
    assert "more than the 499 an SME may have" in evidence.refusals[0]


def test_register_evidence_accepts_a_range_ending_at_the_sme_ceiling(register_extract):
    evidence = register_evidence(neq="1199000094")  # « 250 à 499 »

    assert evidence.may_register


def test_register_evidence_refuses_nothing_without_an_extract(db):
    evidence = register_evidence(neq="1234567890")

    assert not evidence.extract_loaded and not evidence.found and evidence.may_register


@pytest.mark.parametrize(
    ("postal_code", "region"),
    [
        ("H7N 5H9", "13"),
        ("H2X 1Y4", "06"),
        ("H0M 1A0", None),
        ("G1R 4P5", "03"),
        ("G6V 6Z3", None),
        ("J8X 3X6", None),
    ],
)
def test_register_region_code_maps_only_prefixes_wholly_in_one_region(postal_code, region):
    assert register_region_code(postal_code) == region
