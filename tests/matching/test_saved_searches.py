import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from elasticsearch_dsl import connections

from hub.models import Notification, User
from marketplace import services as marketplace_services
from marketplace.models import Challenge
from matching import services
from matching.models import SavedSearch
from matching.search import indexing, people
from matching.search.documents import ChallengeDocument, index_alias, index_body
from matching.search.kinds import SearchKind
from matching.tasks import saved_search_alerts_send_task
from tests import factories

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.search,
    pytest.mark.usefixtures("taxonomy"),
]

SAVED_SEARCHES = reverse("saved-search-list")


@pytest.fixture
def vendor_client(api_client, vendor_member):
    api_client.force_authenticate(vendor_member)
    return api_client


def save(user: User, *, name: str = "Nuage", q: str = "", **filters) -> SavedSearch:
    return services.saved_search_create(user=user, name=name, q=q, filters=filters)


def stored_ids() -> set[int]:
    alias = index_alias(SearchKind.SAVED_SEARCH)
    client = connections.get_connection()
    client.indices.refresh(index=alias)
    return {
        int(hit["_id"])
        for hit in client.search(index=alias, body={"size": 100, "_source": False})["hits"]["hits"]
    }


def publish(challenge: Challenge, *, by: User) -> None:
    """Publish the challenge, with a valid evaluation grid (publishing requires one)."""
    if not challenge.award_mode:
        factories.grid_create(challenge)
    marketplace_services.challenge_transition(
        challenge=challenge, user=by, to_status=Challenge.Status.PUBLISHED
    )


def other_vendor_member() -> User:
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[user])
    return user


def submitted_challenge(**fields) -> Challenge:
    return factories.ChallengeFactory(submitted=True, **fields)


# Saving and deleting


def test_saved_search_create_keeps_the_search_for_the_members_firm(vendor_client, vendor_member):
    response = vendor_client.post(
        SAVED_SEARCHES,
        {"name": "Nuage à Québec", "q": "infonuagique", "expertise": ["cloud"], "region": ["03"]},
        format="json",
    )

    assert response.status_code == 201
    saved_search = SavedSearch.objects.get()
    assert (saved_search.user, saved_search.vendor) == (vendor_member, vendor_member.vendors.get())
    assert saved_search.filters == {"expertise": ["cloud"], "region": ["03"]}
    assert response.data["q"] == "infonuagique"
    assert stored_ids() == {saved_search.id}


def test_saved_search_create_refuses_a_deadline_filter(vendor_client):
    response = vendor_client.post(
        SAVED_SEARCHES, {"name": "Bientôt", "deadline": ["30d"]}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )

    assert response.status_code == 400
    assert "deadline" in response.data["deadline"][0].lower()
    assert not SavedSearch.objects.exists()


def test_saved_search_create_checks_filters_like_challenge_search(vendor_client):
    response = vendor_client.post(
        SAVED_SEARCHES, {"name": "Astres", "expertise": ["astrologie"]}, format="json"
    )

    assert response.status_code == 400
    assert "astrologie" in response.data["expertise"][0]


def test_saved_search_create_refuses_empty_words(vendor_client):
    response = vendor_client.post(SAVED_SEARCHES, {"name": "Vide", "q": "  "}, format="json")

    assert response.status_code == 400
    assert "q" in response.data


def test_saved_search_create_refuses_public_organization_members(api_client, ministry_member):
    api_client.force_authenticate(ministry_member)

    response = api_client.post(SAVED_SEARCHES, {"name": "Nuage"}, format="json")

    assert response.status_code == 403


def test_saved_search_create_refuses_a_firm_the_user_is_not_a_member_of(vendor_client):
    other_firm = factories.VendorFactory()

    response = vendor_client.post(SAVED_SEARCHES, {"name": "Nuage", "vendor": other_firm.id}, format="json")

    assert response.status_code == 403
    assert not SavedSearch.objects.exists()


def test_saved_search_create_answers_503_and_saves_nothing_while_the_engine_is_away(
    vendor_client, engine_down
):
    response = vendor_client.post(SAVED_SEARCHES, {"name": "Nuage", "q": "infonuagique"}, format="json")

    assert response.status_code == 503
    assert response["Retry-After"]
    assert not SavedSearch.objects.exists()


def test_saved_search_list_shows_only_the_users_own_searches(vendor_client, vendor_member):
    own = save(vendor_member)
    save(other_vendor_member())

    response = vendor_client.get(SAVED_SEARCHES)

    assert response.status_code == 200
    assert [item["id"] for item in response.data["results"]] == [own.id]


def test_saved_search_delete_removes_the_row_and_its_stored_query(vendor_client, vendor_member):
    saved_search = save(vendor_member)

    response = vendor_client.delete(reverse("saved-search-detail", args=[saved_search.id]))

    assert response.status_code == 204
    assert not SavedSearch.objects.exists()
    assert stored_ids() == set()


def test_saved_search_delete_answers_404_for_another_users_search(vendor_client):
    saved_search = save(other_vendor_member())

    response = vendor_client.delete(reverse("saved-search-detail", args=[saved_search.id]))

    assert response.status_code == 404
    assert SavedSearch.objects.filter(pk=saved_search.pk).exists()


# Alerts


def test_saved_search_alert_notifies_once_when_a_matching_challenge_is_published(vendor_member, coordinator):
    save(vendor_member, name="Nuage", q="infonuagique", expertise=["cloud"])
    challenge = submitted_challenge(title="Migration vers l'infonuagique")

    publish(challenge, by=coordinator)
    saved_search_alerts_send_task.delay(challenge.id)  # A redelivered task.

    notification = Notification.objects.get()
    assert notification.user == vendor_member
    assert notification.kind == Notification.Kind.CHALLENGE_MATCH
    assert challenge.title in notification.title
    assert notification.url == f"/fr/challenges/{challenge.id}/"


def test_saved_search_alert_skips_a_saved_search_the_challenge_does_not_match(vendor_member, coordinator):
    save(vendor_member, name="Sécurité", expertise=["security"])
    save(vendor_member, name="Géomatique", q="géomatique")
    challenge = submitted_challenge(expertise=[factories.ExpertiseFactory(code="cloud")])

    publish(challenge, by=coordinator)

    assert not Notification.objects.exists()


def test_saved_search_alert_treats_a_challenge_without_regions_as_anywhere(vendor_member, coordinator):
    save(vendor_member, name="Montréal", region=["06"])
    challenge = submitted_challenge(regions=[])

    publish(challenge, by=coordinator)

    assert Notification.objects.filter(user=vendor_member).count() == 1


def test_saved_search_alert_sends_one_notification_per_user_naming_every_matching_search(
    vendor_member, coordinator
):
    save(vendor_member, name="Nuage", q="infonuagique")
    save(vendor_member, name="Budget", budget=["100k-500k"])
    challenge = submitted_challenge()

    publish(challenge, by=coordinator)

    notification = Notification.objects.get()
    assert "«\xa0Budget\xa0»" in notification.body and "«\xa0Nuage\xa0»" in notification.body


def test_saved_search_alert_is_written_in_the_recipients_language(vendor_member, coordinator):
    vendor_member.preferred_language = "en"
    vendor_member.save()
    save(vendor_member, name="Cloud", q="cloud computing")
    challenge = submitted_challenge(title="Migration vers l'infonuagique")

    publish(challenge, by=coordinator)

    notification = Notification.objects.get()
    assert notification.title.startswith("New challenge")
    assert notification.url == f"/en/challenges/{challenge.id}/"


def test_saved_search_alert_skips_a_user_who_left_the_firm(vendor_member, coordinator):
    save(vendor_member, name="Nuage")
    vendor_member.vendors.get().members.remove(vendor_member)
    challenge = submitted_challenge()

    publish(challenge, by=coordinator)

    assert not Notification.objects.exists()


def test_saved_search_alert_is_not_sent_for_other_transitions(vendor_member, coordinator):
    save(vendor_member, name="Tout")
    challenge = factories.ChallengeFactory()
    factories.grid_create(challenge)

    marketplace_services.challenge_transition(challenge=challenge, user=coordinator, to_status="submitted")

    assert not Notification.objects.exists()


def test_saved_search_stored_query_matches_the_challenges_its_search_returns(vendor_member, indexed):
    today = timezone.localdate()
    challenges = [
        factories.ChallengeFactory(
            published=True, expertise=[factories.ExpertiseFactory(code="cloud")], regions=[]
        ),
        factories.ChallengeFactory(
            published=True,
            title="Tests d'intrusion",
            description="Sécurité des portails.",
            expertise=[factories.ExpertiseFactory(code="security")],
        ),
        factories.ChallengeFactory(
            published=True,
            budget_min=Decimal("600000"),
            budget_max=Decimal("2000000"),
            language="en",
            regions=[factories.RegionFactory(code="06")],
            deadline=today + datetime.timedelta(days=10),
        ),
    ]
    indexed(*challenges)
    params = [
        {"q": "infonuagique"},
        {"q": "securite portail", "expertise": ["security"]},
        {"region": ["06"]},
        {"region": ["03"], "budget": ["gt-1m", "lt-100k"]},
        {"language": ["en"], "organization_kind": ["ministry"]},
        {"q": "intrusoin"},
    ]

    for filters in params:
        q = filters.pop("q", "")
        saved_search = save(vendor_member, q=q, **filters)
        searched = {hit["id"] for hit in people.challenge_search(q=q, filters=filters, page_size=100).results}
        percolated = {
            challenge.id
            for challenge in challenges
            if saved_search.id
            in indexing.saved_search_ids_matching(
                document=indexing.document_source("challenge", challenge.pk)
            )
        }
        assert percolated == searched, (q, filters)


def test_saved_search_index_is_the_challenge_index_plus_the_stored_query():
    challenge_body = index_body(ChallengeDocument, extra_synonyms=indexing.taxonomy_synonyms())

    body = indexing.saved_search_index_body()

    assert body["settings"] == challenge_body["settings"]
    assert body["mappings"]["properties"] == {
        **challenge_body["mappings"]["properties"],
        "query": {"type": "percolator"},
    }


def test_saved_search_index_rebuild_restores_every_stored_query(vendor_member):
    saved = [save(vendor_member, name="Un", q="infonuagique"), save(vendor_member, name="Deux")]
    connections.get_connection().indices.delete(index=f"{index_alias(SearchKind.SAVED_SEARCH)}-*")

    indexing.saved_search_index_rebuild()

    assert stored_ids() == {s.id for s in saved}


def test_saved_search_create_refuses_more_than_the_limit(vendor_member):
    factories.SavedSearchFactory.create_batch(services.SAVED_SEARCHES_PER_USER, user=vendor_member)

    with pytest.raises(ValidationError):
        save(vendor_member)


@pytest.mark.parametrize(("language", "deadline"), [("fr", "7 décembre 2026"), ("en", "December 7, 2026")])
def test_saved_search_alert_writes_the_deadline_in_full_in_its_notification_and_email(
    vendor_member, coordinator, mailoutbox, language, deadline
):
    vendor_member.preferred_language = language
    vendor_member.save(update_fields=["preferred_language"])
    save(vendor_member, name="Nuage", q="infonuagique")
    challenge = submitted_challenge(
        title="Migration vers l'infonuagique", deadline=datetime.date(2026, 12, 7)
    )

    publish(challenge, by=coordinator)

    notification = Notification.objects.get(user=vendor_member)
    [email] = [message for message in mailoutbox if message.to == [vendor_member.email]]
    assert deadline in notification.body
    assert deadline in email.body and deadline in email.alternatives[0][0]
