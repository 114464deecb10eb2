"""Make the class impossible: no channel shows a viewer anything of a section a firm hid from them.

For any choice of public sections for two firms, and for each viewer who is neither the firm's member
nor a coordinator (anonymous, another firm's member, a ministry member whose introduction unlocked
nothing), every channel that returns vendor data is read twice: once with the firms' hidden sections
holding some values, once holding others (the public sections unchanged). Both reads must be the same,
byte for byte: then no hidden value is returned, highlighted, counted or filterable, and no filter or
facet tells apart firms that differ only in hidden values. The hidden texts must also appear nowhere.

Hypothesis draws the examples, bounded and derandomized so that `make test` runs the same ones each
time. Each example builds its world in a transaction rolled back at its end (Hypothesis and pytest's
function-scoped fixtures do not mix: the `db` fixture's transaction spans every example), and
rebuilds the vendor index from it, so the engine's statistics are those of that world only.
"""

import dataclasses
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import reverse
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from hub.models import User
from marketplace.models import ProfileSection, Vendor
from matching.models import Introduction, MatchProposal
from matching.search import indexing
from matching.search.explain import Explanation
from matching.search.queries import VendorSize
from tests import factories

pytestmark = [pytest.mark.django_db, pytest.mark.search]

CHALLENGE_REGION = "03"
REQUIRED_CERTIFICATION = "CMMI niveau 5"
REGIONS = [CHALLENGE_REGION, "08", "09", "10"]
EMPLOYEES = [4, 30, 120, 300, 800]
CERTIFICATIONS = [REQUIRED_CERTIFICATION, "SOC 2 type II", "ISO 14001"]
DESCRIPTION_WORDS = ["quantique", "hydrographie", "télémétrie"]
REFERENCE_WORDS = ["bathymétrie", "cadastre", "ornithologie"]
CONTACTS = ["Julie Tremblay", "Marc Gagnon", "Léa Roy"]
EMPLOYEE_CEILINGS = [10, 100, 499, 1000]
# The viewers who are neither the firms' members nor coordinators (see clients()).
ROLES = ("anonymous", "other_vendor", "ministry")


@dataclasses.dataclass(frozen=True)
class Profile:
    """A firm's value of each section it may hide."""

    description: str
    reference: str
    certification: str
    region: str
    employees: int
    contact: str

    # The fields of each section, so that a public section keeps its value from one read to the next.
    SECTIONS = {
        ProfileSection.DESCRIPTION: ("description",),
        ProfileSection.REFERENCES: ("reference",),
        ProfileSection.CERTIFICATIONS: ("certification",),
        ProfileSection.REGIONS: ("region",),
        ProfileSection.EMPLOYEES: ("employees",),
        ProfileSection.CONTACT: ("contact",),
    }

    def keeping(self, public: frozenset[str], *, of: "Profile") -> "Profile":
        """This profile with the public sections' values of `of`."""
        kept = {name: getattr(of, name) for section in public for name in self.SECTIONS[section]}
        return dataclasses.replace(self, **kept)

    def texts(self, sections: set[str]) -> set[str]:
        """The words of these sections that a page could quote."""
        texts = {
            ProfileSection.DESCRIPTION: self.description,
            ProfileSection.REFERENCES: self.reference,
            ProfileSection.CERTIFICATIONS: self.certification,
            ProfileSection.CONTACT: self.contact,
        }
        return {text for section, text in texts.items() if section in sections}


profiles = st.builds(
    Profile,
    description=st.sampled_from(DESCRIPTION_WORDS),
    reference=st.sampled_from(REFERENCE_WORDS),
    certification=st.sampled_from(CERTIFICATIONS),
    region=st.sampled_from(REGIONS),
    employees=st.sampled_from(EMPLOYEES),
    contact=st.sampled_from(CONTACTS),
)


@st.composite
def firms(draw) -> tuple[frozenset[str], Profile, Profile]:
    """A firm's public sections, and its profile in the first and in the second read."""
    public = frozenset(draw(st.sets(st.sampled_from(ProfileSection.values))))
    first = draw(profiles)
    second = draw(profiles).keeping(public, of=first)
    return public, first, second


def explanation(profile: Profile) -> dict:
    """What the matcher froze when it proposed the firm: it read every section, hidden ones included."""
    certified = profile.certification == REQUIRED_CERTIFICATION
    return dataclasses.asdict(
        Explanation(
            score=3.0,
            expertise_matched=["cloud"],
            highlights={
                "description": [f"<mark>{profile.description}</mark>"],
                "references": [f"<mark>{profile.reference}</mark>"],
            },
            region_fit=profile.region == CHALLENGE_REGION,
            certifications_present=[REQUIRED_CERTIFICATION] if certified else [],
            certifications_missing=[] if certified else [REQUIRED_CERTIFICATION],
            sme_eligible=profile.employees <= 499,
            clause_scores={"region": 0.5, f"certification:{REQUIRED_CERTIFICATION}": 0.5},
        )
    )


def apply(vendor: Vendor, profile: Profile) -> None:
    """Give the firm this profile (test set-up, not a user's change: no service, no audit)."""
    Vendor.objects.filter(pk=vendor.pk).update(
        description=f"Nous offrons la {profile.description} aux organismes publics.",
        certifications=[profile.certification],
        employees=profile.employees,
        contact_name=profile.contact,
        contact_email=f"{profile.contact.split()[0].lower()}@firme.qc.ca",
    )
    vendor.regions.set([factories.RegionFactory(code=profile.region)])
    vendor.references.all().delete()
    factories.VendorReferenceFactory(
        vendor=vendor, client="Ville de Lévis", title=f"Projet {profile.reference}", year=2023
    )
    MatchProposal.objects.filter(vendor=vendor).update(explanation=explanation(profile))


CHANGING_KEYS = ("created_at", "updated_at", "generated_at")
CSRF_TOKEN = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"|"X-CSRFToken": "[^"]*"')


@contextmanager
def rolled_back() -> Iterator[None]:
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


def normalized(response) -> object:
    """What a reader gets, less what changes from one request to the next (times, form tokens)."""
    if response.status_code in (301, 302):
        return response["Location"]
    if response["Content-Type"].startswith("application/json"):
        return _without_times(json.loads(response.content))
    return CSRF_TOKEN.sub("", response.content.decode())


def _without_times(data: object) -> object:
    if isinstance(data, dict):
        return {key: _without_times(value) for key, value in data.items() if key not in CHANGING_KEYS}
    if isinstance(data, list):
        return [_without_times(item) for item in data]
    return data


def search_parameters() -> list[dict]:
    return [
        {},
        {"sort": "name"},
        *({"q": word} for word in [*DESCRIPTION_WORDS, *REFERENCE_WORDS, *CERTIFICATIONS, "Firme"]),
        *({"region": code} for code in REGIONS),
        *({"size": band} for band in VendorSize.values),
        *({"certification": name} for name in CERTIFICATIONS),
    ]


def list_parameters() -> list[dict]:
    return [
        {},
        {"verified": "true"},
        {"expertise": "cloud"},
        *({"region": code} for code in REGIONS),
        *({"max_employees": ceiling} for ceiling in EMPLOYEE_CEILINGS),
    ]


def reach_parameters() -> list[dict]:
    """A ministry's draft as its live reach reads it: one requirement on a section a firm may hide at a time."""
    return [
        *({"expertise": "cloud", "regions": code} for code in REGIONS),
        *({"expertise": "cloud", "required_certifications": name} for name in CERTIFICATIONS),
        *({"expertise": "cloud", "max_employees": ceiling} for ceiling in EMPLOYEE_CEILINGS),
    ]


def read_every_channel(
    client: Client, *, vendors: list[Vendor], challenge_id: int
) -> dict[str, tuple[int, object]]:
    """Every channel that returns vendor data, as this client reads it; requests without typed words
    or chosen values are keyed "plain:…" (a hidden text must not appear in those at all)."""
    seen = {}

    def read(name: str, url: str, parameters: dict | None = None) -> None:
        response = client.get(url, parameters or {})
        seen[f"{'plain' if not parameters else 'asked'}:{name}:{json.dumps(parameters or {})}"] = (
            response.status_code,
            normalized(response),
        )

    for vendor in vendors:
        read(f"api-detail-{vendor.key}", reverse("vendor-detail", args=[vendor.id]))
        read(f"page-{vendor.key}", reverse("frontend:vendor_detail", args=[vendor.id]))
    for parameters in list_parameters():
        read("api-list", reverse("vendor-list"), parameters)
    for parameters in search_parameters():
        read("api-search", reverse("vendor-search"), parameters)
        read("directory", reverse("frontend:vendor_directory"), parameters)
    for parameters in reach_parameters():
        read("ministry-reach", reverse("frontend:challenge_reach"), parameters)
    read("ministry-explanations", reverse("frontend:challenge_manage", args=[challenge_id]))
    read("personal-data", reverse("me-data"))
    return seen


def clients() -> dict[str, Client]:
    """A client per role that may see only the public sections of firms A and B."""
    other_vendor = factories.UserFactory(role=User.Role.VENDOR_MEMBER)
    factories.VendorFactory(key="v-other", name="Autre firme", members=[other_vendor])
    ministry = factories.UserFactory(role=User.Role.MINISTRY_MEMBER)
    factories.OrganizationFactory(members=[ministry])
    signed_in = {"anonymous": Client()}
    for role, user in (("other_vendor", other_vendor), ("ministry", ministry)):
        signed_in[role] = Client()
        signed_in[role].force_login(user)
    return signed_in


@settings(
    max_examples=10,
    derandomize=True,
    deadline=None,
    database=None,
    # No shrinking: an example is a whole world read twice (seconds); a failure names its channel.
    phases=[Phase.explicit, Phase.generate],
    # The `db` and `search_index` fixtures are set up once; each example rolls its own world back.
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    firm_a=firms(),
    firm_b=firms(),
    introduction_status=st.sampled_from([Introduction.Status.INTRODUCED, Introduction.Status.DECLINED]),
)
def test_no_channel_shows_a_viewer_anything_of_a_section_hidden_from_them(
    firm_a, firm_b, introduction_status
):
    with rolled_back():
        cache.clear()
        factories.ExpertiseFactory(code="cloud", label_fr="Infonuagique", label_en="Cloud computing")
        for code in REGIONS:
            factories.RegionFactory(code=code)
        readers = clients()
        ministry = User.objects.get(role=User.Role.MINISTRY_MEMBER)
        challenge = factories.ChallengeFactory(
            published=True,
            organization=ministry.organizations.get(),
            regions=[factories.RegionFactory(code=CHALLENGE_REGION)],
            required_certifications=[REQUIRED_CERTIFICATION],
        )
        vendors, firms_drawn = [], [firm_a, firm_b]
        for key, (public, _first, _second) in zip(("v-a", "v-b"), firms_drawn, strict=True):
            vendor = factories.VendorFactory(key=key, name=f"Firme {key}", public_profile=sorted(public))
            proposal = factories.MatchProposalFactory(approved=True, challenge=challenge, vendor=vendor)
            factories.IntroductionFactory(proposal=proposal, status=introduction_status)
            vendors.append(vendor)

        reads = []
        for which in (1, 2):
            for vendor, (_public, first, second) in zip(vendors, firms_drawn, strict=True):
                apply(vendor, first if which == 1 else second)
            indexing.index_rebuild("vendor")
            reads.append(
                {
                    role: read_every_channel(client, vendors=vendors, challenge_id=challenge.id)
                    for role, client in readers.items()
                }
            )

    # Not vacuous: the ministry reads the firms on the search, its explanations and their pages.
    ministry_read = reads[0]["ministry"]
    assert {"v-a", "v-b"} <= {hit["key"] for hit in ministry_read["plain:api-search:{}"][1]["results"]}
    assert all(f"Firme {key}" in ministry_read["plain:ministry-explanations:{}"][1] for key in ("v-a", "v-b"))
    for role in ROLES:
        for channel, first_read in reads[0][role].items():
            assert first_read == reads[1][role][channel], f"{role} tells the hidden values apart on {channel}"
    every_section = set(ProfileSection.values)
    hidden = {
        text
        for public, first, second in firms_drawn
        for profile in (first, second)
        for text in profile.texts(every_section - public)
    }
    # A value one firm hides may be another's public one, and the challenge shows its own requirement.
    public_texts = {text for public, first, _second in firms_drawn for text in first.texts(set(public))}
    secrets = hidden - public_texts - {REQUIRED_CERTIFICATION}
    for role in ROLES:
        for read in reads:
            for channel, (_status, content) in read[role].items():
                if channel.startswith("plain:"):
                    text = content if isinstance(content, str) else json.dumps(content, ensure_ascii=False)
                    leaked = {secret for secret in secrets if secret in text}
                    assert not leaked, f"{role} reads {leaked} on {channel}"
