"""What schemathesis found, kept as plain regression tests (tests/security/test_schemathesis.py finds more)."""

import pytest
from drf_spectacular.generators import SchemaGenerator

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def openapi() -> dict:
    return SchemaGenerator().get_schema(request=None, public=True)


def _ok_schema(openapi: dict, path: str, method: str = "get") -> dict:
    return openapi["paths"][path][method]["responses"]["200"]["content"]["application/json"]["schema"]


@pytest.mark.parametrize(
    ("path", "component"),
    [
        ("/api/v1/challenges/", "PaginatedChallengeOutputList"),
        ("/api/v1/vendors/", "PaginatedVendorOutputList"),
        ("/api/v1/organizations/", "PaginatedOrganizationOutputList"),
        ("/api/v1/proposals/", "PaginatedProposalOutputList"),
        ("/api/v1/notifications/", "PaginatedNotificationOutputList"),
    ],
)
def test_paginated_lists_are_documented_as_pages(openapi, path, component):
    assert _ok_schema(openapi, path) == {"$ref": f"#/components/schemas/{component}"}
    assert {"count", "next", "previous", "results"} <= openapi["components"]["schemas"][component][
        "properties"
    ].keys()


def test_unpaginated_lists_are_documented_as_arrays(openapi):
    assert _ok_schema(openapi, "/api/v1/regions/")["type"] == "array"


@pytest.mark.parametrize(
    ("component", "field"),
    [
        ("ChallengeOutput", "awarded_vendor"),
        ("OrganizationOutput", "region"),
        # A section of a vendor's profile hidden from this reader is null.
        ("VendorOutput", "contact_email"),
        ("VendorOutput", "regions"),
        ("VendorOutput", "references"),
        ("VendorOutput", "employees"),
    ],
)
def test_fields_that_can_be_null_are_documented_nullable(openapi, component, field):
    assert openapi["components"]["schemas"][component]["properties"][field].get("nullable") is True


def test_a_code_with_a_nul_character_is_an_unknown_code_not_a_server_error(api_client, coordinator):
    api_client.force_authenticate(coordinator)

    queue = api_client.get("/api/v1/proposals/", {"region": "0\x003"})
    organization = api_client.post(
        "/api/v1/organizations/", {"name": "Organisme", "kind": "agency", "region": "0\x003"}, format="json"
    )
    challenge = api_client.post("/api/v1/challenges/", {"expertise": ["clo\x00ud"]}, format="json")

    assert (queue.status_code, organization.status_code, challenge.status_code) == (400, 400, 400)
    assert challenge.data["expertise"][0].code == "does_not_exist"
