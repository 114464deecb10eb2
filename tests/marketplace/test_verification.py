"""The coordinators' verification of firms: the comparison with the register's extract, the decision service, its
API, and what the firm's members are told."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from hub.models import AuditEntry, Notification, User
from marketplace.models import EnterpriseRegisterEntry, Vendor, VendorVerification
from marketplace.selectors import (
    vendor_list_to_verify,
    vendor_verification_evidence,
    vendor_verification_refusal,
)
from marketplace.services import vendor_update, vendor_verification_decide
from marketplace.verification import (
    NameMatch,
    name_compare,
    name_normalized,
    region_declared,
    size_compare,
)
from tests import factories

REASON = "Le NEQ déclaré appartient à une autre entreprise au registre."


# The comparison, pure


@pytest.mark.parametrize(
    ("declared", "register"),
    [
        ("Nuage Boréal inc.", "NUAGE BOREAL INC"),
        ("Nuage Boréal", "Nuage Boréal ltée"),
        ("Les Services Écho, S.E.N.C.", "Les services echo senc"),
        ("Données-Québec Limitée", "Donnees Quebec"),
    ],
)
def test_name_normalized_sets_aside_case_accents_punctuation_and_legal_form(declared, register):
    assert name_normalized(declared) == name_normalized(register)


def test_name_compare_is_exact_for_the_same_text_but_spaces():
    comparison = name_compare(declared="Nuage  Boréal inc.", legal_name="Nuage Boréal inc.", other_names=[])

    assert (comparison.match, comparison.register_name, comparison.is_other_name) == (
        NameMatch.EXACT,
        "Nuage Boréal inc.",
        False,
    )


def test_name_compare_is_close_after_normalising():
    comparison = name_compare(declared="nuage boreal", legal_name="Nuage Boréal ltée", other_names=[])

    assert comparison.match == NameMatch.CLOSE


def test_name_compare_finds_one_of_the_registers_other_names():
    comparison = name_compare(
        declared="Boréal Numérique", legal_name="9123-4567 Québec inc.", other_names=["Boréal Numérique"]
    )

    assert (comparison.match, comparison.register_name, comparison.is_other_name) == (
        NameMatch.EXACT,
        "Boréal Numérique",
        True,
    )


def test_name_compare_prefers_an_exact_other_name_to_a_close_legal_name():
    comparison = name_compare(declared="Cumulus", legal_name="CUMULUS INC.", other_names=["Cumulus"])

    assert (comparison.match, comparison.is_other_name) == (NameMatch.EXACT, True)


def test_name_compare_says_different_names_differ():
    comparison = name_compare(
        declared="Stratus Conseil", legal_name="Nuage Boréal inc.", other_names=["Cumulus"]
    )

    assert comparison.match == NameMatch.DIFFERENT


def test_name_compare_of_a_name_that_is_only_a_legal_form_is_not_close():
    comparison = name_compare(declared="Inc.", legal_name="Ltée", other_names=[])

    assert comparison.match == NameMatch.DIFFERENT


@pytest.mark.parametrize(
    ("registered", "declared", "expected"),
    [("06", {"06", "13"}, True), ("03", {"06"}, False), (None, {"06"}, None)],
)
def test_region_declared(registered, declared, expected):
    assert region_declared(registered=registered, declared=declared) is expected


@pytest.mark.parametrize(
    ("minimum", "maximum", "declared", "within", "in_range"),
    [
        (11, 25, 12, True, True),
        (11, 25, 40, True, False),
        (250, 499, None, True, None),
        (500, 749, 480, False, False),
        (5000, None, 6000, False, True),
    ],
)
def test_size_compare(minimum, maximum, declared, within, in_range):
    comparison = size_compare(minimum=minimum, maximum=maximum, ceiling=499, declared=declared)

    assert (comparison.within_sme_ceiling, comparison.declared_in_range) == (within, in_range)


# The evidence of a firm


@pytest.mark.django_db
def test_vendor_verification_evidence_without_an_extract_says_so():
    vendor = factories.VendorFactory(is_verified=False)

    evidence = vendor_verification_evidence(vendor=vendor)

    assert (evidence.register.extract_loaded, evidence.entry, evidence.name.match) == (
        False,
        None,
        NameMatch.NO_EVIDENCE,
    )


@pytest.mark.django_db
def test_vendor_verification_evidence_of_a_neq_not_in_the_extract():
    factories.EnterpriseRegisterEntryFactory()
    vendor = factories.VendorFactory(is_verified=False)

    evidence = vendor_verification_evidence(vendor=vendor)

    assert (evidence.register.extract_loaded, evidence.entry, evidence.name.match) == (
        True,
        None,
        NameMatch.NO_EVIDENCE,
    )


@pytest.mark.django_db
def test_vendor_verification_evidence_compares_name_region_and_size(taxonomy):
    entry = factories.EnterpriseRegisterEntryFactory(
        legal_name="NUAGE BORÉAL INC.", postal_code="H2X 1Y4", employees_range="11 à 25", employees_min=11,
        employees_max=25,
    )  # fmt: skip
    vendor = factories.VendorFactory(
        name="Nuage Boréal",
        neq=entry.neq,
        employees=40,
        regions=[factories.RegionFactory(code="03")],
        is_verified=False,
    )

    evidence = vendor_verification_evidence(vendor=vendor)

    assert evidence.name.match == NameMatch.CLOSE
    assert evidence.register.region.code == "06"
    assert evidence.region_declared is False
    assert (evidence.size.within_sme_ceiling, evidence.size.declared_in_range) == (True, False)


# The queue


@pytest.mark.django_db
def test_vendor_list_to_verify_holds_unverified_firms_oldest_change_first(coordinator):
    newer = factories.VendorFactory(is_verified=False)
    older = factories.VendorFactory(is_verified=False)
    Vendor.objects.filter(pk=older.pk).update(updated_at=timezone.now() - datetime.timedelta(days=3))
    factories.VendorFactory()  # Verified.

    assert list(vendor_list_to_verify(user=coordinator)) == [older, newer]


@pytest.mark.django_db
def test_vendor_list_to_verify_is_empty_for_anyone_but_a_coordinator(vendor_member):
    factories.VendorFactory(is_verified=False, members=[vendor_member])

    assert not vendor_list_to_verify(user=vendor_member).exists()


# The decision


@pytest.fixture
def to_verify(db, vendor_member) -> Vendor:
    vendor = vendor_member.vendors.get()
    Vendor.objects.filter(pk=vendor.pk).update(is_verified=False)
    vendor.refresh_from_db()
    return vendor


def test_vendor_verification_decide_verifies_and_keeps_the_evidence_seen(to_verify, coordinator):
    entry = factories.EnterpriseRegisterEntryFactory(neq=to_verify.neq, legal_name=to_verify.name)

    verification = vendor_verification_decide(vendor=to_verify, user=coordinator, decision="verified")

    to_verify.refresh_from_db()
    assert to_verify.is_verified
    assert (
        verification.decided_by,
        verification.name_match,
        verification.register_name,
        verification.register_status,
        verification.extract_date,
    ) == (
        coordinator,
        "exact",
        entry.legal_name,
        EnterpriseRegisterEntry.Status.REGISTERED,
        entry.extract_date,
    )
    assert not vendor_list_to_verify(user=coordinator).filter(pk=to_verify.pk).exists()


def test_vendor_verification_decide_writes_the_audit_log(to_verify, coordinator):
    vendor_verification_decide(vendor=to_verify, user=coordinator, decision="refused", reason=REASON)

    entry = AuditEntry.objects.get(object_type="vendor", object_id=to_verify.pk, action="refuse_verification")
    assert (entry.actor, entry.from_state, entry.to_state) == (coordinator, "to_verify", "refused")
    assert REASON in entry.reason
    assert "name_match=no_evidence" in entry.reason


def test_vendor_verification_decide_refuses_and_the_firm_leaves_the_queue(to_verify, coordinator):
    verification = vendor_verification_decide(
        vendor=to_verify, user=coordinator, decision="refused", reason=f"  {REASON} "
    )

    to_verify.refresh_from_db()
    assert not to_verify.is_verified
    assert verification.reason == REASON
    assert not vendor_list_to_verify(user=coordinator).filter(pk=to_verify.pk).exists()
    assert vendor_verification_refusal(vendor=to_verify) == verification


def test_a_refused_firm_returns_to_the_queue_when_its_profile_changes(to_verify, coordinator, vendor_member):
    vendor_verification_decide(vendor=to_verify, user=coordinator, decision="refused", reason=REASON)

    vendor_update(vendor=to_verify, user=vendor_member, data={"description": "Un profil corrigé."})

    assert vendor_list_to_verify(user=coordinator).filter(pk=to_verify.pk).exists()
    assert vendor_verification_refusal(vendor=to_verify) is None


def test_vendor_verification_decide_refuses_an_empty_reason_and_changes_nothing(to_verify, coordinator):
    with pytest.raises(ValidationError) as error:
        vendor_verification_decide(vendor=to_verify, user=coordinator, decision="refused", reason="   ")

    assert error.value.error_dict["reason"][0].code == "verification_reason_required"
    assert "Dites pourquoi" in error.value.messages[0]
    assert not VendorVerification.objects.exists()
    assert not AuditEntry.objects.filter(object_type="vendor").exists()


def test_vendor_verification_decide_twice_says_who_decided_and_changes_nothing(to_verify, coordinator):
    other = factories.UserFactory(role=User.Role.COORDINATOR, first_name="Camille", last_name="Tremblay")
    vendor_verification_decide(vendor=to_verify, user=other, decision="refused", reason=REASON)

    with pytest.raises(ValidationError) as error:
        vendor_verification_decide(vendor=to_verify, user=coordinator, decision="verified")

    assert error.value.code == "verification_already_decided"
    assert "Camille Tremblay" in error.value.messages[0]
    to_verify.refresh_from_db()
    assert not to_verify.is_verified
    assert VendorVerification.objects.count() == 1


def test_vendor_verification_decide_refuses_a_firm_changed_since_the_page_was_read(to_verify, coordinator):
    seen_at = to_verify.updated_at - datetime.timedelta(minutes=5)

    with pytest.raises(ValidationError) as error:
        vendor_verification_decide(vendor=to_verify, user=coordinator, decision="verified", seen_at=seen_at)

    assert error.value.code == "verification_stale"
    to_verify.refresh_from_db()
    assert not to_verify.is_verified


def test_vendor_verification_decide_is_refused_to_a_member_of_the_firm(to_verify, vendor_member):
    with pytest.raises(PermissionDenied):
        vendor_verification_decide(vendor=to_verify, user=vendor_member, decision="verified")

    to_verify.refresh_from_db()
    assert not to_verify.is_verified


# What the firm's members are told


def test_the_firms_members_are_told_of_a_refusal_in_their_own_language(
    to_verify, coordinator, vendor_member, mailoutbox, django_capture_on_commit_callbacks
):
    english = factories.UserFactory(role=User.Role.VENDOR_MEMBER, preferred_language="en")
    to_verify.members.add(english)

    with django_capture_on_commit_callbacks(execute=True):
        vendor_verification_decide(vendor=to_verify, user=coordinator, decision="refused", reason=REASON)

    french_notice = Notification.objects.get(user=vendor_member, kind=Notification.Kind.VENDOR_VERIFICATION)
    english_notice = Notification.objects.get(user=english, kind=Notification.Kind.VENDOR_VERIFICATION)
    assert "n'a pas pu être vérifiée" in french_notice.title and REASON in french_notice.body
    assert "could not be verified" in english_notice.title and REASON in english_notice.body
    assert (french_notice.url, english_notice.url) == ("/fr/sme/", "/en/sme/")
    assert {message.to[0] for message in mailoutbox} == {vendor_member.email, english.email}


def test_the_firms_members_are_told_it_is_verified(to_verify, coordinator, vendor_member):
    vendor_verification_decide(vendor=to_verify, user=coordinator, decision="verified")

    notice = Notification.objects.get(user=vendor_member, kind=Notification.Kind.VENDOR_VERIFICATION)
    assert to_verify.name in notice.title and "vérifiée" in notice.title


# The API


def test_api_verification_verifies_a_firm(api_client, to_verify, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        reverse("vendor-verification", args=[to_verify.pk]), {"decision": "verified"}, format="json"
    )

    assert response.status_code == 201, response.data
    assert response.data["decision"] == "verified"
    assert response.data["name_match"] == "no_evidence"
    to_verify.refresh_from_db()
    assert to_verify.is_verified


def test_api_verification_refusal_without_a_reason_is_a_400_on_the_reason(api_client, to_verify, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.post(
        reverse("vendor-verification", args=[to_verify.pk]), {"decision": "refused"}, format="json"
    )

    assert response.status_code == 400
    assert "reason" in response.data
    assert not VendorVerification.objects.exists()


def test_api_verification_decided_twice_is_a_400(api_client, to_verify, coordinator):
    api_client.force_authenticate(coordinator)
    url = reverse("vendor-verification", args=[to_verify.pk])
    api_client.post(url, {"decision": "refused", "reason": REASON}, format="json")

    response = api_client.post(url, {"decision": "verified"}, format="json")

    assert response.status_code == 400
    assert VendorVerification.objects.count() == 1


def test_api_verification_is_refused_to_the_firms_member(api_client, to_verify, vendor_member):
    api_client.force_authenticate(vendor_member)

    response = api_client.post(
        reverse("vendor-verification", args=[to_verify.pk]), {"decision": "verified"}, format="json"
    )

    assert response.status_code == 403
    to_verify.refresh_from_db()
    assert not to_verify.is_verified


def test_api_is_verified_goes_through_the_decision(api_client, to_verify, coordinator):
    api_client.force_authenticate(coordinator)

    response = api_client.patch(
        reverse("vendor-detail", args=[to_verify.pk]), {"is_verified": True}, format="json"
    )

    assert response.status_code == 200, response.data
    verification = VendorVerification.objects.get(vendor=to_verify)
    assert (verification.decision, verification.decided_by) == ("verified", coordinator)
    assert AuditEntry.objects.filter(object_type="vendor", object_id=to_verify.pk, action="verify").exists()


# The admin


def test_the_admin_shows_decisions_and_changes_none(admin_client, to_verify, coordinator):
    verification = vendor_verification_decide(
        vendor=to_verify, user=coordinator, decision="refused", reason=REASON
    )

    listed = admin_client.get(reverse("admin:marketplace_vendorverification_changelist"))
    deleted = admin_client.post(
        reverse("admin:marketplace_vendorverification_delete", args=[verification.pk]), {"post": "yes"}
    )

    assert listed.status_code == 200 and to_verify.name in listed.content.decode()
    assert deleted.status_code == 403
    assert VendorVerification.objects.filter(pk=verification.pk).exists()


def test_the_admin_shows_a_firms_verification_without_letting_it_change(admin_client, to_verify):
    response = admin_client.get(reverse("admin:marketplace_vendor_change", args=[to_verify.pk]))

    assert response.status_code == 200
    assert 'name="is_verified"' not in response.content.decode()
