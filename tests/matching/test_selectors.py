"""Matching reads that no API test covers: the home page's public figures."""

import pytest

from matching.selectors import matching_figures
from tests import factories


@pytest.mark.django_db
def test_matching_figures_count_approved_pairings_and_active_pilot_projects():
    factories.MatchProposalFactory(approved=True)
    factories.MatchProposalFactory()
    factories.MatchProposalFactory(rejected=True)
    factories.EngagementFactory()  # Its introduction comes from one more approved proposal.
    factories.EngagementFactory(completed=True)  # And one more.

    figures = matching_figures()

    assert figures.pairings_approved == 3
    assert figures.pilot_projects_active == 1


@pytest.mark.django_db
def test_matching_figures_take_two_queries(django_assert_num_queries):
    factories.EngagementFactory()

    with django_assert_num_queries(2):
        matching_figures()
