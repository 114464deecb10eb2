import datetime
from decimal import Decimal

import pytest

from hub.models import User
from marketplace.models import Challenge
from tests import factories


def create_challenge(*, key: str, title: str, status: str = Challenge.Status.PUBLISHED) -> Challenge:
    return factories.ChallengeFactory(
        key=key,
        organization__name="Ministère de la Santé",
        title=title,
        description="Moderniser la prise de rendez-vous.",
        budget_min=Decimal("750000.00"),
        budget_max=Decimal("1200000.00"),
        deadline=datetime.date(2030, 3, 15),
        required_languages=[],
        max_employees=None,
        status=status,
        regions=[],
        expertise=[
            factories.ExpertiseFactory(
                code="data", label_fr="Données et analytique", label_en="Data and analytics"
            )
        ],
    )


@pytest.mark.django_db
def test_home_lists_published_challenges_but_not_drafts(client):
    create_challenge(key="published", title="Prise de rendez-vous en ligne")
    create_challenge(key="draft", title="Brouillon confidentiel", status=Challenge.Status.DRAFT)

    response = client.get("/fr/")

    assert response.status_code == 200
    assert "Prise de rendez-vous en ligne" in response.content.decode()
    assert "Brouillon confidentiel" not in response.content.decode()


@pytest.mark.django_db
def test_home_renders_in_french_under_fr_prefix(client):
    response = client.get("/fr/")

    assert response.status_code == 200
    assert '<html lang="fr">' in response.content.decode()


@pytest.mark.django_db
def test_home_renders_in_english_under_en_prefix(client):
    response = client.get("/en/")

    assert response.status_code == 200
    assert '<html lang="en">' in response.content.decode()


@pytest.mark.django_db
def test_home_formats_budget_as_cad_for_the_active_language(client):
    create_challenge(key="published", title="Prise de rendez-vous en ligne")

    french = client.get("/fr/").content.decode()
    english = client.get("/en/").content.decode()

    assert "750\u00a0000\u00a0$" in french
    assert "$750,000" in english


@pytest.mark.django_db
def test_challenge_detail_shows_anywhere_in_quebec_when_no_region(client):
    challenge = create_challenge(key="published", title="Prise de rendez-vous en ligne")

    response = client.get(f"/en/challenges/{challenge.pk}/")

    assert response.status_code == 200
    assert "Anywhere in Quebec" in response.content.decode()


@pytest.mark.django_db
def test_challenge_detail_returns_404_for_a_draft_seen_by_anonymous(client):
    challenge = create_challenge(key="draft", title="Brouillon confidentiel", status=Challenge.Status.DRAFT)

    response = client.get(f"/fr/challenges/{challenge.pk}/")

    assert response.status_code == 404


@pytest.mark.django_db
def test_login_page_labels_every_field(client):
    response = client.get("/en/login/")

    content = response.content.decode()
    assert response.status_code == 200
    assert '<label for="id_login">' in content
    assert '<label for="id_password">' in content


@pytest.mark.django_db
def test_login_with_wrong_password_shows_error_and_keeps_username(client):
    User.objects.create_user(username="alice", password="correct-horse-battery")

    response = client.post("/en/login/", {"login": "alice", "password": "wrong-password"})

    content = response.content.decode()
    assert response.status_code == 200
    assert 'class="error-summary"' in content
    assert 'href="#id_login"' in content
    assert 'value="alice"' in content
    assert "wrong-password" not in content
