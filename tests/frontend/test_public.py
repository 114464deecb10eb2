"""Public pages: home, opportunity search, challenge detail, vendor directory and profile, 403 and 404."""

import pytest
from django.core.paginator import Paginator
from django.template import Context, RequestContext, Template
from django.test import RequestFactory

from frontend.forms.account import AccountForm
from hub.models import User
from marketplace.models import Challenge
from matching.models import VendorExposure
from tests import factories

# Home


@pytest.mark.django_db
def test_home_has_a_search_box_that_gets_the_opportunity_search(client):
    content = client.get("/en/").content.decode()

    assert 'action="/en/opportunities/"' in content
    assert 'method="get"' in content
    assert 'name="q"' in content


@pytest.mark.django_db
def test_home_nav_links_opportunities_and_the_public_vendor_directory_for_anonymous(client):
    content = client.get("/en/").content.decode()

    assert 'href="/en/opportunities/"' in content
    assert 'href="/en/vendors/"' in content


@pytest.mark.django_db
def test_home_nav_shows_the_unread_notification_count(client, vendor_member):
    for n in range(3):
        factories_notification(vendor_member, n)
    client.force_login(vendor_member)

    content = client.get("/en/").content.decode()

    assert 'href="/en/notifications/"' in content
    assert '<span class="badge badge--count">3<span class="visually-hidden"> unread</span>' in content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "register", "browse", "post"),
    [
        ("fr", "Inscrire mon entreprise", "Parcourir les occasions", "Déposer un défi"),
        ("en", "Register my firm", "Browse opportunities", "Post a challenge"),
    ],
)
def test_home_offers_each_audience_its_actions_in_its_language(client, language, register, browse, post):
    content = client.get(f"/{language}/").content.decode()

    assert f'href="/{language}/accounts/signup/">{register}</a>' in content  # Signed out: an account first.
    assert f'href="/{language}/opportunities/">{browse}</a>' in content
    assert f'href="/{language}/organization/challenges/new/">{post}</a>' in content
    assert f'href="/{language}/contact/"' in content  # Where to ask for an account.


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/fr/sme/register/", "/fr/organization/challenges/new/"])
def test_home_actions_send_an_anonymous_visitor_to_sign_in_first(client, path):
    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/fr/login/?next={path}"


@pytest.mark.django_db
def test_home_explains_how_it_works_in_three_steps(client):
    content = client.get("/fr/").content.decode()

    steps = content[content.index('<ol class="home-steps">') : content.index("</ol>")]
    assert steps.count('<li class="home-step">') == 3
    assert "Un organisme public dépose un défi" in steps
    assert "approuve chaque jumelage" in steps
    assert "un projet pilote suit" in steps


@pytest.mark.django_db
def test_home_shows_the_public_figures(client):
    factories.ChallengeFactory(published=True)
    factories.VendorFactory(
        regions=[factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")]
    )
    factories.EngagementFactory()  # An approved pairing, its firm (in the factories' region) and a pilot project.

    content = client.get("/en/").content.decode()

    assert "<dt>Open opportunities</dt><dd>1</dd>" in content
    assert "<dt>Verified SMEs</dt><dd>2</dd>" in content
    assert "<dt>Regions served by these SMEs</dt><dd>2</dd>" in content
    assert "<dt>Pairings approved</dt><dd>1</dd>" in content
    assert "<dt>Pilot projects under way</dt><dd>1</dd>" in content


@pytest.mark.django_db
def test_home_queries_stay_few_however_many_challenges(client, django_assert_max_num_queries):
    for _ in range(6):
        factories.ChallengeFactory(published=True)
        factories.VendorFactory()

    # The latest challenges with their organization, expertise and regions (3), and the figures (4).
    with django_assert_max_num_queries(7):
        response = client.get("/fr/")

    assert response.status_code == 200


@pytest.mark.django_db
def test_home_offers_a_firm_member_their_dashboard_first_and_not_the_challenge_form(client, vendor_member):
    client.force_login(vendor_member)

    content = client.get("/fr/").content.decode()

    next_step = content.index('<p class="home-next">')
    assert content.index('href="/fr/sme/"', next_step) < content.index('class="home-audiences"')
    assert "Aller au tableau de bord de mon entreprise" in content
    assert 'href="/fr/sme/register/"' in content
    assert 'href="/fr/organization/challenges/new/"' not in content


@pytest.mark.django_db
def test_home_offers_a_ministry_member_their_challenges_first_and_not_the_firm_registration(
    client, ministry_member
):
    client.force_login(ministry_member)

    content = client.get("/en/").content.decode()

    assert (
        '<p class="home-next"><a class="qc-button qc-primary" href="/en/organization/">Go to my challenges</a>'
        in content
    )
    assert 'href="/en/organization/challenges/new/"' in content
    assert 'href="/en/sme/register/"' not in content


@pytest.mark.django_db
def test_home_offers_a_coordinator_the_proposal_queue_first(coordinator_client):
    content = coordinator_client.get("/en/").content.decode()

    assert 'href="/en/coordination/">Open the proposal queue</a>' in content


@pytest.mark.django_db
def test_home_offers_no_next_step_to_an_anonymous_visitor(client):
    content = client.get("/en/").content.decode()

    assert 'class="home-next"' not in content


def factories_notification(user: User, n: int):
    from hub.models import Notification

    return factories.NotificationFactory(
        user=user, kind=Notification.Kind.INTRODUCTION, title=f"Introduction {n}", dedupe_key=f"test:{n}"
    )


# Challenge detail


@pytest.mark.django_db
def test_challenge_detail_shows_the_status_as_a_text_badge(client, taxonomy):
    challenge = factories.ChallengeFactory(status=Challenge.Status.CLOSED)

    content = client.get(f"/en/challenges/{challenge.pk}/").content.decode()

    assert '<span class="badge badge--warning">Closed</span>' in content


@pytest.mark.django_db
def test_challenge_detail_renders_in_french(client, taxonomy):
    challenge = factories.ChallengeFactory(published=True)

    response = client.get(f"/fr/challenges/{challenge.pk}/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


# Opportunity search


@pytest.fixture
def cloud_and_security_challenges(taxonomy, indexed):
    return indexed(
        factories.ChallengeFactory(
            published=True,
            title="Migration infonuagique",
            expertise=[factories.ExpertiseFactory(code="cloud")],
        ),
        factories.ChallengeFactory(
            published=True,
            title="Centre des opérations de sécurité",
            expertise=[factories.ExpertiseFactory(code="security")],
        ),
    )


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_lists_results_with_facet_counts(client, cloud_and_security_challenges):
    response = client.get("/en/opportunities/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "2 opportunities" in content
    assert "Migration infonuagique" in content
    assert 'name="expertise" value="cloud"' in content
    assert '<span aria-hidden="true">1</span><span class="visually-hidden">1 result</span>' in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_facet_narrows_results_and_stays_ticked(client, cloud_and_security_challenges):
    content = client.get("/en/opportunities/?expertise=security").content.decode()

    assert "1 opportunity" in content
    assert "Centre des opérations de sécurité" in content
    assert "Migration infonuagique" not in content
    assert 'id="facet-expertise-security" name="expertise" value="security" checked' in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_highlights_words_and_escapes_the_rest(client, taxonomy, indexed):
    indexed(
        factories.ChallengeFactory(
            published=True,
            title="Migration <script>infonuagique</script>",
            description="Déplacer les serveurs <b>vers</b> le nuage.",
        ),
    )

    content = client.get("/en/opportunities/?q=serveurs").content.decode()

    assert "<mark>serveurs</mark>" in content
    assert "&lt;b&gt;vers" in content
    assert "<script>infonuagique" not in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_paginates_keeping_the_query_string(client, taxonomy, indexed):
    indexed(
        *factories.ChallengeFactory.create_batch(
            3, published=True, expertise=[factories.ExpertiseFactory(code="cloud")]
        )
    )

    content = client.get("/en/opportunities/?expertise=cloud&page_size=2").content.decode()

    assert 'href="?expertise=cloud&amp;page_size=2&amp;page=2"' in content
    assert 'rel="next"' in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_htmx_refresh_returns_only_the_results(client, taxonomy, indexed):
    indexed(factories.ChallengeFactory(published=True, title="Migration infonuagique"))

    response = client.get("/en/opportunities/", headers={"HX-Request": "true"})

    content = response.content.decode()
    assert response.status_code == 200
    assert "<html" not in content
    assert 'id="search-status" hx-swap-oob="innerHTML"' in content
    assert "Migration infonuagique" in content


@pytest.mark.django_db
def test_challenge_search_refuses_an_unknown_facet_value_with_a_message(client, taxonomy):
    response = client.get("/en/opportunities/?q=nuage&region=zz")

    content = response.content.decode()
    assert response.status_code == 400
    assert 'class="error-summary"' in content
    assert "“zz” is not a valid value for region." in content
    assert 'value="nuage"' in content


@pytest.mark.django_db
def test_challenge_search_refuses_too_long_words_and_keeps_them(client, taxonomy):
    words = "nuage " * 40

    response = client.get("/en/opportunities/", {"q": words})

    content = response.content.decode()
    assert response.status_code == 400
    assert "Search words are limited to 200 characters." in content
    assert 'href="#id_q"' in content
    assert f'value="{words.strip()}' in content or f'value="{words}' in content


@pytest.mark.django_db
def test_challenge_search_refuses_a_page_beyond_the_engine_window(client, taxonomy):
    response = client.get("/en/opportunities/?page=999")

    assert response.status_code == 400
    assert "Only the first 10000 results can be shown." in response.content.decode()


@pytest.mark.django_db
def test_challenge_search_page_is_served_with_a_message_when_the_engine_is_down(
    client, taxonomy, engine_down
):
    response = client.get("/en/opportunities/?q=nuage")

    content = response.content.decode()
    assert response.status_code == 503
    assert "Search is unavailable for a moment" in content
    assert 'value="nuage"' in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_renders_in_french(client, taxonomy, indexed):
    indexed(factories.ChallengeFactory(published=True, budget_min=750000, budget_max=1200000))

    content = client.get("/fr/opportunities/").content.decode()

    assert '<html lang="fr">' in content
    assert "750\u00a0000\u00a0$" in content


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_offers_a_vendor_member_to_save_the_search(client, taxonomy, indexed, vendor_member):
    indexed(factories.ChallengeFactory(published=True, title="Migration infonuagique"))
    client.force_login(vendor_member)

    content = client.get("/fr/opportunities/?q=infonuagique&region=03&page=1").content.decode()

    assert (
        '<a class="qc-button qc-secondary qc-compact" href="/fr/sme/saved-searches/?q=infonuagique&amp;region=03">'
        in content
    )
    assert "Sauvegarder cette recherche" in content


@pytest.mark.search
@pytest.mark.django_db
@pytest.mark.parametrize("role", [None, "ministry_member", "coordinator"])
def test_challenge_search_offers_no_one_else_to_save_the_search(client, taxonomy, indexed, request, role):
    indexed(factories.ChallengeFactory(published=True, title="Migration infonuagique"))
    if role:
        client.force_login(request.getfixturevalue(role))

    content = client.get("/en/opportunities/?q=infonuagique").content.decode()

    assert "/en/sme/saved-searches/" not in content


# Vendor directory


@pytest.mark.search
@pytest.mark.django_db
@pytest.mark.parametrize("reader", ["anonymous", "vendor_member"])
def test_vendor_directory_is_public_and_shows_only_public_sections(
    request, client, taxonomy, indexed, reader
):
    # One rule for the directory and the firm's page: both public, both limited to the public sections.
    firm = indexed(
        factories.VendorFactory(
            name="Nuage boréal inc.",
            description="Nous migrons des services publics vers l'infonuagique souveraine.",
            certifications=["Certification cachée"],
            public_profile=["description"],
        )
    )[0]
    if reader != "anonymous":
        client.force_login(request.getfixturevalue(reader))

    directory = client.get("/en/vendors/").content.decode()
    page = client.get(f"/en/vendors/{firm.pk}/").content.decode()

    for content in (directory, page):
        assert "Nuage boréal inc." in content
        assert "Certification cachée" not in content
    assert not VendorExposure.objects.exists()


@pytest.mark.search
@pytest.mark.django_db
def test_vendor_directory_lists_verified_vendors_and_records_exposures(
    client, ministry_member, taxonomy, indexed
):
    shown, _unverified = indexed(
        factories.VendorFactory(name="Nuage boréal inc."),
        factories.VendorFactory(name="Caché inc.", is_verified=False),
    )
    client.force_login(ministry_member)

    response = client.get("/en/vendors/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Nuage boréal inc." in content
    assert "Caché inc." not in content
    assert f'href="/en/vendors/{shown.pk}/"' in content
    exposure = VendorExposure.objects.get(vendor=shown, channel=VendorExposure.Channel.SEARCH)
    assert exposure.count == 1


@pytest.mark.search
@pytest.mark.django_db
def test_vendor_directory_is_open_to_coordinators_in_french(client, coordinator, taxonomy, indexed):
    indexed(factories.VendorFactory(name="Nuage boréal inc."))
    client.force_login(coordinator)

    response = client.get("/fr/vendors/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()
    assert "Nuage boréal inc." in response.content.decode()


@pytest.mark.django_db
def test_vendor_directory_is_served_with_a_message_when_the_engine_is_down(
    client, ministry_member, engine_down
):
    client.force_login(ministry_member)

    response = client.get("/en/vendors/")

    assert response.status_code == 503
    assert "Search is unavailable for a moment" in response.content.decode()


@pytest.mark.django_db
def test_vendor_detail_shows_the_public_profile(client, taxonomy):
    vendor = factories.VendorFactory(name="Nuage boréal inc.", certifications=["ISO 27001"])
    vendor.references.create(client="Ville de Québec", title="Portail citoyen", year=2023)

    response = client.get(f"/en/vendors/{vendor.pk}/")

    content = response.content.decode()
    assert response.status_code == 200
    assert "Nuage boréal inc." in content
    assert "Verified by the hub" in content
    assert "Portail citoyen" in content
    assert "ISO 27001" in content


@pytest.mark.django_db
def test_vendor_detail_hides_an_inactive_vendor_with_the_404_page(client, taxonomy):
    vendor = factories.VendorFactory(is_active=False)

    response = client.get(f"/fr/vendors/{vendor.pk}/")

    assert response.status_code == 404
    assert 'href="/fr/opportunities/"' in response.content.decode()


# Error pages


@pytest.mark.django_db
def test_404_page_is_bilingual_and_links_home(client):
    english = client.get("/en/no-such-page/")
    french = client.get("/fr/no-such-page/")

    assert english.status_code == 404
    assert '<html lang="en">' in english.content.decode()
    assert 'href="/en/"' in english.content.decode()
    assert '<html lang="fr">' in french.content.decode()


# Shared includes


def test_form_field_include_links_hint_and_error_to_the_input():
    form = AccountForm(data={"email": "not-an-address"})
    form.is_valid()

    html = Template('{% include "frontend/includes/form_field.html" with field=form.email %}').render(
        Context({"form": form})
    )

    assert 'aria-describedby="id_email_helptext id_email_error"' in html
    assert 'aria-invalid="true"' in html
    assert 'id="id_email_error"' in html
    assert 'value="not-an-address"' in html


def test_form_field_include_puts_radio_groups_in_a_fieldset_with_legend():
    form = AccountForm()

    html = Template(
        '{% include "frontend/includes/form_field.html" with field=form.email_frequency %}'
    ).render(Context({"form": form}))

    assert "<fieldset" in html
    assert "<legend>" in html
    assert 'aria-describedby="id_email_frequency_helptext"' in html


def test_pagination_include_marks_the_current_page_and_keeps_the_query_string():
    request = RequestFactory().get("/en/opportunities/", {"q": "nuage", "page": "2"})
    page_obj = Paginator(range(60), 20).page(2)

    html = Template('{% include "frontend/includes/pagination.html" with page_obj=page_obj %}').render(
        RequestContext(request, {"page_obj": page_obj})
    )

    assert 'href="?q=nuage&amp;page=2" aria-current="page"' in html
    assert 'href="?q=nuage&amp;page=3" rel="next"' in html
    assert 'href="?q=nuage&amp;page=1" rel="prev"' in html


@pytest.mark.search
@pytest.mark.django_db
def test_challenge_search_beyond_the_last_page_links_back_to_the_first(client, taxonomy, indexed):
    indexed(factories.ChallengeFactory(published=True))

    content = client.get("/en/opportunities/?q=migration&page=4").content.decode()

    assert "There is no page 4 for this search." in content
    assert 'href="?q=migration"' in content


def test_pagination_include_reads_page_suivante_in_french(settings):
    request = RequestFactory().get("/fr/opportunities/", {"page": "2"})
    page_obj = Paginator(range(60), 20).page(2)

    html = Template('{% include "frontend/includes/pagination.html" with page_obj=page_obj %}').render(
        RequestContext(request, {"page_obj": page_obj})
    )

    assert 'rel="next">Page suivante</a>' in html
    assert 'rel="prev">Page précédente</a>' in html
