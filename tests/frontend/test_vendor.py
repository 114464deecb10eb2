"""The SME pages: each page and action through the Django client, with the real services and search node."""

import html

import pytest
from django.urls import reverse
from django.utils import timezone, translation

from hub.models import AuditEntry, Notification, User
from hub.services import notification_create
from marketplace.models import Vendor, default_public_profile
from matching.models import Clarification, Introduction, Milestone, Payout, SavedSearch
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]

TEXT = "Migration des applications vers l'infonuagique gouvernementale."


def url(name: str, **kwargs) -> str:
    return reverse(f"frontend:{name}", kwargs=kwargs or None)


@pytest.fixture
def member(client, vendor_member) -> User:
    client.force_login(vendor_member)
    return vendor_member


@pytest.fixture
def vendor(member) -> Vendor:
    return member.vendors.get()


def introduce(
    vendor: Vendor, *, status: str = Introduction.Status.INTRODUCED, **challenge_fields
) -> Introduction:
    challenge = factories.ChallengeFactory(published=True, **challenge_fields)
    return factories.IntroductionFactory(
        proposal__challenge=challenge, proposal__vendor=vendor, status=status
    )


def another_firm_member() -> User:
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[user])
    return user


def profile_data(vendor: Vendor | None = None, **changes) -> dict:
    data = {
        "name": "Nuage Boréal inc.",
        "neq": "1234567890",
        "description": TEXT,
        "languages": ["fr", "en"],
        "regions": ["03"],
        "employees": "25",
        "founded": "2012",
        "expertise": ["cloud"],
        "certifications": "ISO 27001\n\nSOC 2\n",
        "references-TOTAL_FORMS": "1",
        "references-INITIAL_FORMS": "0",
        "references-MIN_NUM_FORMS": "0",
        "references-MAX_NUM_FORMS": "1000",
        "references-0-client": "Ville de Québec",
        "references-0-title": "Migration infonuagique",
        "references-0-summary": "Migration de 40 applications.",
        "references-0-year": "2023",
    }
    data.update(changes)
    return data


# Who may see the pages


def test_vendor_dashboard_sends_anonymous_users_to_sign_in(client):
    response = client.get(url("vendor_dashboard"))

    assert response.status_code == 302
    assert response.url.startswith(url("login"))


def test_vendor_dashboard_refuses_a_ministry_member(client, ministry_member):
    client.force_login(ministry_member)

    assert client.get(url("vendor_dashboard")).status_code == 403


def test_vendor_navigation_links_show_for_vendor_members_only(client, member, ministry_member):
    page = client.get(url("home")).content.decode()
    client.force_login(ministry_member)
    other_page = client.get(url("home")).content.decode()

    assert url("vendor_dashboard") in page and url("vendor_introductions") in page
    assert url("vendor_dashboard") not in other_page


# Dashboard


def test_vendor_dashboard_links_to_registration_without_a_firm(client):
    client.force_login(factories.UserFactory(role=User.Role.VENDOR_MEMBER))

    response = client.get(url("vendor_dashboard"))

    assert response.status_code == 200
    assert url("vendor_register") in response.content.decode()


def test_vendor_dashboard_shows_completeness_recommendations_and_awaiting_introductions(
    client, vendor, indexed
):
    indexed(factories.ChallengeFactory(published=True, title="Nuage gouvernemental", description=TEXT))
    introduction = introduce(vendor, title="Portail citoyen")

    response = client.get(url("vendor_dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["completeness"].missing == ["description", "references"]
    assert "Nuage gouvernemental" in page
    assert url("vendor_introduction_detail", introduction_id=introduction.pk) in page


def test_vendor_dashboard_points_to_no_passage_it_does_not_show(client, vendor, indexed):
    indexed(factories.ChallengeFactory(published=True, description=TEXT))

    page = client.get(url("vendor_dashboard")).content.decode()

    assert "Leurs textes décrivent les mêmes travaux." in page
    assert "surbrillance" not in page and "<mark>" not in page


def test_vendor_dashboard_says_when_recommendations_are_unavailable(client, vendor, engine_down):
    response = client.get(url("vendor_dashboard"))

    assert response.status_code == 200
    assert response.context["search_unavailable"] is True


def test_vendor_dashboard_switches_firm_with_the_vendor_parameter(client, member, vendor):
    second = factories.VendorFactory(name="Deuxième firme", members=[member])

    response = client.get(url("vendor_dashboard"), {"vendor": second.pk})
    remembered = client.get(url("vendor_introductions"))

    assert response.context["vendor"] == second
    assert remembered.context["vendor"] == second
    assert 'name="vendor"' in response.content.decode()


def test_vendor_dashboard_answers_404_for_a_firm_of_someone_else(client, member):
    other = another_firm_member().vendors.get()

    assert client.get(url("vendor_dashboard"), {"vendor": other.pk}).status_code == 404


# Profile


def test_vendor_profile_edit_shows_the_firm_as_it_is(client, vendor):
    response = client.get(url("vendor_profile_edit"))

    assert response.status_code == 200
    assert vendor.neq in response.content.decode()


def test_vendor_profile_edit_saves_through_the_service(client, vendor):
    response = client.post(url("vendor_profile_edit"), profile_data())

    vendor.refresh_from_db()
    assert response.status_code == 302
    assert vendor.name == "Nuage Boréal inc." and vendor.neq == "1234567890"
    assert vendor.certifications == ["ISO 27001", "SOC 2"]
    assert [(r.client, r.year) for r in vendor.references.all()] == [("Ville de Québec", 2023)]


def test_vendor_profile_edit_of_the_name_sends_a_verified_firm_back_to_verification_and_says_so(
    client, vendor
):
    response = client.post(url("vendor_profile_edit"), profile_data(), follow=True)

    vendor.refresh_from_db()
    assert not vendor.is_verified
    assert "vérifiera" in response.content.decode()


def test_vendor_profile_edit_cannot_verify_the_firm(client, vendor):
    Vendor.objects.filter(pk=vendor.pk).update(is_verified=False, is_active=False)

    client.post(
        url("vendor_profile_edit"),
        profile_data(name=vendor.name, neq=vendor.neq, is_verified="on", is_active="on"),
    )

    vendor.refresh_from_db()
    assert (vendor.is_verified, vendor.is_active) == (False, False)


def test_vendor_profile_edit_refuses_a_malformed_neq_and_keeps_what_was_typed(client, vendor):
    response = client.post(url("vendor_profile_edit"), profile_data(neq="12345", name="Nom tapé"))

    page = response.content.decode()
    vendor.refresh_from_db()
    assert response.status_code == 200
    assert "exactement 10 chiffres" in page
    assert 'href="#id_neq"' in page
    assert 'value="Nom tapé"' in page and "Migration de 40 applications." in page
    assert vendor.name != "Nom tapé"


def test_vendor_profile_edit_refuses_the_neq_of_another_firm(client, vendor):
    other = factories.VendorFactory()

    response = client.post(url("vendor_profile_edit"), profile_data(neq=other.neq))

    assert response.status_code == 200
    assert "Une autre entreprise est déjà inscrite avec ce NEQ." in response.content.decode()


def test_vendor_profile_edit_shows_a_reference_error_on_its_field(client, vendor):
    response = client.post(url("vendor_profile_edit"), profile_data(**{"references-0-year": "1900"}))

    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["forms"].references.forms[0].errors["year"]
    assert 'href="#id_references-0-year"' in page


def test_vendor_profile_edit_reports_every_fields_error_at_once(client, vendor):
    data = profile_data(name="", neq="12", employees="-3", founded="3000", **{"references-0-year": "1900"})

    response = client.post(url("vendor_profile_edit"), data)

    forms = response.context["forms"]
    assert response.status_code == 200
    assert set(forms.profile.errors) == {"name", "neq", "employees", "founded"}
    assert forms.references.forms[0].errors["year"]
    assert len(forms.error_summary()) == 5


def test_vendor_profile_edit_reports_a_refused_field_once(client, vendor):
    response = client.post(url("vendor_profile_edit"), profile_data(employees="beaucoup"))

    assert response.context["forms"].profile.errors["employees"] == ["Saisissez un nombre entier."]


def test_vendor_profile_edit_says_clearly_that_an_empty_reference_is_ignored(client, vendor):
    content = client.get(url("vendor_profile_edit")).content.decode()

    assert "Une référence laissée vide est ignorée." in content
    assert "en blanc" not in content


def test_vendor_profile_edit_saves_several_new_references_and_removes_one_in_one_submit(client, vendor):
    # The page adds references in place (maillage.js copies the empty form), so one save may carry many.
    kept, removed = factories.VendorReferenceFactory.create_batch(2, vendor=vendor)
    data = profile_data(
        **{
            "references-TOTAL_FORMS": "4",
            "references-INITIAL_FORMS": "2",
            "references-0-client": kept.client,
            "references-0-title": kept.title,
            "references-0-year": str(kept.year),
            "references-1-client": removed.client,
            "references-1-title": removed.title,
            "references-1-year": str(removed.year),
            "references-1-DELETE": "on",
            "references-2-client": "Ville de Québec",
            "references-2-title": "Migration infonuagique",
            "references-2-year": "2023",
            "references-3-client": "Ville de Lévis",
            "references-3-title": "Portail citoyen",
            "references-3-year": "2024",
        }
    )

    response = client.post(url("vendor_profile_edit"), data)

    assert response.status_code == 302
    assert sorted(vendor.references.values_list("title", flat=True)) == sorted(
        [kept.title, "Migration infonuagique", "Portail citoyen"]
    )


def test_vendor_profile_edit_ignores_a_removed_reference_that_is_not_valid(client, vendor):
    data = profile_data(**{"references-0-year": "1900", "references-0-DELETE": "on"})

    response = client.post(url("vendor_profile_edit"), data)

    assert response.status_code == 302
    assert not vendor.references.exists()


def test_vendor_profile_edit_offers_in_place_add_and_remove_of_references(client, vendor):
    factories.VendorReferenceFactory(vendor=vendor)

    content = client.get(url("vendor_profile_edit")).content.decode()

    assert "data-formset-add" in content and "Ajouter une référence" in content
    assert 'name="references-0-DELETE"' in content and "Retirer cette référence" in content
    assert "<template data-formset-empty>" in content and "references-__prefix__-client" in content


def test_vendor_profile_edit_says_who_sees_the_profile_and_saves_the_choice(client, vendor):
    page = client.get(url("vendor_profile_edit")).content.decode()

    assert "Qui voit votre profil" in page
    assert "La page de votre entreprise et sa fiche dans le répertoire des entreprises sont publiques" in page

    response = client.post(
        url("vendor_profile_edit"),
        profile_data(
            public_profile=["description", "contact"],
            contact_name="Camille Tremblay",
            contact_email="camille@nuage.example",
            contact_phone="418 555-0101",
        ),
    )

    vendor.refresh_from_db()
    assert response.status_code == 302
    assert sorted(vendor.public_profile) == ["contact", "description"]
    assert (vendor.contact_name, vendor.contact_email) == ("Camille Tremblay", "camille@nuage.example")


def test_vendor_profile_edit_refuses_a_malformed_contact_email_and_names_it(client, vendor):
    response = client.post(url("vendor_profile_edit"), profile_data(contact_email="camille-at-nuage"))

    assert response.status_code == 200
    assert response.context["forms"].profile.errors["contact_email"]
    assert 'href="#id_contact_email"' in response.content.decode()


def test_vendor_register_starts_with_every_section_public_but_the_contact_person(client, vendor_member):
    client.force_login(vendor_member)

    form = client.get(url("vendor_register")).context["forms"].profile

    assert form["public_profile"].value() == default_public_profile()


def test_vendor_profile_edit_requires_a_region(client, vendor):
    data = profile_data()
    del data["regions"]

    response = client.post(url("vendor_profile_edit"), data)

    assert response.status_code == 200
    assert 'href="#id_regions_0"' in response.content.decode()


def test_vendor_register_creates_the_firm_with_its_member(client):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.RegionFactory(code="03")
    factories.ExpertiseFactory(code="cloud")
    client.force_login(user)

    response = client.post(url("vendor_register"), profile_data(neq="9876543210"))

    vendor = Vendor.objects.get(neq="9876543210")
    assert response.status_code == 302
    assert list(vendor.members.all()) == [user]


@pytest.fixture
def newcomer(client, taxonomy) -> User:
    """A vendor member with no firm yet, signed in."""
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    client.force_login(user)
    return user


def test_vendor_register_creates_a_firm_the_register_lists(client, newcomer, register_extract):
    response = client.post(url("vendor_register"), profile_data(neq="1199000011"))

    assert response.status_code == 302
    assert list(Vendor.objects.get(neq="1199000011").members.all()) == [newcomer]


@pytest.mark.parametrize(
    ("neq", "reason"),
    [
        (
            "1234567890",
            "ne figure pas dans l'extrait du registre des entreprises du Québec du 1 décembre 2026",
        ),
        ("1199000052", "une entreprise radiée du registre ne peut pas s'inscrire sur Maillage"),
        ("1199000078", "compte de 1 000 à 2 499 employés, plus que les 499 que peut compter une PME"),
    ],
)
def test_vendor_register_refuses_a_neq_the_register_does_not_allow_on_its_field(
    client, newcomer, register_extract, neq, reason
):
    response = client.post(url("vendor_register"), profile_data(neq=neq))

    assert response.status_code == 200
    assert any(reason in error for error in response.context["forms"].profile.errors["neq"])
    assert 'href="#id_neq"' in response.content.decode()
    assert not Vendor.objects.filter(neq=neq).exists()


def test_vendor_register_refuses_a_firm_over_the_sme_ceiling_in_english(client, newcomer, register_extract):
    with translation.override("en"):
        response = client.post(url("vendor_register"), profile_data(neq="1199000086"))

    assert response.status_code == 200
    assert "500 à 749 employees, more than the 499 an SME may have" in response.content.decode()
    assert not Vendor.objects.filter(neq="1199000086").exists()


def test_vendor_register_refuses_the_register_s_refusal_even_when_another_field_is_wrong(
    client, newcomer, register_extract
):
    response = client.post(url("vendor_register"), profile_data(neq="1199000060", description=""))

    errors = response.context["forms"].profile.errors
    assert "description" in errors and "radiée" in errors["neq"][0]


def test_vendor_register_keeps_today_s_refusal_for_a_neq_already_on_maillage(
    client, newcomer, register_extract
):
    factories.VendorFactory(neq="1199000029")

    response = client.post(url("vendor_register"), profile_data(neq="1199000029"))

    assert response.context["forms"].profile.errors["neq"] == [
        "Une autre entreprise est déjà inscrite avec ce NEQ."
    ]
    assert Vendor.objects.filter(neq="1199000029").count() == 1


def test_vendor_register_shows_what_the_register_found_after_a_submit(client, newcomer, register_extract):
    response = client.post(url("vendor_register"), profile_data(neq="1199000011", description=""))

    evidence = response.content.decode().split('id="register-evidence"')[1].split("</form>")[0]
    assert "Solutions Boréales Numériques inc." in evidence and "Boréal Numérique" in evidence
    assert "Immatriculée depuis le 2 avril 2019" in evidence
    assert "Capitale-Nationale" in evidence
    assert "11 à 25 employés" in evidence
    assert "1 décembre 2026" in evidence


def test_vendor_register_check_shows_the_register_s_evidence_and_refusal(client, newcomer, register_extract):
    response = client.get(url("vendor_register_check"), {"neq": "1199000052"}, headers={"HX-Request": "true"})

    page = html.unescape(response.content.decode())
    assert "Ancienne Agence Web du Plateau inc." in page and "Radiée d'office" in page
    assert "Montréal" in page
    assert "une entreprise radiée du registre ne peut pas s'inscrire" in page


def test_vendor_register_check_says_when_the_region_cannot_be_told(client, newcomer, register_extract):
    response = client.get(url("vendor_register_check"), {"neq": "1199000037"})

    assert "Non déterminée à partir du code postal J8Y 6T4" in response.content.decode()


def test_vendor_register_check_says_nothing_until_the_neq_has_10_digits(client, newcomer, register_extract):
    response = client.get(url("vendor_register_check"), {"neq": "11990"})

    assert response.content.decode().strip() == ""


def test_vendor_register_without_an_extract_says_so_and_lets_the_firm_register(client, newcomer):
    page = html.unescape(client.get(url("vendor_register_check"), {"neq": "1199000011"}).content.decode())
    response = client.post(url("vendor_register"), profile_data(neq="1199000011"))

    assert "aucun extrait n’est encore chargé" in page
    assert response.status_code == 302 and Vendor.objects.filter(neq="1199000011").exists()


# Recommendations


def test_vendor_recommendations_explain_each_challenge_in_the_apis_words(client, vendor, indexed):
    (challenge,) = indexed(
        factories.ChallengeFactory(published=True, description=TEXT, required_certifications=["SOC 2"])
    )

    response = client.get(url("vendor_recommendations"))

    page = response.content.decode()
    assert response.status_code == 200
    assert url("challenge_detail", challenge_id=challenge.pk) in page
    assert "Certifications manquantes\xa0: SOC 2." in page.split("Ce qui manque")[1]
    assert "voir les passages en surbrillance" in page and "<mark>" in page


def test_vendor_recommendations_paginate(client, vendor, indexed):
    for number in range(12):
        indexed(factories.ChallengeFactory(published=True, title=f"Infonuagique {number}", description=TEXT))

    response = client.get(url("vendor_recommendations"), {"page": "2"})

    assert response.status_code == 200
    assert response.context["total"] == 12
    assert len(response.context["recommendations"]) == 2
    assert response.context["recommendations"][0]["rank"] == 11


def test_vendor_recommendations_show_the_last_page_past_the_end(client, vendor, indexed):
    indexed(factories.ChallengeFactory(published=True, description=TEXT))

    response = client.get(url("vendor_recommendations"), {"page": "9"})

    assert response.status_code == 200
    assert len(response.context["recommendations"]) == 1


# Saved searches


def test_saved_searches_prefill_the_form_from_the_opportunity_search(client, vendor):
    factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")

    response = client.get(url("saved_searches"), {"q": "nuage", "region": ["03", "06"], "budget": "lt-100k"})

    form = response.context["form"]
    assert response.status_code == 200
    assert form["q"].value() == "nuage" and form["region"].value() == ["03", "06"]
    assert form["budget"].value() == ["lt-100k"]


def test_saved_searches_create_saves_for_the_current_firm(client, member, vendor):
    response = client.post(
        url("saved_searches"), {"action": "create", "name": "Nuage", "q": "infonuagique", "region": ["03"]}
    )

    saved = SavedSearch.objects.get(user=member)
    assert response.status_code == 302
    assert (saved.vendor, saved.query, saved.filters) == (vendor, "infonuagique", {"region": ["03"]})


def test_saved_searches_create_refuses_a_deadline_and_keeps_what_was_typed(client, member, vendor):
    response = client.post(
        url("saved_searches"), {"action": "create", "name": "Bientôt", "q": "portail", "deadline": ["30d"]}
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert not SavedSearch.objects.exists()
    assert 'href="#id_deadline_0"' in page
    assert 'value="Bientôt"' in page and 'value="portail"' in page


def test_saved_searches_create_requires_a_name(client, vendor):
    response = client.post(url("saved_searches"), {"action": "create", "name": "", "q": "portail"})

    assert response.status_code == 200
    assert response.context["form"].errors["name"]


def test_saved_searches_delete_removes_the_members_own_search(client, member, vendor):
    saved = factories.SavedSearchFactory(user=member, vendor=vendor, name="Nuage")

    response = client.post(url("saved_searches"), {"action": "delete", "saved_search": saved.pk})

    assert response.status_code == 302
    assert not SavedSearch.objects.exists()


def test_saved_searches_delete_answers_404_for_someone_elses_search(client, member):
    other = another_firm_member()
    saved = factories.SavedSearchFactory(user=other, vendor=other.vendors.get(), name="Nuage")

    response = client.post(url("saved_searches"), {"action": "delete", "saved_search": saved.pk})

    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved.pk).exists()


def test_saved_searches_list_the_alerts_received(client, member, vendor):
    notification_create(
        user=member,
        kind=Notification.Kind.CHALLENGE_MATCH,
        title="Nouveau défi : Nuage",
        body="Corps",
        url="/fr/challenges/1/",
        dedupe_key="challenge-match:1",
    )
    notification_create(
        user=member, kind=Notification.Kind.AWARDED, title="Attribué", body="", url="", dedupe_key="awarded:1"
    )

    response = client.get(url("saved_searches"))

    page = response.content.decode()
    assert "Nouveau défi : Nuage" in page
    assert "Attribué" not in page


# Introductions


def test_vendor_introductions_list_only_the_firms_own(client, vendor):
    mine = introduce(vendor, title="Défi de ma firme")
    introduce(factories.VendorFactory(), title="Défi d'une autre firme")

    response = client.get(url("vendor_introductions"))

    page = response.content.decode()
    assert "Défi de ma firme" in page and "Défi d'une autre firme" not in page
    assert mine.get_status_display() in page


def test_vendor_introduction_detail_answers_404_for_another_firms_introduction(client, member):
    other = introduce(factories.VendorFactory())

    assert client.get(url("vendor_introduction_detail", introduction_id=other.pk)).status_code == 404


def test_vendor_introduction_express_interest_marks_the_firm_interested(client, vendor):
    introduction = introduce(vendor)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "interest", "pitch": "Nous avons migré 40 applications."},
    )

    introduction.refresh_from_db()
    assert response.status_code == 302
    assert introduction.status == Introduction.Status.INTERESTED


def test_vendor_introduction_express_interest_keeps_the_pitch(client, vendor):
    introduction = introduce(vendor)

    client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "interest", "pitch": "Nous avons migré 40 applications."},
    )

    introduction.refresh_from_db()
    assert introduction.pitch == "Nous avons migré 40 applications."


def test_vendor_introduction_express_interest_requires_a_pitch(client, vendor):
    introduction = introduce(vendor)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk), {"action": "interest"}
    )

    introduction.refresh_from_db()
    assert response.status_code == 200
    assert introduction.status == Introduction.Status.INTRODUCED
    assert 'href="#id_pitch"' in response.content.decode()


def test_vendor_introduction_shows_a_conflict_as_a_clear_message(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.DECLINED)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "interest", "pitch": "Oui."},
    )

    assert response.status_code == 409
    assert "Cette mise en relation est au statut «\xa0déclinée\xa0»" in response.content.decode()


def test_vendor_introduction_decline_marks_the_firm_declined(client, vendor):
    introduction = introduce(vendor)

    client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "decline", "reason": "Carnet de commandes complet."},
    )

    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.DECLINED


def test_vendor_introduction_decline_keeps_the_reason(client, vendor):
    introduction = introduce(vendor)

    client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "decline", "reason": "Carnet de commandes complet."},
    )

    introduction.refresh_from_db()
    assert introduction.decline_reason == "Carnet de commandes complet."


def test_vendor_introduction_decline_without_reason_keeps_the_form_open(client, vendor):
    introduction = introduce(vendor)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "decline", "reason": "  "},
    )

    introduction.refresh_from_db()
    assert response.status_code == 200
    assert introduction.status == Introduction.Status.INTRODUCED
    assert response.context["decline_form"].errors


def test_vendor_introduction_answers_htmx_with_the_workspace_only(client, vendor):
    introduction = introduce(vendor)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "interest", "pitch": "Nous sommes prêts."},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<div id="introduction-workspace"')
    assert 'role="status"' in page and "<html" not in page


def test_vendor_introduction_ask_sends_a_question(client, member, vendor):
    introduction = introduce(vendor)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "ask", "question": "Quel est l'hébergement actuel ?"},
    )

    clarification = Clarification.objects.get()
    assert response.status_code == 302
    assert (clarification.asked_by, clarification.question) == (member, "Quel est l'hébergement actuel ?")


def test_vendor_introduction_ask_submitted_twice_stores_the_question_once(client, vendor):
    introduction = introduce(vendor)
    ask = {"action": "ask", "question": "Quel est l'hébergement actuel ?"}
    client.post(url("vendor_introduction_detail", introduction_id=introduction.pk), ask)

    response = client.post(url("vendor_introduction_detail", introduction_id=introduction.pk), ask)

    assert response.status_code == 200
    assert "Cette question a déjà été posée au sujet de ce défi." in response.content.decode()
    assert Clarification.objects.count() == 1


def test_vendor_introduction_shows_answers_without_saying_who_asked(client, vendor):
    introduction = introduce(vendor)
    asker = factories.UserFactory(username="curieuse", first_name="Madeleine", last_name="Questionneuse")
    factories.ClarificationFactory(
        challenge=introduction.challenge,
        asked_by=asker,
        question="Le code est-il ouvert ?",
        answer="Oui, sous licence libre.",
        answered_at=timezone.now(),
    )

    page = client.get(url("vendor_introduction_detail", introduction_id=introduction.pk)).content.decode()

    assert "Le code est-il ouvert ?" in page and "Oui, sous licence libre." in page
    assert "curieuse" not in page and "Questionneuse" not in page


# Engagements


def test_vendor_engagement_shows_milestones_with_amounts_and_payouts(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.AWARDED)
    engagement = factories.EngagementFactory(introduction=introduction)
    factories.MilestoneFactory(engagement=engagement, title="Plan de migration")
    paid = factories.MilestoneFactory(
        engagement=engagement, title="Migration", status=Milestone.Status.ACCEPTED
    )
    factories.PayoutFactory(milestone=paid, status=Payout.Status.SUBMITTED)

    french = client.get(url("vendor_engagement", engagement_id=engagement.pk)).content.decode()
    english = client.get(f"/en{url('vendor_engagement', engagement_id=engagement.pk)[3:]}").content.decode()

    assert "1\u00a0234,56\u00a0$" in french
    assert "$1,234.56" in english
    assert "Sent to the payment provider" in english


def test_vendor_engagement_marks_a_milestone_delivered(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.AWARDED)
    milestone = factories.MilestoneFactory(engagement__introduction=introduction)

    response = client.post(
        url("vendor_engagement", engagement_id=milestone.engagement_id),
        {"action": "deliver", "milestone": milestone.pk},
    )

    milestone.refresh_from_db()
    assert response.status_code == 302
    assert milestone.status == Milestone.Status.DELIVERED


def test_vendor_engagement_answers_htmx_with_the_milestones_only(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.AWARDED)
    milestone = factories.MilestoneFactory(engagement__introduction=introduction)

    response = client.post(
        url("vendor_engagement", engagement_id=milestone.engagement_id),
        {"action": "deliver", "milestone": milestone.pk},
        HTTP_HX_REQUEST="true",
    )

    page = response.content.decode()
    assert response.status_code == 200
    assert page.lstrip().startswith('<section id="milestones"')
    assert 'role="status"' in page and "<html" not in page


def test_vendor_engagement_shows_a_conflict_when_already_delivered(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.AWARDED)
    milestone = factories.MilestoneFactory(
        engagement__introduction=introduction, status=Milestone.Status.DELIVERED
    )

    response = client.post(
        url("vendor_engagement", engagement_id=milestone.engagement_id),
        {"action": "deliver", "milestone": milestone.pk},
    )

    assert response.status_code == 409
    assert "Ce jalon est au statut «\xa0livré\xa0»" in response.content.decode()


def test_vendor_engagement_answers_404_for_another_firms_engagement(client, member):
    engagement = factories.EngagementFactory()

    assert client.get(url("vendor_engagement", engagement_id=engagement.pk)).status_code == 404


def test_vendor_engagement_refuses_a_milestone_of_another_engagement(client, vendor):
    introduction = introduce(vendor, status=Introduction.Status.AWARDED)
    engagement = factories.EngagementFactory(introduction=introduction)
    foreign = factories.MilestoneFactory()

    response = client.post(
        url("vendor_engagement", engagement_id=engagement.pk), {"action": "deliver", "milestone": foreign.pk}
    )

    foreign.refresh_from_db()
    assert response.status_code == 404
    assert foreign.status == Milestone.Status.PLANNED


# Coordinators act for a firm, as in the API (hub.roles.is_vendor_member)


@pytest.fixture
def firm(vendor_member) -> Vendor:
    return vendor_member.vendors.get()


@pytest.fixture
def acting_coordinator(client, coordinator) -> User:
    client.force_login(coordinator)
    return coordinator


@pytest.mark.parametrize(
    "role",
    [User.Role.VENDOR_MEMBER, User.Role.MINISTRY_MEMBER, User.Role.COORDINATOR, User.Role.ADMINISTRATOR],
)
def test_vendor_pages_admit_the_roles_the_vendor_api_admits(client, api_client, role):
    user = factories.UserFactory(role=role)
    client.force_login(user)
    api_client.force_authenticate(user)

    page = client.get(url("vendor_dashboard"))
    api = api_client.get(reverse("saved-search-list"))

    assert (page.status_code == 200) == (api.status_code == 200)
    assert {page.status_code, api.status_code} <= {200, 403}


def test_vendor_dashboard_tells_a_coordinator_without_a_firm_how_to_choose_one(client, acting_coordinator):
    response = client.get(url("vendor_dashboard"))

    page = response.content.decode()
    assert response.status_code == 200
    assert url("vendor_directory") in page and url("vendor_register") not in page


def test_vendor_dashboard_acts_for_the_firm_a_coordinator_chooses(client, acting_coordinator, firm):
    response = client.get(url("vendor_dashboard"), {"vendor": firm.pk})

    assert response.status_code == 200
    assert response.context["vendor"] == firm
    assert response.context["acting_for"] == firm.name


def test_vendor_pages_remember_the_firm_a_coordinator_chose(client, acting_coordinator, firm):
    client.get(url("vendor_dashboard"), {"vendor": firm.pk})

    response = client.get(url("vendor_profile_edit"))

    assert response.status_code == 200
    assert response.context["vendor"] == firm


def test_vendor_pages_send_a_coordinator_without_a_firm_to_the_dashboard(client, acting_coordinator):
    response = client.get(url("vendor_introductions"))

    assert response.status_code == 302
    assert response.url == url("vendor_dashboard")


def test_vendor_profile_edit_asks_a_coordinator_why_they_act_for_the_firm(client, acting_coordinator, firm):
    response = client.get(url("vendor_profile_edit"), {"vendor": firm.pk})

    assert 'name="reason"' in response.content.decode()


def test_vendor_profile_edit_does_not_ask_a_member_for_a_reason(client, vendor):
    response = client.get(url("vendor_profile_edit"))

    assert 'name="reason"' not in response.content.decode()


def test_vendor_profile_edit_by_a_coordinator_without_a_reason_changes_nothing(
    client, acting_coordinator, firm
):
    name = firm.name

    response = client.post(f"{url('vendor_profile_edit')}?vendor={firm.pk}", profile_data())

    firm.refresh_from_db()
    assert response.status_code == 200
    assert firm.name == name


def test_vendor_profile_edit_by_a_coordinator_with_a_reason_is_done_on_the_firms_behalf(
    client, acting_coordinator, firm
):
    name = firm.name

    response = client.post(
        f"{url('vendor_profile_edit')}?vendor={firm.pk}", profile_data(reason="La firme nous l'a demandé.")
    )

    entry = AuditEntry.objects.get(object_type="vendor", object_id=firm.pk, action="update_profile")
    assert response.status_code == 302
    assert (entry.actor, entry.on_behalf_of) == (acting_coordinator, name)


def test_vendor_introduction_interest_by_a_coordinator_without_a_reason_changes_nothing(
    client, acting_coordinator, firm
):
    introduction = introduce(firm)

    response = client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {"action": "interest", "pitch": "Nous avons migré 40 applications."},
    )

    introduction.refresh_from_db()
    assert response.status_code == 200
    assert introduction.status == Introduction.Status.INTRODUCED


def test_vendor_introduction_interest_by_a_coordinator_with_a_reason_tells_the_firm(
    client, acting_coordinator, firm
):
    introduction = introduce(firm)

    client.post(
        url("vendor_introduction_detail", introduction_id=introduction.pk),
        {
            "action": "interest",
            "pitch": "Nous avons migré 40 applications.",
            "reason": "Demandé par la firme.",
        },
    )

    introduction.refresh_from_db()
    assert introduction.status == Introduction.Status.INTERESTED
    assert Notification.objects.filter(user__vendors=firm, kind=Notification.Kind.ON_BEHALF).exists()


def test_vendor_engagement_deliver_by_a_coordinator_without_a_reason_says_why_it_is_refused(
    client, acting_coordinator, firm
):
    introduction = introduce(firm, status=Introduction.Status.AWARDED)
    milestone = factories.MilestoneFactory(engagement__introduction=introduction)

    response = client.post(
        url("vendor_engagement", engagement_id=milestone.engagement_id),
        {"action": "deliver", "milestone": milestone.pk},
    )

    milestone.refresh_from_db()
    assert response.status_code == 400
    assert milestone.status == Milestone.Status.PLANNED
    assert firm.name in response.content.decode()


def test_vendor_detail_offers_a_coordinator_to_act_for_the_firm(client, acting_coordinator, firm):
    page = client.get(url("vendor_detail", vendor_id=firm.pk)).content.decode()

    assert f"{url('vendor_dashboard')}?vendor={firm.pk}" in page


def test_saved_searches_offer_a_coordinator_no_form_to_save_one_for_the_firm(
    client, acting_coordinator, firm
):
    response = client.get(url("saved_searches"), {"vendor": firm.pk})

    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="action" value="create"' not in page
    assert "seuls les membres de l’entreprise en sauvegardent une" in page


def test_saved_searches_offer_the_firms_member_the_form(client, vendor_member, firm):
    client.force_login(vendor_member)

    response = client.get(url("saved_searches"))

    assert 'name="action" value="create"' in response.content.decode()
