"""Prepare the demo: catalogue, one account per role, search indexes. Demo only: passwords are printed."""

from pathlib import Path

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from hub.models import Organization, User
from marketplace.catalog import catalog_import, catalog_load
from marketplace.models import AwardMode, Challenge, Vendor
from marketplace.register import register_import_file
from marketplace.services import challenge_grid_seed
from matching.search.outbox import outbox_drain

DEMO_PASSWORD = "Maillage-demo-2026"
# Coordinators and administrators sign in with a second factor: the demo's share this TOTP secret, to add to
# an authenticator app (README). Demo only, like the password.
DEMO_TOTP_SECRET = "MAILLAGEDEMOTOTPSECRETQCQCQCQCQC"
# Fictitious firms, among them the catalogue's first ones, one struck off and two over the SME ceiling.
DEMO_REGISTER_PATH = (
    Path(__file__).resolve().parents[3] / "marketplace/fixtures/enterprise-register-sample.csv"
)
DEMO_ACCOUNTS = [
    # username, role, organization key, vendor key
    ("admin", User.Role.ADMINISTRATOR, None, None),
    ("coordination", User.Role.COORDINATOR, None, None),
    ("ministere", User.Role.MINISTRY_MEMBER, "org-mcn", None),
    ("pme", User.Role.VENDOR_MEMBER, None, "v-0001"),
]
# The catalogue has no evaluation grid (hub-catalog/1): its published challenges get this one, so that the
# demo can take proposals. The lowest adjusted price, K = 20 % (docs/evaluation.md).
DEMO_GRID = {
    "award_mode": AwardMode.ADJUSTED_PRICE,
    "k_factor": 20,
    "criteria": [
        {
            "title": "Compréhension du besoin et démarche",
            "description": "La démarche proposée répond au problème décrit et aux personnes qu'il touche.",
            "weight": 40,
            "has_minimum": True,
        },
        {
            "title": "Équipe et expérience",
            "description": "Les rôles prévus et des réalisations comparables.",
            "weight": 30,
            "has_minimum": False,
        },
        {
            "title": "Échéancier et plan de réalisation",
            "description": "Des étapes réalistes, avec leurs livrables.",
            "weight": 30,
            "has_minimum": False,
        },
    ],
}


class Command(BaseCommand):
    help = "Load the demo catalogue, create demo accounts for each role and build the search indexes."

    def handle(self, *args, **options) -> None:
        report = catalog_import(data=catalog_load(settings.CATALOG_PATH))
        self.stdout.write(
            f"Catalogue {settings.CATALOG_PATH.name}: {sum(report.created.values())} records created."
        )
        count = register_import_file(path=DEMO_REGISTER_PATH, extract_date=timezone.localdate())
        self.stdout.write(f"Enterprise register {DEMO_REGISTER_PATH.name}: {count} entries imported.")
        with transaction.atomic():
            for username, role, organization_key, vendor_key in DEMO_ACCOUNTS:
                user, _created = User.objects.get_or_create(username=username, defaults={"role": role})
                user.role = role
                user.email = f"{username}@demo.maillage.quebec"
                user.is_staff = user.is_superuser = role == User.Role.ADMINISTRATOR
                user.set_password(DEMO_PASSWORD)
                user.save()
                if organization_key:
                    Organization.objects.get(key=organization_key).members.add(user)
                if vendor_key:
                    Vendor.objects.get(key=vendor_key).members.add(user)
                Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).delete()
                if user.is_coordinator:
                    TOTP.activate(user, DEMO_TOTP_SECRET)
        graded = 0
        for challenge in Challenge.objects.filter(status=Challenge.Status.PUBLISHED, award_mode=""):
            challenge_grid_seed(challenge=challenge, **DEMO_GRID)
            graded += 1
        self.stdout.write(f"Evaluation grid given to {graded} published challenges.")
        outbox_drain()
        self.stdout.write("\nDemo accounts (demo only):")
        for username, role, organization_key, vendor_key in DEMO_ACCOUNTS:
            member_of = f" ({organization_key or vendor_key})" if organization_key or vendor_key else ""
            self.stdout.write(f"  {username:<14} {DEMO_PASSWORD}   {User.Role(role).label}{member_of}")
        self.stdout.write(
            f"Two-factor sign-in of admin and coordination (demo only): add the TOTP secret {DEMO_TOTP_SECRET} "
            "to an authenticator app, then type the code it shows."
        )
