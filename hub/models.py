from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class User(AbstractUser):
    class Role(models.TextChoices):
        MINISTRY_MEMBER = "ministry", _("Public organization member")
        VENDOR_MEMBER = "vendor", _("Vendor member")
        COORDINATOR = "coordinator", _("Hub coordinator")
        ADMINISTRATOR = "admin", _("Administrator")

    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.VENDOR_MEMBER)
    preferred_language = models.CharField(
        _("preferred language"), max_length=2, choices=[("fr", "Français"), ("en", "English")], default="fr"
    )

    @property
    def is_coordinator(self) -> bool:
        """Coordinators and administrators see and decide everything on the hub."""
        return self.is_authenticated and (
            self.is_superuser or self.role in {self.Role.COORDINATOR, self.Role.ADMINISTRATOR}
        )


class Organization(models.Model):
    """A public body that posts challenges."""

    class Kind(models.TextChoices):
        MINISTRY = "ministry", _("Ministry")
        AGENCY = "agency", _("Agency")
        MUNICIPALITY = "municipality", _("Municipality")
        HEALTH = "health", _("Health and social services")
        EDUCATION = "education", _("Education")
        CROWN = "crown", _("Crown corporation")

    key = models.SlugField(_("catalogue key"), max_length=64, unique=True)
    name = models.CharField(_("name"), max_length=255)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    # A string reference, not an import: regions belong to the marketplace app.
    region = models.ForeignKey(
        "marketplace.Region", verbose_name=_("region"), null=True, blank=True, on_delete=models.PROTECT
    )
    members = models.ManyToManyField(User, verbose_name=_("members"), related_name="organizations", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("public organization")
        verbose_name_plural = _("public organizations")

    def __str__(self) -> str:
        return self.name
