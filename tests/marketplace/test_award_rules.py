"""The award rules as pure functions (marketplace/award_rules.py, docs/evaluation.md): no database."""

from decimal import Decimal

import hypothesis
import pytest
from django.utils import translation
from hypothesis import strategies as st

from marketplace.award_rules import (
    CriterionSpec,
    Proposal,
    grid_errors,
    rank,
    taxes,
)
from marketplace.models import AwardMode

GRID = [
    CriterionSpec(key="approach", weight=40, has_minimum=False),
    CriterionSpec(key="team", weight=30, has_minimum=False),
    CriterionSpec(key="schedule", weight=30, has_minimum=False),
]
QUALITY_MODES = [AwardMode.QUALITY_THEN_PRICE, AwardMode.ADJUSTED_PRICE, AwardMode.QUALITY]


def _k(mode: str) -> int | None:
    return 30 if mode == AwardMode.ADJUSTED_PRICE else None


def _proposal(key: str, price: str, approach: int, team: int, schedule: int) -> Proposal:
    return Proposal(
        key=key, price=Decimal(price), scores={"approach": approach, "team": team, "schedule": schedule}
    )


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


# Grid validation.


@pytest.mark.parametrize("mode", QUALITY_MODES)
def test_grid_errors_accepts_three_criteria_weighing_100(mode):
    assert grid_errors(mode=mode, k_factor=_k(mode), criteria=GRID) == []


def test_grid_errors_accepts_the_price_mode_without_criteria():
    assert grid_errors(mode=AwardMode.PRICE, k_factor=None, criteria=[]) == []


def test_grid_errors_asks_for_a_mode():
    assert grid_errors(mode="", k_factor=None, criteria=[]) == [
        "Choose an award mode: Lowest price, Minimum quality, then lowest price, Lowest adjusted price "
        "(quality–price ratio), Quality only."
    ]


def test_grid_errors_refuses_an_unknown_mode():
    errors = grid_errors(mode="auction", k_factor=None, criteria=[])

    assert errors[0].startswith("“auction” is not an award mode.")


@pytest.mark.parametrize("mode", QUALITY_MODES)
def test_grid_errors_refuses_fewer_than_three_criteria(mode):
    errors = grid_errors(
        mode=mode, k_factor=_k(mode), criteria=[CriterionSpec("a", 50, False), CriterionSpec("b", 50, False)]
    )

    assert errors == ["Where quality counts, the grid needs at least 3 criteria; it has 2. Add criteria."]


def test_grid_errors_names_the_total_of_weights_not_summing_to_100():
    criteria = [CriterionSpec("a", 40, False), CriterionSpec("b", 30, False), CriterionSpec("c", 20, False)]

    errors = grid_errors(mode=AwardMode.QUALITY, k_factor=None, criteria=criteria)

    assert errors == ["The weights add up to 90%; they must add up to exactly 100%. Adjust them."]


def test_grid_errors_refuses_a_weight_of_zero():
    criteria = [CriterionSpec("a", 0, False), CriterionSpec("b", 50, False), CriterionSpec("c", 50, False)]

    errors = grid_errors(mode=AwardMode.QUALITY, k_factor=None, criteria=criteria)

    assert errors == ["Criterion 1 weighs 0%: a weight is a whole number from 1 to 100."]


def test_grid_errors_refuses_criteria_in_the_price_mode():
    errors = grid_errors(mode=AwardMode.PRICE, k_factor=None, criteria=GRID)

    assert errors == [
        "The lowest-price mode takes no evaluation criteria: remove them, or choose a mode where quality counts."
    ]


def test_grid_errors_asks_for_k_in_the_adjusted_price_mode():
    errors = grid_errors(mode=AwardMode.ADJUSTED_PRICE, k_factor=None, criteria=GRID)

    assert errors == ["Give the K factor of the lowest adjusted price, from 15 to 30%."]


@pytest.mark.parametrize("k_factor", [0, 14, 31, 100])
def test_grid_errors_refuses_k_outside_15_to_30(k_factor):
    errors = grid_errors(mode=AwardMode.ADJUSTED_PRICE, k_factor=k_factor, criteria=GRID)

    assert errors == [
        f"The K factor is {k_factor}%; the regulation allows 15 to 30%. Choose a value in that range."
    ]


@pytest.mark.parametrize("k_factor", [15, 22, 30])
def test_grid_errors_accepts_k_from_15_to_30(k_factor):
    assert grid_errors(mode=AwardMode.ADJUSTED_PRICE, k_factor=k_factor, criteria=GRID) == []


@pytest.mark.parametrize("mode", [AwardMode.PRICE, AwardMode.QUALITY, AwardMode.QUALITY_THEN_PRICE])
def test_grid_errors_refuses_k_outside_the_adjusted_price_mode(mode):
    criteria = [] if mode == AwardMode.PRICE else GRID

    errors = grid_errors(mode=mode, k_factor=20, criteria=criteria)

    assert errors == ["The K factor applies only to the lowest adjusted price: leave it empty for this mode."]


def test_grid_errors_refuses_two_criteria_with_one_key():
    criteria = [CriterionSpec("a", 40, False), CriterionSpec("a", 30, False), CriterionSpec("c", 30, False)]

    errors = grid_errors(mode=AwardMode.QUALITY, k_factor=None, criteria=criteria)

    assert errors == ["Two criteria have the same key: give each criterion its own."]


def test_grid_errors_speaks_french():
    with translation.override("fr"):
        errors = grid_errors(mode=AwardMode.ADJUSTED_PRICE, k_factor=None, criteria=GRID)

    assert "facteur K" in errors[0]


# Ranking.


def test_rank_adjusted_price_follows_the_schedule_2_formula():
    proposals = [_proposal("a", "120000", 80, 75, 70)]

    [ranked] = rank(mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=GRID, proposals=proposals)

    # Quality: 0.4 × 80 + 0.3 × 75 + 0.3 × 70 = 75.5; factor 1 + 0.30 × (75.5 − 70) / 30 = 1.055.
    assert ranked.quality == Decimal("75.5")
    assert ranked.adjusted_price == Decimal("113744.08")
    assert ranked.rank == 1


def test_rank_adjusted_price_shows_each_step():
    proposals = [_proposal("a", "120000", 80, 75, 70)]

    [ranked] = rank(mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=GRID, proposals=proposals)

    assert ranked.steps == [
        "Final quality score: 40% × 80 + 30% × 75 + 30% × 70 = 75.5.",
        "Adjusted price: $120,000.00 ÷ (1 + 30% × (75.5 − 70) ÷ 30) = $120,000.00 ÷ 1.055 = $113,744.08. "
        "The lowest adjusted price wins.",
        "Rank 1 of 1 acceptable proposal.",
    ]


def test_rank_adjusted_price_lets_a_better_proposal_cost_more():
    cheap = _proposal("cheap", "100000", 70, 70, 70)
    better = _proposal("better", "125000", 100, 100, 100)

    ranked = rank(mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=GRID, proposals=[cheap, better])

    # 125 000 / 1.30 = 96 153.85 < 100 000.
    assert [(r.key, r.adjusted_price) for r in ranked] == [
        ("better", Decimal("96153.85")),
        ("cheap", Decimal("100000.00")),
    ]


def test_rank_rejects_a_proposal_under_a_criterion_minimum():
    criteria = [
        CriterionSpec("approach", 40, True),
        CriterionSpec("team", 30, False),
        CriterionSpec("schedule", 30, False),
    ]
    weak = _proposal("weak", "90000", 65, 100, 100)

    [ranked] = rank(mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=criteria, proposals=[weak])

    assert ranked.rejected
    assert ranked.rank is None
    assert ranked.adjusted_price is None
    assert ranked.rejection_reasons == ["Criterion 1 scores 65, under the required minimum of 70."]


def test_rank_ignores_a_low_score_on_a_criterion_without_minimum():
    proposal = _proposal("a", "90000", 65, 100, 100)

    [ranked] = rank(mode=AwardMode.ADJUSTED_PRICE, k_factor=30, criteria=GRID, proposals=[proposal])

    assert not ranked.rejected


@pytest.mark.parametrize("mode", [AwardMode.ADJUSTED_PRICE, AwardMode.QUALITY])
def test_rank_rejects_a_final_quality_under_70(mode):
    proposal = _proposal("a", "90000", 70, 69, 68)

    [ranked] = rank(mode=mode, k_factor=_k(mode), criteria=GRID, proposals=[proposal])

    assert ranked.quality == Decimal("69.1")
    assert ranked.rejection_reasons == [
        "The final quality score, 69.1, is under the 70 points an acceptable proposal needs."
    ]


def test_rank_quality_then_price_rejects_any_criterion_under_70():
    proposal = _proposal("a", "90000", 100, 100, 69)

    [ranked] = rank(mode=AwardMode.QUALITY_THEN_PRICE, k_factor=None, criteria=GRID, proposals=[proposal])

    assert ranked.rejection_reasons == ["Criterion 3 scores 69, under the required minimum of 70."]


def test_rank_quality_then_price_takes_the_lowest_price_among_acceptable_ones():
    proposals = [
        _proposal("excellent", "150000", 100, 100, 100),
        _proposal("enough", "110000", 70, 70, 70),
        _proposal("cheapest", "90000", 60, 100, 100),
    ]

    ranked = rank(mode=AwardMode.QUALITY_THEN_PRICE, k_factor=None, criteria=GRID, proposals=proposals)

    assert [(r.key, r.rank) for r in ranked] == [("enough", 1), ("excellent", 2), ("cheapest", None)]


def test_rank_quality_takes_the_highest_final_score_whatever_the_price():
    proposals = [_proposal("cheap", "50000", 75, 75, 75), _proposal("dear", "500000", 90, 90, 90)]

    ranked = rank(mode=AwardMode.QUALITY, k_factor=None, criteria=GRID, proposals=proposals)

    assert [(r.key, r.rank, r.quality) for r in ranked] == [
        ("dear", 1, Decimal(90)),
        ("cheap", 2, Decimal(75)),
    ]


def test_rank_price_takes_the_lowest_price():
    proposals = [Proposal("b", Decimal("200000")), Proposal("a", Decimal("150000.50"))]

    ranked = rank(mode=AwardMode.PRICE, k_factor=None, criteria=[], proposals=proposals)

    assert [(r.key, r.rank, r.quality, r.adjusted_price) for r in ranked] == [
        ("a", 1, None, None),
        ("b", 2, None, None),
    ]


def test_rank_gives_tied_proposals_one_rank_and_says_lots_are_drawn():
    proposals = [
        Proposal("b", Decimal("1000")),
        Proposal("a", Decimal("1000")),
        Proposal("c", Decimal("2000")),
    ]

    ranked = rank(mode=AwardMode.PRICE, k_factor=None, criteria=[], proposals=proposals)

    assert [(r.key, r.rank) for r in ranked] == [("a", 1), ("b", 1), ("c", 3)]
    assert "the organization draws lots" in ranked[0].steps[-1]


def test_rank_refuses_an_invalid_grid():
    with pytest.raises(ValueError):
        rank(mode=AwardMode.QUALITY, k_factor=None, criteria=GRID[:2], proposals=[])


def test_rank_refuses_a_missing_score():
    proposal = Proposal("a", Decimal("1000"), {"approach": 80})

    with pytest.raises(ValueError):
        rank(mode=AwardMode.QUALITY, k_factor=None, criteria=GRID, proposals=[proposal])


def test_rank_refuses_a_score_over_100():
    with pytest.raises(ValueError):
        rank(
            mode=AwardMode.QUALITY, k_factor=None, criteria=GRID, proposals=[_proposal("a", "1", 101, 80, 80)]
        )


def test_rank_refuses_a_price_that_is_not_positive():
    with pytest.raises(ValueError):
        rank(mode=AwardMode.PRICE, k_factor=None, criteria=[], proposals=[Proposal("a", Decimal("0"))])


def test_rank_writes_its_steps_in_french():
    with translation.override("fr"):
        [ranked] = rank(
            mode=AwardMode.ADJUSTED_PRICE,
            k_factor=30,
            criteria=GRID,
            proposals=[_proposal("a", "120000", 80, 75, 70)],
        )

    assert "113\u00a0744,08\u00a0$" in ranked.steps[1]
    assert "75,5" in ranked.steps[0]


def test_taxes_are_gst_and_qst_rounded_to_the_cent():
    assert taxes(Decimal("100000.00")) == (Decimal("5000.00"), Decimal("9975.00"))
    assert taxes(Decimal("10.10")) == (Decimal("0.51"), Decimal("1.01"))


# Properties.

SCORES = st.integers(min_value=0, max_value=100)


@st.composite
def grids(draw):
    """A valid grid: 3 to 6 criteria, weights of at least 1 summing to 100, some with a minimum."""
    count = draw(st.integers(min_value=3, max_value=6))
    cuts = sorted(draw(st.lists(st.integers(1, 99), min_size=count - 1, max_size=count - 1, unique=True)))
    weights = [b - a for a, b in zip([0, *cuts], [*cuts, 100], strict=True)]
    return [
        CriterionSpec(key=f"c{i}", weight=weight, has_minimum=draw(st.booleans()))
        for i, weight in enumerate(weights)
    ]


@st.composite
def contests(draw):
    mode = draw(st.sampled_from(list(AwardMode.values)))
    criteria = [] if mode == AwardMode.PRICE else draw(grids())
    k_factor = draw(st.integers(15, 30)) if mode == AwardMode.ADJUSTED_PRICE else None
    count = draw(st.integers(min_value=0, max_value=8))
    proposals = [
        Proposal(
            key=f"p{i}",
            price=Decimal(draw(st.integers(min_value=1, max_value=10_000_000))) / 100,
            scores={c.key: draw(SCORES) for c in criteria},
        )
        for i in range(count)
    ]
    return mode, k_factor, criteria, proposals


PROPERTY = hypothesis.settings(max_examples=200, derandomize=True, deadline=None)


@PROPERTY
@hypothesis.given(contests())
def test_rank_is_a_permutation_of_the_proposals(contest):
    mode, k_factor, criteria, proposals = contest

    ranked = rank(mode=mode, k_factor=k_factor, criteria=criteria, proposals=proposals)

    assert sorted(r.key for r in ranked) == sorted(p.key for p in proposals)


@PROPERTY
@hypothesis.given(contests())
def test_rank_never_ranks_a_rejected_proposal_and_lists_it_last(contest):
    mode, k_factor, criteria, proposals = contest

    ranked = rank(mode=mode, k_factor=k_factor, criteria=criteria, proposals=proposals)

    flags = [r.rejected for r in ranked]
    assert flags == sorted(flags)
    assert all((r.rank is None) == r.rejected for r in ranked)
    assert all(r.rejection_reasons for r in ranked if r.rejected)


@PROPERTY
@hypothesis.given(contests())
def test_rank_lists_ranks_best_first(contest):
    mode, k_factor, criteria, proposals = contest

    ranks = [
        r.rank for r in rank(mode=mode, k_factor=k_factor, criteria=criteria, proposals=proposals) if r.rank
    ]

    assert ranks == sorted(ranks)
    assert not ranks or ranks[0] == 1


@PROPERTY
@hypothesis.given(contests())
def test_rank_rejects_a_proposal_under_a_minimum(contest):
    mode, k_factor, criteria, proposals = contest

    ranked = {r.key: r for r in rank(mode=mode, k_factor=k_factor, criteria=criteria, proposals=proposals)}

    for proposal in proposals:
        if any(c.has_minimum and proposal.scores[c.key] < 70 for c in criteria):
            assert ranked[proposal.key].rejected


@PROPERTY
@hypothesis.given(contests(), st.data())
def test_rank_raising_a_score_never_worsens_a_rank_in_adjusted_price_mode(contest, data):
    _mode, _k_factor, _criteria, proposals = contest
    criteria = data.draw(grids())
    k_factor = data.draw(st.integers(15, 30))
    proposals = [
        Proposal(p.key, p.price, {c.key: data.draw(SCORES) for c in criteria}) for p in proposals
    ] or [Proposal("p0", Decimal("1000"), {c.key: 80 for c in criteria})]
    target = data.draw(st.sampled_from(proposals))
    criterion = data.draw(st.sampled_from(criteria))
    raised = Proposal(
        target.key,
        target.price,
        {**target.scores, criterion.key: data.draw(st.integers(target.scores[criterion.key], 100))},
    )

    def rank_of(proposals: list[Proposal]) -> float:
        outcome = rank(
            mode=AwardMode.ADJUSTED_PRICE, k_factor=k_factor, criteria=criteria, proposals=proposals
        )
        found = next(r for r in outcome if r.key == target.key).rank
        return float("inf") if found is None else found

    after = rank_of([raised if p.key == target.key else p for p in proposals])

    assert after <= rank_of(proposals)


@PROPERTY
@hypothesis.given(st.sampled_from(QUALITY_MODES), st.lists(st.integers(0, 150), min_size=3, max_size=8))
def test_grid_errors_always_refuses_weights_not_summing_to_100(mode, weights):
    hypothesis.assume(sum(weights) != 100)
    criteria = [CriterionSpec(f"c{i}", weight, False) for i, weight in enumerate(weights)]

    assert grid_errors(mode=mode, k_factor=_k(mode), criteria=criteria) != []


@PROPERTY
@hypothesis.given(grids(), st.sampled_from(QUALITY_MODES))
def test_grid_errors_accepts_every_grid_of_3_or_more_criteria_weighing_100(criteria, mode):
    assert grid_errors(mode=mode, k_factor=_k(mode), criteria=criteria) == []
