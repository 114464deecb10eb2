"""Signing in with an organization's own OpenID Connect provider, against a real provider (npm's
oidc-provider, tests/oidc/provider.py): the code flow runs through allauth with the Django test client, and
through the provider's own login and consent pages with requests."""

import pytest
from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp
from django.contrib.messages import get_messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from hub.models import AuditEntry, Notification, User
from marketplace.models import OrganizationSignIn
from marketplace.services import organization_sign_in_configure
from tests.factories import OrganizationFactory, UserFactory

pytestmark = pytest.mark.django_db

# The pages and messages are in French (tests/conftest.py); the assertions quote the French texts.

DOMAIN = "mcn.gouv.qc.ca"


def _callback_url(organization) -> str:
    return f"http://testserver/accounts/oidc/organization-{organization.pk}/login/callback/"


@pytest.fixture
def organization(db):
    return OrganizationFactory(name="Ministère de la Cybersécurité et du Numérique")


def _configure(organization, coordinator, oidc_provider, *, id_token_audience: str = "", **changes):
    client = oidc_provider.register(
        redirect_uri=_callback_url(organization), id_token_audience=id_token_audience
    )
    arguments = {
        "issuer": oidc_provider.issuer,
        "client_id": client.client_id,
        "client_secret": client.client_secret,
        "email_domains": [DOMAIN],
        **changes,
    }
    return organization_sign_in_configure(organization=organization, user=coordinator, **arguments)


@pytest.fixture
def sign_in(organization, coordinator, oidc_provider) -> OrganizationSignIn:
    return _configure(organization, coordinator, oidc_provider)


def _sign_in_with_provider(client, oidc_provider, *, login: str, email: str = "", language: str = "fr"):
    """Start on our page, sign in at the provider, come back to allauth's callback; the last response."""
    with translation.override(language):
        start = reverse("frontend:organization_sign_in")
    response = client.post(start, {"email": email or login})
    assert response.status_code == 302, response.content.decode()
    callback = oidc_provider.sign_in(response["Location"], login=login)
    assert callback.startswith("http://testserver/accounts/oidc/"), callback
    return client.get(callback.removeprefix("http://testserver"))


def _messages(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


def test_organization_sign_in_first_time_creates_a_member(client, sign_in, oidc_provider):
    response = _sign_in_with_provider(client, oidc_provider, login=f"julie.gagnon@{DOMAIN}")

    user = User.objects.get(email=f"julie.gagnon@{DOMAIN}")
    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:ministry_dashboard")
    assert (user.role, user.first_name, user.last_name) == (User.Role.MINISTRY_MEMBER, "julie", "gagnon")
    assert list(sign_in.organization.members.all()) == [user]
    assert not user.has_usable_password()
    assert EmailAddress.objects.get(user=user).verified
    assert SocialAccount.objects.get(user=user).provider == sign_in.provider_id
    assert AuditEntry.objects.filter(
        object_type="organizationsignin", action="first_sign_in", actor=user
    ).exists()
    assert client.get(reverse("frontend:ministry_dashboard")).status_code == 200


def test_organization_sign_in_again_reuses_the_account(client, sign_in, oidc_provider, django_user_model):
    login = f"marc.roy@{DOMAIN}"
    _sign_in_with_provider(client, oidc_provider, login=login)
    client.logout()

    response = _sign_in_with_provider(client, oidc_provider, login=login)

    assert response.status_code == 302
    assert django_user_model.objects.filter(email=login).count() == 1
    assert SocialAccount.objects.count() == 1
    assert AuditEntry.objects.filter(action="first_sign_in").count() == 1
    assert client.get(reverse("frontend:ministry_dashboard")).status_code == 200


def test_organization_sign_in_tells_the_members_someone_joined(
    client, sign_in, oidc_provider, ministry_member
):
    sign_in.organization.members.add(ministry_member)

    _sign_in_with_provider(client, oidc_provider, login=f"lea.cote@{DOMAIN}")

    assert Notification.objects.filter(user=ministry_member, kind=Notification.Kind.MEMBER_JOINED).exists()


def test_organization_sign_in_takes_the_page_language(client, sign_in, oidc_provider):
    _sign_in_with_provider(client, oidc_provider, login=f"sam.smith@{DOMAIN}", language="en")

    assert User.objects.get(email=f"sam.smith@{DOMAIN}").preferred_language == "en"


def test_organization_sign_in_refuses_a_domain_not_allowed(client, sign_in, oidc_provider):
    users_before = User.objects.count()

    # The person types a work address, but the provider vouches for another one.
    response = _sign_in_with_provider(
        client, oidc_provider, login="intrus@gmail.com", email=f"intrus@{DOMAIN}"
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:login")
    assert any(
        "L'adresse intrus@gmail.com n'est pas une adresse de" in message for message in _messages(response)
    )
    assert User.objects.count() == users_before
    assert SocialAccount.objects.count() == 0
    assert "_auth_user_id" not in client.session


def test_organization_sign_in_refuses_an_unverified_address(client, sign_in, oidc_provider):
    login = f"non.verifie@{DOMAIN}"
    oidc_provider.account(login, email_verified=False)

    response = _sign_in_with_provider(client, oidc_provider, login=login)

    assert any("n'a pas vérifié" in message for message in _messages(response))
    assert not User.objects.filter(email=login).exists()


def test_organization_sign_in_refuses_a_token_for_another_audience(
    client, organization, coordinator, oidc_provider
):
    _configure(organization, coordinator, oidc_provider, id_token_audience="another-application")
    users_before = User.objects.count()

    response = _sign_in_with_provider(client, oidc_provider, login=f"paul.hebert@{DOMAIN}")

    assert response.status_code == 302
    assert response["Location"] == reverse("frontend:login")
    assert any("a répondu pour une autre application" in message for message in _messages(response))
    assert User.objects.count() == users_before
    assert SocialAccount.objects.count() == 0


def test_organization_sign_in_never_takes_over_an_account_by_its_address(client, sign_in, oidc_provider):
    outsider = UserFactory(username="ancien", email=f"ancien@{DOMAIN}", role=User.Role.VENDOR_MEMBER)

    response = _sign_in_with_provider(client, oidc_provider, login=f"ancien@{DOMAIN}")

    assert any("n'est pas membre de" in message for message in _messages(response))
    assert SocialAccount.objects.count() == 0
    outsider.refresh_from_db()
    assert outsider.role == User.Role.VENDOR_MEMBER
    assert "_auth_user_id" not in client.session


def test_organization_sign_in_links_an_existing_member(client, sign_in, oidc_provider):
    member = UserFactory(username="membre", email=f"membre@{DOMAIN}", role=User.Role.MINISTRY_MEMBER)
    sign_in.organization.members.add(member)

    response = _sign_in_with_provider(client, oidc_provider, login=f"membre@{DOMAIN}")

    assert response["Location"] == reverse("frontend:ministry_dashboard")
    assert SocialAccount.objects.get().user == member
    assert int(client.session["_auth_user_id"]) == member.pk
    assert AuditEntry.objects.filter(action="first_sign_in", actor=member, to_state="linked").exists()


def test_organization_sign_in_says_when_the_provider_is_down(
    client, organization, coordinator, oidc_provider
):
    _configure(
        organization, coordinator, oidc_provider, issuer="http://127.0.0.1:9"
    )  # Nothing listens there.

    response = client.post(reverse("frontend:organization_sign_in"), {"email": f"jo@{DOMAIN}"})

    assert response.status_code == 200
    assert "n&#x27;a pas répondu" in response.content.decode()


def test_organization_sign_in_page_names_an_unknown_domain(client, sign_in):
    response = client.post(reverse("frontend:organization_sign_in"), {"email": "jo@inconnu.example"})

    assert response.status_code == 200
    assert "adresses du domaine inconnu.example" in response.content.decode()


def test_organization_sign_in_page_offers_the_organizations(client, sign_in):
    response = client.get(reverse("frontend:organization_sign_in"))

    assert sign_in.organization.name in response.content.decode()


def test_organization_sign_in_refused_when_turned_off(client, sign_in, oidc_provider, coordinator):
    login = f"eve.roy@{DOMAIN}"
    with translation.override("fr"):
        authorize = client.post(reverse("frontend:organization_sign_in"), {"email": login})["Location"]
    organization_sign_in_configure(
        organization=sign_in.organization,
        user=coordinator,
        issuer=sign_in.issuer,
        client_id=sign_in.client_id,
        email_domains=sign_in.email_domains,
        is_enabled=False,
    )

    response = client.get(oidc_provider.sign_in(authorize, login=login).removeprefix("http://testserver"))

    assert any("est désactivée" in message for message in _messages(response))
    assert not User.objects.filter(email=login).exists()


# Configuration


def test_organization_sign_in_configure_keeps_the_app_in_step(sign_in, coordinator):
    organization_sign_in_configure(
        organization=sign_in.organization,
        user=coordinator,
        issuer="https://login.mcn.gouv.qc.ca/realms/staff/",
        client_id="maillage-2",
        email_domains=["MCN.gouv.qc.ca", "@cyber.gouv.qc.ca"],
    )

    app = SocialApp.objects.get(provider_id=f"organization-{sign_in.organization.pk}")
    sign_in.refresh_from_db()
    assert app.provider == "openid_connect"
    assert app.client_id == "maillage-2"
    assert app.settings["server_url"] == "https://login.mcn.gouv.qc.ca/realms/staff"
    assert app.secret != ""  # An empty secret keeps the saved one.
    assert sign_in.email_domains == ["mcn.gouv.qc.ca", "cyber.gouv.qc.ca"]
    assert SocialApp.objects.count() == 1


def test_organization_sign_in_configure_refuses_a_domain_of_another_organization(sign_in, coordinator):
    other = OrganizationFactory()

    with pytest.raises(ValidationError, match="est déjà celui de la connexion"):
        organization_sign_in_configure(
            organization=other,
            user=coordinator,
            issuer="https://login.example.gouv.qc.ca",
            client_id="x",
            client_secret="y",
            email_domains=[DOMAIN],
        )

    assert not OrganizationSignIn.objects.filter(organization=other).exists()
    assert SocialApp.objects.count() == 1


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"issuer": "http://login.example.gouv.qc.ca"}, "doit être une adresse https://"),
        (
            {"issuer": "https://login.example.gouv.qc.ca/.well-known/openid-configuration"},
            "sans /.well-known",
        ),
        ({"email_domains": []}, "au moins un domaine"),
        ({"email_domains": ["https://mcn.gouv.qc.ca"]}, "n'est pas un nom de domaine"),
        ({"client_secret": ""}, "secret client"),
        ({"client_id": " "}, "identifiant client"),
    ],
)
def test_organization_sign_in_configure_refuses_bad_input(organization, coordinator, changes, message):
    arguments = {
        "issuer": "https://login.example.gouv.qc.ca",
        "client_id": "maillage",
        "client_secret": "secret",
        "email_domains": [DOMAIN],
        **changes,
    }

    with pytest.raises(ValidationError, match=message):
        organization_sign_in_configure(organization=organization, user=coordinator, **arguments)

    assert not OrganizationSignIn.objects.exists()
    assert not SocialApp.objects.exists()


def test_organization_sign_in_configure_is_for_coordinators(organization, ministry_member):
    with pytest.raises(PermissionDenied):
        organization_sign_in_configure(
            organization=organization,
            user=ministry_member,
            issuer="https://login.example.gouv.qc.ca",
            client_id="maillage",
            client_secret="secret",
            email_domains=[DOMAIN],
        )


def test_organization_sign_in_configure_page_never_shows_the_secret(coordinator_client, sign_in):
    url = reverse(
        "frontend:organization_sign_in_configure", kwargs={"organization_id": sign_in.organization.pk}
    )

    response = coordinator_client.get(url)

    page = response.content.decode()
    assert response.status_code == 200
    assert sign_in.client_id in page
    assert sign_in.social_app.secret not in page
    assert f"/accounts/oidc/{sign_in.provider_id}/login/callback/" in page


def test_organization_sign_in_configure_page_saves(coordinator_client, organization):
    url = reverse("frontend:organization_sign_in_configure", kwargs={"organization_id": organization.pk})

    response = coordinator_client.post(
        url,
        {
            "issuer": "https://login.mcn.gouv.qc.ca",
            "client_id": "maillage",
            "client_secret": "s3cret",
            "email_domains": f"{DOMAIN}, cyber.gouv.qc.ca",
            "is_enabled": "on",
        },
    )

    assert response.status_code == 302
    assert organization.sign_in.email_domains == [DOMAIN, "cyber.gouv.qc.ca"]
    assert organization.sign_in.social_app.secret == "s3cret"


def test_organization_sign_in_configure_page_names_the_problem(coordinator_client, organization):
    url = reverse("frontend:organization_sign_in_configure", kwargs={"organization_id": organization.pk})

    response = coordinator_client.post(
        url, {"issuer": "https://login.mcn.gouv.qc.ca", "client_id": "maillage", "email_domains": DOMAIN}
    )

    assert response.status_code == 200
    assert "Indiquez le secret client" in response.content.decode()
    assert not OrganizationSignIn.objects.exists()


def test_organization_sign_in_configure_page_is_for_coordinators(client, ministry_member, organization):
    client.force_login(ministry_member)

    response = client.get(
        reverse("frontend:organization_sign_in_configure", kwargs={"organization_id": organization.pk})
    )

    assert response.status_code == 403


def test_organization_sign_in_admin_never_shows_the_secret(admin_client, sign_in):
    response = admin_client.get(reverse("admin:marketplace_organizationsignin_change", args=[sign_in.pk]))

    assert response.status_code == 200
    assert sign_in.social_app.secret not in response.content.decode()
    assert (
        admin_client.get("/admin/socialaccount/socialapp/").status_code == 404
    )  # allauth's, which shows it.


def test_a_member_without_a_password_deletes_their_account_by_typing_its_address(
    client, sign_in, oidc_provider
):
    _sign_in_with_provider(client, oidc_provider, login=f"nadia.belanger@{DOMAIN}")
    user = User.objects.get(email=f"nadia.belanger@{DOMAIN}")

    page = client.get("/fr/account/delete/").content.decode()
    wrong = client.post("/fr/account/delete/", {"email": f"quelqu.un@{DOMAIN}"})
    response = client.post("/fr/account/delete/", {"email": f"Nadia.Belanger@{DOMAIN}"})

    assert 'name="email"' in page and 'name="password"' not in page
    assert wrong.status_code == 200 and "Tapez l" in wrong.content.decode()
    assert response.status_code == 302
    user.refresh_from_db()
    assert (user.email, user.is_active) == ("", False)
    assert not SocialAccount.objects.filter(user=user).exists()


def test_a_member_without_a_password_signed_in_long_ago_signs_in_again_to_delete(
    client, sign_in, oidc_provider, settings
):
    settings.ACCOUNT_REAUTHENTICATION_TIMEOUT = 0
    _sign_in_with_provider(client, oidc_provider, login=f"nadia.belanger@{DOMAIN}")

    response = client.post("/fr/account/delete/", {"email": f"nadia.belanger@{DOMAIN}"})

    assert response.status_code == 200
    assert "connectez-vous de nouveau" in response.content.decode()
    assert User.objects.get(email=f"nadia.belanger@{DOMAIN}").is_active


def test_organization_sign_in_admin_saves_through_the_service(admin_client, organization):
    response = admin_client.post(
        reverse("admin:marketplace_organizationsignin_add"),
        {
            "organization": organization.pk,
            "issuer": "https://login.mcn.gouv.qc.ca",
            "client_id": "maillage",
            "client_secret": "s3cret",
            "email_domains": DOMAIN,
            "is_enabled": "on",
        },
    )

    assert response.status_code == 302, response.content.decode()
    assert organization.sign_in.social_app.secret == "s3cret"
    assert AuditEntry.objects.filter(object_type="organizationsignin", action="configure").exists()


def test_organization_sign_in_admin_names_the_problem(admin_client, organization):
    response = admin_client.post(
        reverse("admin:marketplace_organizationsignin_add"),
        {
            "organization": organization.pk,
            "issuer": "http://login.mcn.gouv.qc.ca",
            "client_id": "maillage",
            "client_secret": "s3cret",
            "email_domains": DOMAIN,
        },
    )

    assert response.status_code == 200
    assert "doit être une adresse https://" in response.content.decode()
    assert not OrganizationSignIn.objects.exists()
    assert not SocialApp.objects.exists()
