"""Marketplace reads that no API test covers: the home page's public figures."""

import pytest

from marketplace.models import ProfileSection
from marketplace.selectors import marketplace_figures
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
