import csv
import datetime
import io
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from types import SimpleNamespace

import pytest
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from elasticsearch_dsl import connections
from rest_framework.test import APIClient

from hub.models import User
from marketplace.register import register_import_file
from matching.search import indexing
from matching.search.client import search_connect
from matching.search.kinds import INDEXED_KINDS
from tests import factories
from tests.oidc.provider import OidcProvider


@pytest.fixture(autouse=True)
def _french_by_default(settings):
    settings.LANGUAGE_CODE = "fr"


@pytest.fixture(autouse=True)
def _empty_cache():
    """The cache holds throttling and sign-in lockout counters: each test starts without any."""
    cache.clear()


@pytest.fixture
def api_client() -> APIClient:
    return APIClient()


@pytest.fixture
def search_index(settings, django_db_setup, django_db_blocker):
    """Empty indexes for one test, removed afterwards."""
    client = connections.get_connection()
    pattern = f"{settings.SEARCH_INDEX_PREFIX}-*"
    client.indices.delete(index=pattern, ignore_unavailable=True)
    with django_db_blocker.unblock():  # Index creation reads the taxonomy for its synonyms.
        for kind in INDEXED_KINDS:
            indexing.index_ensure(kind)
    yield client
    client.indices.delete(index=pattern, ignore_unavailable=True)


@pytest.fixture
def taxonomy(db) -> None:
    """Two regions and two areas of expertise, with their labels in both languages."""
    factories.RegionFactory(code="03", label_fr="Capitale-Nationale", label_en="Capitale-Nationale")
    factories.RegionFactory(code="06", label_fr="Montréal", label_en="Montreal")
    factories.ExpertiseFactory(code="cloud", label_fr="Infonuagique", label_en="Cloud computing")
    factories.ExpertiseFactory(code="security", label_fr="Cybersécurité", label_en="Cybersecurity")


@pytest.fixture
def indexed(settings) -> Callable:
    """`indexed(*rows)` copies factory-made vendors and challenges into the index (factories bypass the
    services that would) and makes them searchable at once; it returns the rows."""

    def index(*rows):
        for kind in ("vendor", "challenge"):
            ids = [row.pk for row in rows if row._meta.model_name == kind]
            if ids:
                indexing.index_sync(kind, ids)
        connections.get_connection().indices.refresh(index=f"{settings.SEARCH_INDEX_PREFIX}-*")
        return rows

    return index


@pytest.fixture
def engine_down():
    """Point the app at a port where no engine listens: to the app, the node is down."""
    connections.create_connection(alias="default", hosts=["http://127.0.0.1:9"], timeout=1, max_retries=0)
    yield
    search_connect()


@pytest.fixture
def admin_user(admin_user) -> User:
    """pytest-django's administrator, with the second factor that administrators must have (as UserFactory's)."""
    TOTP.activate(admin_user, factories.TOTP_SECRET)
    return admin_user


@pytest.fixture
def coordinator(db) -> User:
    return factories.UserFactory(role=User.Role.COORDINATOR)


@pytest.fixture
def coordinator_client(client, coordinator):
    """The Django test client, signed in as a coordinator."""
    client.force_login(coordinator)
    return client


@pytest.fixture
def ministry_member(db):
    user = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationFactory(members=[user])
    return user


@pytest.fixture
def vendor_member(db):
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(members=[user])
    return user


@pytest.fixture
def csv_rows() -> Callable:
    """`csv_rows(response)`: the rows of a streamed CSV export, which starts with a byte-order mark for
    spreadsheets and separates fields with semicolons."""

    def rows(response) -> list[list[str]]:
        content = b"".join(response.streaming_content).decode("utf-8")
        assert content.startswith("\ufeff")
        return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))

    return rows


def pytest_collection_modifyitems(items):
    for item in items:
        # The marker, not the keyword: every test under tests/matching/search/ has "search" among its keywords.
        if item.get_closest_marker("search"):
            item.fixturenames.insert(0, "search_index")


SAMPLE_REGISTER = (
    Path(__file__).resolve().parents[1] / "marketplace" / "fixtures" / "enterprise-register-sample.csv"
)


@pytest.fixture
def register_extract(db) -> int:
    """The sample extract of the enterprise register, dated 1 December 2026; returns its number of entries."""
    return register_import_file(path=SAMPLE_REGISTER, extract_date=datetime.date(2026, 12, 1))


@pytest.fixture(scope="session")
def oidc_provider():
    """A real OpenID Connect provider (npm's oidc-provider), for the whole run (tests/oidc/provider.py)."""
    provider = OidcProvider()
    yield provider
    provider.stop()


class Evaluation(SimpleNamespace):
    """A challenge under evaluation (the `evaluation` fixture) and the steps that move it on."""

    def scores(self, *values: int) -> dict:
        """criterion id → (score, comment), one value per criterion of the grid, in order."""
        return {
            criterion.pk: (value, "Commentaire.")
            for criterion, value in zip(self.criteria, values, strict=True)
        }

    def score_all(self, submission, *values: int) -> None:
        from matching.services import score_sheet_submit

        for member in self.members:
            score_sheet_submit(submission=submission, user=member, scores=self.scores(*values))

    def agree(self, submission, *values: int) -> None:
        """Every member submits these scores, and the secretary records them as the consensus."""
        from matching.services import consensus_record

        self.score_all(submission, *values)
        consensus_record(submission=submission, user=self.secretary, scores=self.scores(*values))


def submission_for(challenge, *, price: str, language: str = "fr", schedule=None):
    """A submitted proposal of a new firm (one member, who reads in `language`) for the challenge."""
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language=language)
    vendor = factories.VendorFactory(members=[user])
    fields = {"schedule": schedule} if schedule is not None else {}
    return factories.SubmissionFactory(
        submitted=True,
        introduction__proposal__challenge=challenge,
        introduction__proposal__vendor=vendor,
        price=Decimal(price),
        **fields,
    )


@pytest.fixture
def evaluation(db) -> Evaluation:
    """A challenge under evaluation (lowest adjusted price, K = 30 %, weights 40/30/30), its committee of three
    members and a secretary, and two firms' proposals: A (100 000 $, two milestones in its schedule) and B
    (90 000 $, its member reads English)."""
    owner = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    challenge = factories.ChallengeFactory(evaluation=True, organization__members=[owner])
    criteria = factories.grid_create(challenge)
    seats = [factories.CommitteeMemberFactory(challenge=challenge) for _ in range(3)]
    secretary = factories.CommitteeMemberFactory(challenge=challenge, secretary=True)
    a = submission_for(
        challenge,
        price="100000.00",
        schedule=[
            {"title": "Prototype", "week": 4, "amount": "40000.00"},
            {"title": "Mise en service", "week": 10, "amount": "60000.00"},
        ],
    )
    b = submission_for(challenge, price="90000.00", language="en")
    return Evaluation(
        owner=owner,
        challenge=challenge,
        criteria=criteria,
        members=[seat.user for seat in seats],
        secretary=secretary.user,
        a=a,
        b=b,
    )
