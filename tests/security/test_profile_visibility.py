"""A section a firm hid from its public profile stays hidden on every channel (issue 13, item 2).

Each test reproduces one way a hidden value came back: the search API and the directory page, their
facets and filters, the DB list's filters (bisection), a derived value (`is_sme`), a person's search
words, and the matcher's explanation shown to a ministry. tests/security/test_visibility_property.py
then checks every channel at once for any choice of public sections."""

import dataclasses

import pytest
from django.urls import reverse
from elasticsearch_dsl import connections

from hub.models import User
from marketplace.models import ProfileSection
from matching.models import Introduction
from matching.search.documents import index_alias
from matching.search.explain import Explanation
from matching.search.kinds import SearchKind
from tests import factories

pytestmark = pytest.mark.django_db

VENDORS = reverse("vendor-list")
SEARCH = reverse("vendor-search")
SECRET_DESCRIPTION = "Nous maîtrisons la cryptographie quantique pour les registres fonciers."
SECRET_REFERENCE = "Refonte du registre hydrographique"
SECRET_CERTIFICATION = "CMMI niveau 5"


def every_section_but(*hidden: str) -> list[str]:
    return [section for section in ProfileSection.values if section not in hidden]


def secretive_vendor(*, public_profile: list[str], **fields):
    vendor = factories.VendorFactory(
        name="Firme discrète",
        description=SECRET_DESCRIPTION,
        certifications=[SECRET_CERTIFICATION],
        public_profile=public_profile,
        contact_name="Julie Tremblay",
        contact_email="julie@discrete.qc.ca",
        **fields,
    )
    factories.VendorReferenceFactory(
        vendor=vendor, client="Ville de Lévis", title=SECRET_REFERENCE, year=2023
    )
    return vendor


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def facet(response, name: str) -> dict[str, int]:
    return {item["value"]: item["count"] for item in response.json()["facets"][name] if item["count"]}


# The database list and detail (GET /api/v1/vendors/)


@pytest.mark.parametrize(
    ("section", "query"),
    [
        ("regions", {"region": "06"}),
        ("employees", {"max_employees": 30}),
        ("employees", {"max_employees": 1000}),
    ],
)
def test_vendor_list_filter_on_a_hidden_section_never_matches_the_firm(api_client, section, query):
    hidden = secretive_vendor(
        public_profile=every_section_but(section), regions=[factories.RegionFactory(code="06")]
    )
    shown = factories.VendorFactory(regions=[factories.RegionFactory(code="06")])

    response = api_client.get(VENDORS, query)

    assert response.status_code == 200
    assert hidden.id not in ids(response)
    assert shown.id in ids(response)


def test_vendor_list_filter_on_a_hidden_section_matches_for_the_firms_members(api_client):
    member = factories.UserFactory()
    vendor = secretive_vendor(
        public_profile=[], members=[member], regions=[factories.RegionFactory(code="06")]
    )
    api_client.force_authenticate(member)

    response = api_client.get(VENDORS, {"region": "06", "max_employees": 30})

    assert ids(response) == [vendor.id]


def test_vendor_detail_hides_is_sme_with_the_number_of_employees(api_client):
    vendor = secretive_vendor(public_profile=every_section_but("employees"))

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    assert body["employees"] is None
    assert body["is_sme"] is None


# What an introduction unlocks for the ministry


@pytest.mark.parametrize(
    ("status", "unlocked"),
    [
        (Introduction.Status.INTRODUCED, False),
        (Introduction.Status.DECLINED, False),
        (Introduction.Status.INTERESTED, True),
        (Introduction.Status.SHORTLISTED, True),
        (Introduction.Status.AWARDED, True),
        (Introduction.Status.NOT_SELECTED, True),
    ],
)
def test_vendor_detail_shows_the_whole_profile_to_an_organization_the_firm_answered(
    api_client, ministry_member, status, unlocked
):
    vendor = secretive_vendor(public_profile=[])
    challenge = factories.ChallengeFactory(published=True, organization=ministry_member.organizations.get())
    proposal = factories.MatchProposalFactory(approved=True, challenge=challenge, vendor=vendor)
    factories.IntroductionFactory(proposal=proposal, status=status)
    api_client.force_authenticate(ministry_member)

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    assert (body["contact_email"] == "julie@discrete.qc.ca") is unlocked
    assert (body["description"] == SECRET_DESCRIPTION) is unlocked


def test_vendor_page_shows_the_contact_person_to_an_organization_the_firm_answered(client, ministry_member):
    vendor = secretive_vendor(public_profile=[])
    challenge = factories.ChallengeFactory(published=True, organization=ministry_member.organizations.get())
    proposal = factories.MatchProposalFactory(approved=True, challenge=challenge, vendor=vendor)
    factories.IntroductionFactory(proposal=proposal, status=Introduction.Status.INTERESTED)
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:vendor_detail", args=[vendor.id])).content.decode()

    assert "julie@discrete.qc.ca" in html and "cryptographie quantique" in html


def test_vendor_detail_keeps_the_profile_hidden_from_another_organization_than_the_one_answered(api_client):
    vendor = secretive_vendor(public_profile=[])
    factories.IntroductionFactory(
        proposal=factories.MatchProposalFactory(approved=True, vendor=vendor),
        status=Introduction.Status.INTERESTED,
    )
    other = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationFactory(members=[other])
    api_client.force_authenticate(other)

    body = api_client.get(reverse("vendor-detail", args=[vendor.id])).json()

    assert body["description"] is None and body["contact_email"] is None


def _introduced(ministry_member, *, status: str, public_profile: list[str]):
    vendor = secretive_vendor(public_profile=public_profile)
    explanation = Explanation(
        score=4.2,
        expertise_matched=["cloud"],
        highlights={
            "description": ["la <mark>cryptographie</mark> quantique"],
            "references": ["<mark>hydrographique</mark>"],
        },
        region_fit=True,
        certifications_present=[SECRET_CERTIFICATION],
        certifications_missing=["ISO 9001"],
        sme_eligible=True,
    )
    challenge = factories.ChallengeFactory(published=True, organization=ministry_member.organizations.get())
    proposal = factories.MatchProposalFactory(
        approved=True, challenge=challenge, vendor=vendor, explanation=dataclasses.asdict(explanation)
    )
    factories.IntroductionFactory(proposal=proposal, status=status)
    return challenge


@pytest.mark.search
def test_challenge_manage_explanation_drops_what_comes_from_hidden_sections_until_the_firm_answers(
    client, ministry_member
):
    challenge = _introduced(ministry_member, status=Introduction.Status.INTRODUCED, public_profile=[])
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:challenge_manage", args=[challenge.id])).content.decode()

    for hidden in (
        "cryptographie",
        "hydrographique",
        SECRET_CERTIFICATION,
        "ISO 9001",
        "Présente dans la région",
        "Admissible à titre de PME",
        "Certifications détenues",
        "Certifications manquantes",
    ):
        assert hidden not in html
    assert "Firme discrète" in html


@pytest.mark.search
def test_challenge_manage_explanation_keeps_what_comes_from_public_sections(client, ministry_member):
    challenge = _introduced(
        ministry_member, status=Introduction.Status.INTRODUCED, public_profile=every_section_but("references")
    )
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:challenge_manage", args=[challenge.id])).content.decode()

    assert "<mark>cryptographie</mark>" in html and "Présente dans la région" in html
    assert SECRET_CERTIFICATION in html and "Admissible à titre de PME" in html
    assert "hydrographique" not in html


@pytest.mark.search
def test_challenge_manage_explanation_is_whole_once_the_firm_expressed_interest(client, ministry_member):
    challenge = _introduced(ministry_member, status=Introduction.Status.INTERESTED, public_profile=[])
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:challenge_manage", args=[challenge.id])).content.decode()

    assert "<mark>cryptographie</mark>" in html and "<mark>hydrographique</mark>" in html
    assert SECRET_CERTIFICATION in html and "Présente dans la région" in html


# Vendor search (API and directory page)


@pytest.mark.search
def test_vendor_search_returns_hidden_sections_as_null(api_client, ministry_member, indexed):
    (vendor,) = indexed(secretive_vendor(public_profile=[]))
    api_client.force_authenticate(ministry_member)

    result = api_client.get(SEARCH).json()["results"][0]

    assert result["id"] == vendor.id
    assert {
        name: result[name] for name in ("description", "regions", "employees", "certifications")
    } == dict.fromkeys(("description", "regions", "employees", "certifications"))


@pytest.mark.search
@pytest.mark.parametrize(
    ("section", "words"),
    [
        (ProfileSection.DESCRIPTION, "cryptographie quantique"),
        (ProfileSection.REFERENCES, "hydrographique"),
        (ProfileSection.CERTIFICATIONS, SECRET_CERTIFICATION),
    ],
)
def test_vendor_search_words_never_find_a_firm_by_its_hidden_text(
    api_client, ministry_member, section, words, indexed
):
    hidden, shown = indexed(
        secretive_vendor(public_profile=every_section_but(section)),
        secretive_vendor(public_profile=every_section_but(), neq="2200000001", key="v-shown"),
    )
    api_client.force_authenticate(ministry_member)

    response = api_client.get(SEARCH, {"q": words})

    assert ids(response) == [shown.id]
    assert hidden.id not in ids(response)


@pytest.mark.search
def test_vendor_search_words_still_find_a_firm_by_its_public_text(api_client, ministry_member, indexed):
    (vendor,) = indexed(secretive_vendor(public_profile=every_section_but("references", "certifications")))
    api_client.force_authenticate(ministry_member)

    result = api_client.get(SEARCH, {"q": "cryptographie"}).json()["results"]

    assert [item["id"] for item in result] == [vendor.id]
    assert "<mark>cryptographie</mark>" in result[0]["highlights"]["description"][0]


@pytest.mark.search
def test_vendor_search_words_find_hidden_text_for_coordinators(api_client, coordinator, indexed):
    (vendor,) = indexed(secretive_vendor(public_profile=[]))
    api_client.force_authenticate(coordinator)

    result = api_client.get(SEARCH, {"q": "hydrographique"}).json()["results"]

    assert [item["id"] for item in result] == [vendor.id]
    assert result[0]["description"] == SECRET_DESCRIPTION


@pytest.mark.search
def test_vendor_search_highlights_no_hidden_description(api_client, ministry_member, indexed):
    indexed(secretive_vendor(public_profile=every_section_but("description")))
    api_client.force_authenticate(ministry_member)

    result = api_client.get(SEARCH, {"q": "Firme"}).json()["results"][0]

    assert result["highlights"]["description"] == []
    assert result["description"] is None


@pytest.mark.search
def test_vendor_search_facets_and_filters_ignore_hidden_values(api_client, ministry_member, indexed):
    montreal = factories.RegionFactory(code="06")
    indexed(
        secretive_vendor(public_profile=[], regions=[montreal]),
        factories.VendorFactory(regions=[factories.RegionFactory(code="03")], certifications=["ISO 27001"]),
    )
    api_client.force_authenticate(ministry_member)

    everything = api_client.get(SEARCH)
    by_region = api_client.get(SEARCH, {"region": "06"})
    by_size = api_client.get(SEARCH, {"size": "10-49"})
    by_certification = api_client.get(SEARCH, {"certification": SECRET_CERTIFICATION})

    assert everything.json()["count"] == 2
    assert facet(everything, "region") == {"03": 1}
    assert facet(everything, "size") == {"10-49": 1}
    assert facet(everything, "certification") == {"ISO 27001": 1}
    assert by_region.json()["count"] == 0
    assert by_size.json()["count"] == 1
    assert by_certification.json()["count"] == 0


@pytest.mark.search
def test_vendor_directory_page_shows_no_hidden_section(client, ministry_member, indexed):
    indexed(
        secretive_vendor(public_profile=[], regions=[factories.RegionFactory(code="06", label_fr="Montréal")])
    )
    client.force_login(ministry_member)

    html = client.get(reverse("frontend:vendor_directory"), {"q": "Firme"}).content.decode()

    assert "<mark>Firme</mark> discrète" in html
    for hidden in ("cryptographie", SECRET_CERTIFICATION, "Montréal", ">25<"):
        assert hidden not in html


@pytest.mark.search
def test_vendor_search_follows_a_change_of_the_public_profile(
    api_client, ministry_member, django_capture_on_commit_callbacks, indexed
):
    member = factories.UserFactory()
    (vendor,) = indexed(secretive_vendor(public_profile=every_section_but(), members=[member]))
    api_client.force_authenticate(member)

    with django_capture_on_commit_callbacks(execute=True):
        api_client.patch(reverse("vendor-detail", args=[vendor.id]), {"public_profile": []}, format="json")
    connections.get_connection().indices.refresh(index=index_alias(SearchKind.VENDOR))
    api_client.force_authenticate(ministry_member)

    assert ids(api_client.get(SEARCH, {"q": "cryptographie"})) == []


# The live reach beside a ministry's challenge form


def reach(client, **params):
    return client.get(reverse("frontend:challenge_reach"), {"expertise": ["rare"], **params}).context["reach"]


@pytest.mark.search
@pytest.mark.parametrize(
    ("section", "params"),
    [
        ("regions", {"regions": ["06"]}),
        ("certifications", {"required_certifications": SECRET_CERTIFICATION}),
        ("employees", {"max_employees": "30"}),
    ],
)
def test_challenge_reach_never_counts_a_firm_by_a_hidden_section(
    client, ministry_member, section, params, indexed
):
    rare = factories.ExpertiseFactory(code="rare", label_fr="Rare", label_en="Rare")
    montreal = factories.RegionFactory(code="06")
    # The only firm with this expertise: a count of 1 under a requirement would tell its hidden value.
    indexed(secretive_vendor(public_profile=every_section_but(section), expertise=[rare], regions=[montreal]))
    client.force_login(ministry_member)

    assert reach(client).matching == 1
    assert reach(client, **params).matching == 0


@pytest.mark.search
def test_challenge_reach_counts_what_a_firm_shows(client, ministry_member, indexed):
    rare = factories.ExpertiseFactory(code="rare", label_fr="Rare", label_en="Rare")
    montreal = factories.RegionFactory(code="06")
    indexed(secretive_vendor(public_profile=every_section_but(), expertise=[rare], regions=[montreal]))
    client.force_login(ministry_member)

    counted = reach(client, regions=["06"], required_certifications=SECRET_CERTIFICATION, max_employees="30")

    assert (counted.eligible, counted.matching) == (1, 1)
