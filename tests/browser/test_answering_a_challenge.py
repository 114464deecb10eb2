"""Issue 17's walk, in a real browser and end to end: a firm raises its hand for a published challenge with an
evaluation grid and is introduced; it writes its proposal, attaches a PDF, saves a draft and submits; a second firm
submits too; the deadline passes and the proposals open; three members of the organization's committee score both,
the secretary records the consensus, the organization reads the ranking step by step and awards the top-ranked
proposal; the losing firm reads its debrief in English while the winner finds its engagement in French.

The starting world is made with factories; time is made to pass by moving the deadline to yesterday in the
database, and the read path's check (the organization opening its proposals page) closes it, as it would if the
beat task were late. Every other step is a person on a page. Selectors are ids, names and addresses where they can
be, which do not change with the language."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from playwright.sync_api import expect

from hub.formats import money
from hub.models import User
from marketplace.models import AwardMode, Challenge
from matching.models import AwardDecision, Introduction, MatchProposal, Submission
from tests import factories

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.search, pytest.mark.browser]

TEXT = "Migration des applications vers l'infonuagique gouvernementale, sécurité et hébergement."
# A small PDF, whole: the header, one empty page, the cross-reference table and the end-of-file marker.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 612 792]>>endobj\n"
    b"xref\n0 4\n0000000000 65535 f \n0000000009 00000 n \n0000000052 00000 n \n0000000101 00000 n \n"
    b"trailer<</Size 4/Root 1 0 R>>\nstartxref\n170\n%%EOF\n"
)
# The committee's scores, per firm, per criterion (in the grid's order); the consensus is their median.
SCORES = {
    "a": [(85, 90, 80), (80, 85, 85), (90, 80, 85)],
    "b": [(70, 75, 70), (75, 70, 75), (70, 70, 75)],
}
CONSENSUS = {"a": (85, 85, 85), "b": (70, 75, 70)}


@pytest.fixture
def world(indexed):
    """A published challenge with an adjusted-price grid (K = 30 %, three criteria) and French mandatory; its
    organization with the person who manages it, three scoring members and a secretary; two verified firms
    eligible for it, each with a member (the second reads English)."""
    ministry = factories.UserFactory(username="ministere", role=User.Role.MINISTRY_MEMBER)
    scorers = [
        factories.UserFactory(
            username=f"membre{n}", first_name=name, last_name="Comité", role=User.Role.MINISTRY_MEMBER
        )
        for n, name in enumerate(["Alice", "Benoît", "Chloé"], start=1)
    ]
    secretary = factories.UserFactory(
        username="secretaire", first_name="Denise", last_name="Secrétaire", role=User.Role.MINISTRY_MEMBER
    )
    organization = factories.OrganizationFactory(
        name="Ministère de la Cybersécurité et du Numérique", members=[ministry, *scorers, secretary]
    )
    challenge = factories.ChallengeFactory(
        published=True,
        organization=organization,
        title="Migration vers le nuage gouvernemental",
        description=TEXT,
        budget_min=Decimal("100000"),
        budget_max=Decimal("200000"),
        required_languages=["fr"],
        mandatory_requirements=["languages"],
    )
    criteria = factories.grid_create(challenge, weights=(40, 30, 30), mode=AwardMode.ADJUSTED_PRICE)
    for criterion, title in zip(criteria, ["Démarche", "Équipe", "Échéancier"], strict=True):
        criterion.title = title
        criterion.save(update_fields=["title"])
    member_a = factories.UserFactory(username="pme-a", role=User.Role.VENDOR_MEMBER)
    firm_a = factories.VendorFactory(name="Nuage Boréal inc.", description=TEXT, members=[member_a])
    member_b = factories.UserFactory(username="pme-b", role=User.Role.VENDOR_MEMBER, preferred_language="en")
    firm_b = factories.VendorFactory(name="Laurentides Numérique inc.", description=TEXT, members=[member_b])
    indexed(challenge, firm_a, firm_b)
    return {
        "challenge": challenge,
        "criteria": criteria,
        "ministry": ministry,
        "scorers": scorers,
        "secretary": secretary,
        "a": (firm_a, member_a),
        "b": (firm_b, member_b),
    }


def as_user(page, sign_in_through_form, user, *, language="fr"):
    page.context.clear_cookies()
    sign_in_through_form(page, user.username, language=language)


def write_proposal(page, url, *, criteria, approach, price, schedule, answers, pdf=False, check_page=None):
    """The firm's proposal form as its member fills it: approach, team, schedule, price, one answer per
    criterion; a draft saved first, the PDF added to it, then the proposal submitted."""
    page.locator("#approach").fill(approach)
    page.locator("#team_role_0").fill("Chargée de projet")
    page.locator("#team_name_0").fill("Marie Tremblay")
    page.locator("#team_role_1").fill("Architecte infonuagique")
    for number, (title, week, amount) in enumerate(schedule):
        page.locator(f"#schedule_title_{number}").fill(title)
        page.locator(f"#schedule_week_{number}").fill(str(week))
        page.locator(f"#schedule_amount_{number}").fill(amount)
    page.locator("#price").fill(price)
    for criterion, text in zip(criteria, answers, strict=True):
        page.locator(f"#answer_{criterion.pk}").fill(text)
    page.locator("button[name=action][value=save]").click()
    expect(page).to_have_url(url)
    expect(page.locator(".badge--warning")).to_be_visible()  # A draft, not submitted.
    if pdf:
        page.locator("#file").set_input_files(
            {"name": "proposition.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        page.locator("button[name=action][value=attach]").click()
        expect(page.get_by_role("link", name="proposition.pdf")).to_be_visible()
    if check_page:
        check_page(page, "proposal-form")
    page.locator("button[name=action][value=submit]").click()
    expect(page).to_have_url(url)
    expect(page.locator(".badge--success")).to_be_visible()


def test_a_firm_answers_a_challenge_and_is_awarded_while_the_other_reads_its_debrief(
    live_server, page, check_page, world, sign_in_through_form
):
    url = live_server.url
    challenge, criteria = world["challenge"], world["criteria"]
    (firm_a, member_a), (firm_b, member_b) = world["a"], world["b"]

    # Firm A raises its hand on the challenge's page, with a note for the coordinators.
    as_user(page, sign_in_through_form, member_a)
    page.goto(f"{url}/fr/challenges/{challenge.pk}/")
    page.locator("#id_note").fill("Nous avons migré trois ministères.")
    page.locator(f"form[action='/fr/challenges/{challenge.pk}/interest/'] button[type=submit]").click()
    expect(page.get_by_text("Nous avons migré trois ministères.")).to_be_visible()
    asked = MatchProposal.objects.get(challenge=challenge, vendor=firm_a)
    assert asked.source == MatchProposal.Source.VENDOR
    # Firm B was proposed by the matcher (arranged): the coordinator approves it in the same queue.
    proposed = factories.MatchProposalFactory(challenge=challenge, vendor=firm_b)

    # A coordinator, signed in with their second factor, sees the firm's request in the queue and approves both.
    coordinator = factories.UserFactory(username="coordo", role=User.Role.COORDINATOR)
    as_user(page, sign_in_through_form, coordinator)
    page.goto(f"{url}/fr/coordination/")
    item = page.locator(f"#proposal-{asked.pk}")
    expect(item.locator(".badge--warning")).to_have_text("Demandé par l'entreprise")
    expect(item).to_contain_text("Nous avons migré trois ministères.")
    item.locator("button[data-queue-action=approve]").click()
    expect(page.locator(f"#proposal-{asked.pk}.queue-item--decided")).to_be_visible()
    page.locator(f"#proposal-{proposed.pk} button[data-queue-action=approve]").click()
    expect(page.locator(f"#proposal-{proposed.pk}.queue-item--decided")).to_be_visible()
    introduction_a = Introduction.objects.get(challenge=challenge, vendor=firm_a)
    introduction_b = Introduction.objects.get(challenge=challenge, vendor=firm_b)

    # Firm A writes its proposal from its introduction's page: a draft, a PDF, then the proposal submitted.
    as_user(page, sign_in_through_form, member_a)
    page.goto(f"{url}/fr/sme/introductions/{introduction_a.pk}/")
    proposal_a = f"{url}/fr/sme/introductions/{introduction_a.pk}/proposal/"
    page.locator(f"a[href='/fr/sme/introductions/{introduction_a.pk}/proposal/']").click()
    expect(page).to_have_url(proposal_a)
    expect(page.locator("[data-countdown]")).to_be_attached()
    write_proposal(
        page,
        proposal_a,
        criteria=criteria,
        approach="Une migration par vagues, application par application, sans interruption de service.",
        price="120000",
        schedule=[
            ("Inventaire et plan de migration", 4, "30000"),
            ("Migration des applications", 16, "90000"),
        ],
        answers=["Trois vagues.", "Six personnes certifiées.", "Seize semaines."],
        pdf=True,
        check_page=check_page,
    )
    submission_a = Submission.objects.get(introduction=introduction_a)
    assert submission_a.status == Submission.Status.SUBMITTED
    assert submission_a.attachments.get().name == "proposition.pdf"

    # Firm B submits its own proposal, through its page too.
    as_user(page, sign_in_through_form, member_b, language="en")
    proposal_b = f"{url}/en/sme/introductions/{introduction_b.pk}/proposal/"
    page.goto(proposal_b)
    write_proposal(
        page,
        proposal_b,
        criteria=criteria,
        approach="A single cut-over weekend after a full rehearsal.",
        price="140000",
        schedule=[("Rehearsal", 6, "40000"), ("Cut-over", 12, "100000")],
        answers=["One cut-over.", "Four people.", "Twelve weeks."],
    )
    submission_b = Submission.objects.get(introduction=introduction_b)
    assert submission_b.status == Submission.Status.SUBMITTED

    # The deadline passes (time cannot pass in a test: it is moved to yesterday); the organization's proposals
    # page checks it first, which opens the proposals and moves the challenge to evaluation.
    Challenge.objects.filter(pk=challenge.pk).update(
        deadline=timezone.localdate() - datetime.timedelta(days=1)
    )
    as_user(page, sign_in_through_form, world["ministry"])
    page.goto(f"{url}/fr/organization/challenges/{challenge.pk}/proposals/")
    main = page.locator("#main")
    expect(main).to_contain_text(firm_a.name)
    expect(main).to_contain_text(firm_b.name)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.EVALUATION and challenge.proposals_opened_at

    # The organization names its committee: three scoring members and a secretary.
    page.goto(f"{url}/fr/organization/challenges/{challenge.pk}/committee/")
    for scorer in world["scorers"]:
        page.locator(f"#member-{scorer.pk}").check()
    page.locator("#secretary").select_option(str(world["secretary"].pk))
    page.locator("#main form button[type=submit]").click()
    expect(page).to_have_url(f"{url}/fr/organization/challenges/{challenge.pk}/evaluation/")

    # Each member scores both proposals on the scoring page, with the keyboard, and submits the sheets.
    for number, scorer in enumerate(world["scorers"]):
        as_user(page, sign_in_through_form, scorer)
        page.goto(f"{url}/fr/organization/challenges/{challenge.pk}/evaluation/")
        page.locator(f"a[href='/fr/organization/proposals/{submission_a.pk}/score/']").click()
        for key, submission in (("a", submission_a), ("b", submission_b)):
            expect(page).to_have_url(f"{url}/fr/organization/proposals/{submission.pk}/score/")
            page.locator(f"#score-{criteria[0].pk}").focus()
            for criterion, scores in zip(criteria, SCORES[key], strict=True):
                field = page.locator(f"#score-{criterion.pk}")
                expect(field).to_be_focused()
                page.keyboard.type(str(scores[number]))
                page.keyboard.press("Tab")  # To the comment,
                page.keyboard.type("Solide." if scores[number] >= 80 else "Acceptable.")
                page.keyboard.press("Tab")  # then to the next criterion's score.
            if number == 0 and key == "a":
                check_page(page, "scoring")
            page.locator("button[name=action][value=submit]").click()
            expect(page.locator(".message--success")).to_be_visible()
            expect(page.locator(f"#score-{criteria[0].pk}")).to_be_disabled()
            if key == "a":
                page.locator("a[rel=next]").click()

    # The secretary records the consensus for both proposals.
    as_user(page, sign_in_through_form, world["secretary"])
    for key, submission in (("a", submission_a), ("b", submission_b)):
        page.goto(f"{url}/fr/organization/proposals/{submission.pk}/consensus/")
        for criterion, score in zip(criteria, CONSENSUS[key], strict=True):
            page.locator(f"#score-{criterion.pk}").fill(str(score))
            page.locator(f"#comment-{criterion.pk}").fill(
                "Démarche claire et éprouvée."
                if key == "a"
                else "Plan crédible, mais un seul basculement risqué."
            )
        if key == "a":
            check_page(page, "consensus")
        page.locator("#main form button[type=submit]").click()
        expect(page.locator(".message--success")).to_be_visible()

    # The organization reads the ranking, step by step, and awards the top-ranked proposal with a rationale.
    as_user(page, sign_in_through_form, world["ministry"])
    page.goto(f"{url}/fr/organization/challenges/{challenge.pk}/ranking/")
    expect(page.locator(f"#rank-{submission_a.pk}")).to_have_text(f"1. {firm_a.name}")
    expect(page.locator(f"#rank-{submission_b.pk}")).to_have_text(f"2. {firm_b.name}")
    expect(page.locator(f"section[aria-labelledby=rank-{submission_a.pk}] ol li").first).to_be_visible()
    check_page(page, "ranking")
    page.locator("#rationale").fill("Meilleur prix ajusté : la meilleure qualité au plus bas prix.")
    page.locator("#main form button[type=submit]").click()
    decision = AwardDecision.objects.get(challenge=challenge)
    assert decision.submission == submission_a and decision.price == Decimal("120000")
    engagement = submission_a.engagement
    expect(page).to_have_url(f"{url}/fr/organization/engagements/{engagement.pk}/")

    # The losing firm reads its debrief in English: its scores per criterion, its rank, the winner's score and price.
    as_user(page, sign_in_through_form, member_b, language="en")
    page.goto(f"{url}/en/sme/submissions/{submission_b.pk}/debrief/")
    main = page.locator("#main")
    expect(main.locator("h1")).to_have_text("Debrief of the award")
    own, winner = main.locator("dl").nth(0), main.locator("dl").nth(1)
    expect(own.locator("dd")).to_have_text(["2", "71.50"])  # Its rank, its final quality score.
    rows = main.locator("table tbody tr")
    expect(rows).to_have_count(3)
    for index, (criterion, score) in enumerate(zip(criteria, CONSENSUS["b"], strict=True)):
        expect(rows.nth(index).locator("th")).to_have_text(criterion.title)
        expect(rows.nth(index).locator("td").nth(1)).to_have_text(str(score))
        expect(rows.nth(index).locator("td").nth(2)).to_have_text(
            "Plan crédible, mais un seul basculement risqué."
        )
    with translation.override("en"):
        expect(winner.locator("dd")).to_have_text([firm_a.name, "85", money(Decimal("120000"))])
    check_page(page, "debrief")

    # The winner sees its engagement in French: the price, the dates, the milestones from its schedule.
    as_user(page, sign_in_through_form, member_a)
    page.goto(f"{url}/fr/sme/submissions/{submission_a.pk}/debrief/")
    expect(page.locator("#main h1")).to_have_text("Votre entreprise a remporté ce défi")
    page.locator(f"a[href='/fr/sme/engagements/{engagement.pk}/']").click()
    expect(page).to_have_url(f"{url}/fr/sme/engagements/{engagement.pk}/")
    today = timezone.localdate()
    starts, ends = today, today + datetime.timedelta(weeks=16)  # Its last deliverable is due in week 16.
    milestones = page.locator("#milestones tbody tr")
    with translation.override("fr"):
        expect(page.locator("#main .engagement-terms dd")).to_have_text(
            [money(Decimal("120000")), date_format(starts, "DATE_FORMAT"), date_format(ends, "DATE_FORMAT")]
        )
        for index, (title, week, amount) in enumerate(
            [("Inventaire et plan de migration", 4, "30000"), ("Migration des applications", 16, "90000")]
        ):
            expect(milestones.nth(index).locator("th")).to_have_text(title)
            expect(milestones.nth(index).locator("td").nth(0)).to_have_text(money(Decimal(amount)))
            due = starts + datetime.timedelta(weeks=week)
            expect(milestones.nth(index).locator("time")).to_have_attribute("datetime", due.isoformat())
    expect(milestones).to_have_count(2)
