from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.regions.models import Region

from .roles import Role
from .scoping import ScopedQuerySet
from .validators import validate_uscc


class OrganisationQuerySet(ScopedQuerySet):
    # County staff see the organisations of their division, a reporter their own.
    scope_region_field = "region"
    scope_organisation_field = "pk"


class Organisation(models.Model):
    """A legal entity that reports to the bureau: an enterprise, cooperative, base or agency.

    Registries (poverty-alleviation enterprises, livestream agencies …) point to it, and an
    enterprise reporter account is bound to exactly one.
    """

    name = models.CharField(_("name"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"),
        max_length=18,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_uscc],
    )
    region = models.ForeignKey(
        Region, verbose_name=_("administrative division"), on_delete=models.PROTECT,
        related_name="organisations",
    )
    contact_name = models.CharField(_("contact person"), max_length=50, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=30, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """An account. The role and its binding decide which rows the account sees.

    Django's permissions decide *what* an account may do; ``role`` with ``region`` or
    ``organisation`` decides *on which rows* (see ``accounts.scoping``).
    """

    role = models.CharField(_("role"), max_length=10, choices=Role.choices, default=Role.REPORTER)
    region = models.ForeignKey(
        Region,
        verbose_name=_("county-level division"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="staff",
        help_text=_("For county bureau staff: the division whose records they keep."),
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reporters",
        help_text=_("For enterprise reporters: the organisation they report for."),
    )
    invited_at = models.DateTimeField(
        _("invited at"), null=True, blank=True, editable=False,
        help_text=_("When the latest invitation to set a password was sent; only its link is valid."),
    )

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            CheckConstraint(
                condition=~models.Q(role="county") | models.Q(region__isnull=False),
                name="accounts_county_staff_has_region",
                violation_error_message=_("County bureau staff must be bound to a county-level division."),
            ),
            CheckConstraint(
                condition=~models.Q(role="reporter")
                | models.Q(organisation__isnull=False)
                | models.Q(is_superuser=True),
                name="accounts_reporter_has_organisation",
                violation_error_message=_("An enterprise reporter must be bound to an organisation."),
            ),
        ]
