"""Quebec's award rules as pure functions: is a grid valid, and how do proposals rank (docs/evaluation.md).

The rules are those of the Règlement sur certains contrats de services des organismes publics (RLRQ, c. C-65.1,
r. 4): Schedule 1 (a minimum quality, then the lowest price) and Schedule 2 (the lowest adjusted price; its
sections 1 to 7 for quality only). Nothing here reads or writes the database: the callers turn their rows into
`CriterionSpec` and `Proposal`, and show `RankedProposal.steps` as the computation "step by step".

Every amount is a Decimal: the final quality score is exact (whole weights in percent times whole scores), an
adjusted price is rounded to the cent (half up) and proposals are compared on that rounded amount, the one shown.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.utils.formats import number_format
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _

from hub.formats import NO_BREAK_SPACE, money
from marketplace.models import AwardMode

# Schedule 2, s. 1: at least 3 criteria. S. 4: each scored 0 to 100, 70 being the acceptable performance level.
MIN_CRITERIA = 3
SCORE_MAX = 100
ACCEPTABLE_LEVEL = 70
# Schedule 2, s. 5: a criterion may require at least 70 points; s. 7: an acceptable proposal scores at least 70.
CRITERION_MINIMUM = 70
MIN_FINAL_QUALITY = 70
# Schedule 2, s. 9: K, in percent, from 15 to 30.
K_MIN = 15
K_MAX = 30
QUALITY_MODES = frozenset({AwardMode.QUALITY_THEN_PRICE, AwardMode.ADJUSTED_PRICE, AwardMode.QUALITY})
# Quebec's sales taxes on a service, each on the price before taxes (QST is no longer charged on the GST).
GST_RATE = Decimal("0.05")
QST_RATE = Decimal("0.09975")

CENT = Decimal("0.01")
HUNDRED = Decimal(100)


@dataclass(frozen=True)
class CriterionSpec:
    """One criterion of a grid: its key (what `Proposal.scores` uses), its weight in percent, and whether a
    score under 70 rejects the proposal."""

    key: str
    weight: int
    has_minimum: bool


@dataclass(frozen=True)
class Proposal:
    """A proposal to rank: its price before taxes and its consensus score (0–100) per criterion key (none for
    the lowest-price mode)."""

    key: str
    price: Decimal
    scores: dict[str, int] = field(default_factory=dict)


@dataclass(frozen=True)
class RankedProposal:
    """A proposal's outcome: its final quality and adjusted price where the mode computes them, why it was
    rejected, its rank among the acceptable ones (1 is the best; tied proposals share a rank; None when
    rejected), and the computation as translated sentences."""

    key: str
    price: Decimal
    quality: Decimal | None
    adjusted_price: Decimal | None
    rejected: bool
    rejection_reasons: list[str]
    rank: int | None
    steps: list[str]


def taxes(price: Decimal) -> tuple[Decimal, Decimal]:
    """The GST (5 %) and the QST (9.975 %) on a price before taxes, each rounded to the cent (half up)."""
    return (
        (price * GST_RATE).quantize(CENT, rounding=ROUND_HALF_UP),
        (price * QST_RATE).quantize(CENT, rounding=ROUND_HALF_UP),
    )


def _mode_names() -> str:
    return ", ".join(str(label) for label in AwardMode.labels)


def grid_errors(*, mode: str, k_factor: int | None, criteria: list[CriterionSpec]) -> list[str]:
    """What is wrong with an award mode, K factor and criteria, as translated sentences; empty when valid."""
    if not mode:
        return [_("Choose an award mode: %(modes)s.") % {"modes": _mode_names()}]
    if mode not in AwardMode.values:
        return [
            _("“%(mode)s” is not an award mode. Choose one of: %(modes)s.")
            % {"mode": mode, "modes": _mode_names()}
        ]
    errors = []
    if mode == AwardMode.ADJUSTED_PRICE:
        if k_factor is None:
            errors.append(
                _("Give the K factor of the lowest adjusted price, from %(min)s to %(max)s%%.")
                % {"min": K_MIN, "max": K_MAX}
            )
        elif not K_MIN <= k_factor <= K_MAX:
            errors.append(
                _(
                    "The K factor is %(k)s%%; the regulation allows %(min)s to %(max)s%%. Choose a value in that range."
                )
                % {"k": k_factor, "min": K_MIN, "max": K_MAX}
            )
    elif k_factor is not None:
        errors.append(
            _("The K factor applies only to the lowest adjusted price: leave it empty for this mode.")
        )
    if mode == AwardMode.PRICE:
        if criteria:
            errors.append(
                _(
                    "The lowest-price mode takes no evaluation criteria: remove them, or choose a mode where "
                    "quality counts."
                )
            )
        return errors
    if len(criteria) < MIN_CRITERIA:
        errors.append(
            ngettext(
                "Where quality counts, the grid needs at least %(min)s criteria; it has %(count)s. Add criteria.",
                "Where quality counts, the grid needs at least %(min)s criteria; it has %(count)s. Add criteria.",
                len(criteria),
            )
            % {"min": MIN_CRITERIA, "count": len(criteria)}
        )
    keys = [criterion.key for criterion in criteria]
    if len(set(keys)) != len(keys):
        errors.append(_("Two criteria have the same key: give each criterion its own."))
    weights_valid = True
    for number, criterion in enumerate(criteria, start=1):
        if not 1 <= criterion.weight <= SCORE_MAX:
            weights_valid = False
            errors.append(
                _("Criterion %(number)s weighs %(weight)s%%: a weight is a whole number from 1 to 100.")
                % {"number": number, "weight": criterion.weight}
            )
    total = sum(criterion.weight for criterion in criteria)
    if criteria and weights_valid and total != 100:
        errors.append(
            _("The weights add up to %(total)s%%; they must add up to exactly 100%%. Adjust them.")
            % {"total": total}
        )
    return errors


def _french() -> bool:
    return (get_language() or "fr").startswith("fr")


def _percent(value: int) -> str:
    return f"{value}{NO_BREAK_SPACE}%" if _french() else f"{value}%"


def _number(value: Decimal) -> str:
    """A score in the active language, without trailing zeros: 75, 75.5 or « 75,5 »."""
    text = format(value, "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return number_format(Decimal(text), use_l10n=True)


def _final_quality(criteria: list[CriterionSpec], scores: dict[str, int]) -> Decimal:
    # Schedule 2, s. 6: the sum of the weighted scores, each the criterion's score times its weight.
    return sum((Decimal(c.weight) * Decimal(scores[c.key]) / HUNDRED for c in criteria), Decimal(0))


def _quality_factor(k_factor: int, quality: Decimal) -> Decimal:
    # Schedule 2, s. 8: 1 + K × (final quality − 70) / 30.
    return 1 + Decimal(k_factor) / HUNDRED * (quality - MIN_FINAL_QUALITY) / 30


def _factor_text(factor: Decimal) -> str:
    rounded = factor.quantize(Decimal("0.000001"))
    if rounded == factor:
        return _number(factor)
    return "≈" + NO_BREAK_SPACE + _number(factor.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP))


def _check(*, mode: str, criteria: list[CriterionSpec], proposal: Proposal) -> None:
    if proposal.price <= 0:
        raise ValueError(
            f"Proposal {proposal.key}: the price must be a positive amount, not {proposal.price}."
        )
    if mode not in QUALITY_MODES:
        return
    for criterion in criteria:
        score = proposal.scores.get(criterion.key)
        if score is None:
            raise ValueError(f"Proposal {proposal.key} has no score for criterion {criterion.key}.")
        if not 0 <= score <= SCORE_MAX:
            raise ValueError(f"Proposal {proposal.key} scores {score} on {criterion.key}, outside 0–100.")


def _evaluate(
    *, mode: str, k_factor: int | None, criteria: list[CriterionSpec], proposal: Proposal
) -> tuple[RankedProposal, Decimal | None]:
    """The proposal's outcome before ranking, and the amount it is compared on (None when rejected)."""
    steps: list[str] = []
    reasons: list[str] = []
    quality = adjusted = None
    price_text = money(proposal.price)
    if mode == AwardMode.PRICE:
        steps.append(_("Price before taxes: %(price)s. The lowest price wins.") % {"price": price_text})
        return _outcome(proposal, quality, adjusted, reasons, steps), proposal.price

    quality = _final_quality(criteria, proposal.scores)
    terms = " + ".join(f"{_percent(c.weight)} × {proposal.scores[c.key]}" for c in criteria)
    steps.append(
        _("Final quality score: %(terms)s = %(quality)s.") % {"terms": terms, "quality": _number(quality)}
    )
    for number, criterion in enumerate(criteria, start=1):
        score = proposal.scores[criterion.key]
        # Schedule 1, s. 3: with a minimum quality, every criterion must reach the acceptable level; Schedule 2,
        # s. 5: otherwise only the criteria the grid marks with a minimum do.
        required = mode == AwardMode.QUALITY_THEN_PRICE or criterion.has_minimum
        if required and score < CRITERION_MINIMUM:
            reasons.append(
                _("Criterion %(number)s scores %(score)s, under the required minimum of %(minimum)s.")
                % {"number": number, "score": score, "minimum": CRITERION_MINIMUM}
            )
    if mode != AwardMode.QUALITY_THEN_PRICE and quality < MIN_FINAL_QUALITY:
        reasons.append(
            _(
                "The final quality score, %(quality)s, is under the %(minimum)s points an acceptable proposal needs."
            )
            % {"quality": _number(quality), "minimum": MIN_FINAL_QUALITY}
        )
    if reasons:
        steps.extend(reasons)
        steps.append(_("The proposal is rejected: it is not ranked."))
        return _outcome(proposal, quality, adjusted, reasons, steps), None

    if mode == AwardMode.QUALITY_THEN_PRICE:
        steps.append(
            _(
                "Every criterion reaches %(minimum)s: the proposal is acceptable. Price before taxes: %(price)s; the lowest price wins."
            )
            % {"minimum": CRITERION_MINIMUM, "price": price_text}
        )
        return _outcome(proposal, quality, adjusted, reasons, steps), proposal.price
    if mode == AwardMode.QUALITY:
        steps.append(
            _(
                "The proposal is acceptable (%(minimum)s points or more). The highest final quality score wins."
            )
            % {"minimum": MIN_FINAL_QUALITY}
        )
        return _outcome(proposal, quality, adjusted, reasons, steps), -quality

    factor = _quality_factor(k_factor, quality)
    adjusted = (proposal.price / factor).quantize(CENT, rounding=ROUND_HALF_UP)
    steps.append(
        _(
            "Adjusted price: %(price)s ÷ (1 + %(k)s × (%(quality)s − %(minimum)s) ÷ 30) = %(price)s ÷ %(factor)s "
            "= %(adjusted)s. The lowest adjusted price wins."
        )
        % {
            "price": price_text,
            "k": _percent(k_factor),
            "quality": _number(quality),
            "minimum": MIN_FINAL_QUALITY,
            "factor": _factor_text(factor),
            "adjusted": money(adjusted),
        }
    )
    return _outcome(proposal, quality, adjusted, reasons, steps), adjusted


def _outcome(
    proposal: Proposal,
    quality: Decimal | None,
    adjusted: Decimal | None,
    reasons: list[str],
    steps: list[str],
) -> RankedProposal:
    return RankedProposal(
        key=proposal.key,
        price=proposal.price,
        quality=quality,
        adjusted_price=adjusted,
        rejected=bool(reasons),
        rejection_reasons=reasons,
        rank=None,
        steps=steps,
    )


def rank(
    *, mode: str, k_factor: int | None, criteria: list[CriterionSpec], proposals: list[Proposal]
) -> list[RankedProposal]:
    """Rank the proposals by the award mode, best first, the rejected ones last (rank None, in the given order).

    Proposals with the same result share a rank (1, 1, 3); public bodies settle such a tie by a drawing of lots,
    which Maillage does not do: the step says so. Raises ValueError on an invalid grid, a missing or out-of-range
    score, or a price that is not positive (the callers check these first)."""
    errors = grid_errors(mode=mode, k_factor=k_factor, criteria=criteria)
    if errors:
        raise ValueError(" ".join(errors))
    keys = [proposal.key for proposal in proposals]
    if len(set(keys)) != len(keys):
        raise ValueError("Two proposals share a key.")
    for proposal in proposals:
        _check(mode=mode, criteria=criteria, proposal=proposal)

    evaluated = [
        _evaluate(mode=mode, k_factor=k_factor, criteria=criteria, proposal=proposal)
        for proposal in proposals
    ]
    acceptable = sorted(
        ((outcome, amount) for outcome, amount in evaluated if amount is not None),
        key=lambda pair: (pair[1], pair[0].key),
    )
    ranked = []
    count = len(acceptable)
    for outcome, amount in acceptable:
        position = 1 + sum(1 for _other, other_amount in acceptable if other_amount < amount)
        tied = sum(1 for _other, other_amount in acceptable if other_amount == amount) - 1
        steps = [
            *outcome.steps,
            ngettext(
                "Rank %(rank)s of %(count)s acceptable proposal.",
                "Rank %(rank)s of %(count)s acceptable proposals.",
                count,
            )
            % {"rank": position, "count": count},
        ]
        if tied:
            steps.append(
                ngettext(
                    "Tied with %(tied)s other proposal: Maillage does not break a tie; the organization draws "
                    "lots and records the draw in the award's rationale.",
                    "Tied with %(tied)s other proposals: Maillage does not break a tie; the organization draws "
                    "lots and records the draw in the award's rationale.",
                    tied,
                )
                % {"tied": tied}
            )
        ranked.append(
            RankedProposal(
                key=outcome.key,
                price=outcome.price,
                quality=outcome.quality,
                adjusted_price=outcome.adjusted_price,
                rejected=False,
                rejection_reasons=[],
                rank=position,
                steps=steps,
            )
        )
    return ranked + [outcome for outcome, amount in evaluated if amount is None]
