"""The role and membership rules (hub/roles.py) that the API's permissions, the pages and the services share."""

import pytest
from django.contrib.auth.models import AnonymousUser

from hub import roles
from hub.models import User
from hub.selectors import coordinator_list
from tests import factories

pytestmark = pytest.mark.django_db


# Coordinators


@pytest.mark.parametrize("role", [User.Role.COORDINATOR, User.Role.ADMINISTRATOR])
def test_is_coordinator_holds_for_coordinators_and_administrators(role):
    assert roles.is_coordinator(factories.UserFactory(role=role))


def test_is_coordinator_holds_for_a_superuser_whatever_their_role():
    assert roles.is_coordinator(factories.UserFactory(role=User.Role.VENDOR_MEMBER, is_superuser=True))


@pytest.mark.parametrize("role", [User.Role.VENDOR_MEMBER, User.Role.MINISTRY_MEMBER])
def test_is_coordinator_refuses_members(role):
    assert not roles.is_coordinator(factories.UserFactory(role=role))


def test_is_coordinator_refuses_an_anonymous_user():
    assert not roles.is_coordinator(AnonymousUser())


def test_coordinator_list_finds_the_active_users_is_coordinator_holds_for():
    users = [
        factories.UserFactory(role=User.Role.COORDINATOR),
        factories.UserFactory(role=User.Role.ADMINISTRATOR),
        factories.UserFactory(role=User.Role.MINISTRY_MEMBER, is_superuser=True),
        factories.UserFactory(role=User.Role.VENDOR_MEMBER),
        factories.UserFactory(role=User.Role.MINISTRY_MEMBER),
        factories.UserFactory(role=User.Role.COORDINATOR, is_active=False),
    ]

    expected = {user.pk for user in users if user.is_active and roles.is_coordinator(user)}
    assert set(coordinator_list().values_list("pk", flat=True)) == expected


# Administrators


def test_is_administrator_holds_for_an_administrator():
    assert roles.is_administrator(factories.UserFactory(role=User.Role.ADMINISTRATOR))


def test_is_administrator_holds_for_a_superuser_whatever_their_role():
    assert roles.is_administrator(factories.UserFactory(role=User.Role.VENDOR_MEMBER, is_superuser=True))


def test_is_administrator_refuses_a_coordinator():
    assert not roles.is_administrator(factories.UserFactory(role=User.Role.COORDINATOR))


def test_is_administrator_refuses_a_deactivated_administrator():
    assert not roles.is_administrator(factories.UserFactory(role=User.Role.ADMINISTRATOR, is_active=False))


def test_is_administrator_refuses_an_anonymous_user():
    assert not roles.is_administrator(AnonymousUser())


# Membership


def test_is_member_of_holds_for_a_member_of_the_party():
    user = factories.UserFactory(role=User.Role.VENDOR_MEMBER)

    assert roles.is_member_of(user, factories.VendorFactory(members=[user]))


def test_is_member_of_refuses_a_coordinator_of_another_party():
    assert not roles.is_member_of(
        factories.UserFactory(role=User.Role.COORDINATOR), factories.OrganizationFactory()
    )


def test_is_member_of_refuses_an_anonymous_user():
    assert not roles.is_member_of(AnonymousUser(), factories.OrganizationFactory())


# Organizations and firms: the same rule, each with its own role


PARTIES = [
    pytest.param(
        roles.is_organization_member,
        User.Role.MINISTRY_MEMBER,
        User.Role.VENDOR_MEMBER,
        factories.OrganizationFactory,
        id="organization",
    ),
    pytest.param(
        roles.is_vendor_member,
        User.Role.VENDOR_MEMBER,
        User.Role.MINISTRY_MEMBER,
        factories.VendorFactory,
        id="vendor",
    ),
]


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_without_a_party_holds_for_its_role(rule, role, other_role, party_factory):
    assert rule(factories.UserFactory(role=role))


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_without_a_party_refuses_the_other_role(rule, role, other_role, party_factory):
    assert not rule(factories.UserFactory(role=other_role))


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_holds_for_a_member_of_that_party(rule, role, other_role, party_factory):
    user = factories.UserFactory(role=role)

    assert rule(user, party_factory(members=[user]))


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_refuses_a_member_of_another_party(rule, role, other_role, party_factory):
    user = factories.UserFactory(role=role)
    party_factory(members=[user])

    assert not rule(user, party_factory())


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_holds_for_a_coordinator_of_any_party(rule, role, other_role, party_factory):
    assert rule(factories.UserFactory(role=User.Role.COORDINATOR), party_factory())


@pytest.mark.parametrize(("rule", "role", "other_role", "party_factory"), PARTIES)
def test_party_member_rule_refuses_an_anonymous_user(rule, role, other_role, party_factory):
    assert not rule(AnonymousUser())
