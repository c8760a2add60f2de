"""The e-commerce poverty-alleviation registry (电商扶贫).

Enterprises (电商带贫企业) and the bases they run (电商扶贫基地) link registered poor
households (建档立卡贫困户) to income: jobs, land leased out, dividends and work taken home.
Every link is dated, so each figure can be computed as of any day.

A household's resident ID number is personal data: it is stored encrypted, looked up and
kept unique through a keyed hash, and shown masked everywhere except through the audited
``services.household_reveal_id``.
"""
from datetime import date

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from xuchang_ecom.accounts.models import Organisation
from xuchang_ecom.accounts.scoping import ScopedQuerySet
from xuchang_ecom.accounts.validators import normalise_resident_id, validate_resident_id
from xuchang_ecom.common.constraints import CheckConstraint
from xuchang_ecom.common.crypto import EncryptedTextField, keyed_hash
from xuchang_ecom.common.masking import PersonalData, mask_name, mask_resident_id
from xuchang_ecom.common.models import dates_in_order, valid_on
from xuchang_ecom.common.permissions import REGISTRY_PERMISSIONS
from xuchang_ecom.regions.models import Level, Region

# Households were first registered (建档立卡) in 2014, so no household left poverty earlier.
FIRST_REGISTRATION_YEAR = 2014
REVEAL_PERMISSION = "poverty.reveal_resident_id"


def _not_negative(field: str, name: str, message) -> models.CheckConstraint:
    return CheckConstraint(
        condition=Q(**{f"{field}__isnull": True}) | Q(**{f"{field}__gte": 0}), name=name,
        violation_error_message=message,
    )


class AlleviationModel(models.Model):
    """A way an enterprise helps poor households (带贫模式), e.g. 电商+基地+贫困户.

    The four the bureau promotes are loaded by a data migration.
    """

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=50, unique=True)

    class Meta:
        verbose_name = _("poverty-alleviation model")
        verbose_name_plural = _("poverty-alleviation models")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class EnterpriseQuerySet(ScopedQuerySet):
    scope_region_field = "organisation__region"
    scope_organisation_field = "organisation"

    def recognised_by(self, as_of: date) -> "EnterpriseQuerySet":
        return self.filter(recognised_on__lte=as_of)


class Enterprise(models.Model):
    """A poverty-alleviation enterprise (电商带贫企业); its legal identity is its organisation."""

    organisation = models.OneToOneField(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="poverty_enterprise"
    )
    alleviation_models = models.ManyToManyField(
        AlleviationModel, verbose_name=_("poverty-alleviation models"), related_name="enterprises"
    )
    products = models.CharField(_("products"), max_length=200, blank=True)
    recognised_on = models.DateField(
        _("recognised on"), help_text=_("The enterprise counts from this date.")
    )
    note = models.TextField(_("note"), blank=True)

    objects = EnterpriseQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty-alleviation enterprise")
        verbose_name_plural = _("poverty-alleviation enterprises")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["organisation__name"]

    def __str__(self) -> str:
        return self.organisation.name


class BaseQuerySet(ScopedQuerySet):
    scope_region_field = "region"
    scope_organisation_field = "enterprise__organisation"

    def open_on(self, as_of: date) -> "BaseQuerySet":
        return self.filter(valid_on(as_of, "opened_on", "closed_on"))


class Base(models.Model):
    """A poverty-alleviation base (电商扶贫基地)."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("operating enterprise"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="bases", help_text=_("Leave empty if the operator is not a registered enterprise."),
    )
    region = models.ForeignKey(Region, verbose_name=_("place"), on_delete=models.PROTECT, related_name="+")
    products = models.CharField(_("products"), max_length=200, blank=True)
    area_mu = models.DecimalField(_("area (mu)"), max_digits=10, decimal_places=2, null=True, blank=True)
    opened_on = models.DateField(_("opened on"))
    closed_on = models.DateField(_("closed on"), null=True, blank=True)

    objects = BaseQuerySet.as_manager()

    class Meta:
        verbose_name = _("poverty-alleviation base")
        verbose_name_plural = _("poverty-alleviation bases")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["name"]
        constraints = [
            dates_in_order("opened_on", "closed_on", "poverty_base_closed_after_opened"),
            _not_negative("area_mu", "poverty_base_area_not_negative", _("The area cannot be negative.")),
        ]

    def __str__(self) -> str:
        return self.name


class HouseholdQuerySet(ScopedQuerySet):
    # No organisation lookup: enterprise reporters never see households.
    scope_region_field = "village"

    def benefiting_on(self, as_of: date) -> "HouseholdQuerySet":
        """Households with a job or a lease running on ``as_of``, a dividend paid in its year
        up to that day, or take-home work covering it."""
        mine = {"household": OuterRef("pk")}
        return self.filter(
            Exists(Employment.objects.active_on(as_of).filter(**mine))
            | Exists(LandLease.objects.active_on(as_of).filter(**mine))
            | Exists(Dividend.objects.paid_in_year_to(as_of).filter(**mine))
            | Exists(TakeHomeWork.objects.covering(as_of).filter(**mine))
        )


class Household(models.Model):
    """A registered poor household (建档立卡贫困户)."""

    head_name = models.CharField(_("head of household"), max_length=50)
    resident_id = EncryptedTextField(
        _("resident ID number"), validators=[validate_resident_id],
        help_text=_("The head of household's 18-character number; stored encrypted and shown masked."),
    )
    # The encrypted column can be neither searched nor kept unique; this keyed hash of the
    # normalised number can, and brute-forcing it needs the key.
    id_hash = models.CharField(_("resident ID hash"), max_length=64, unique=True, editable=False)
    village = models.ForeignKey(
        Region, verbose_name=_("village"), on_delete=models.PROTECT, related_name="poor_households"
    )
    size = models.PositiveSmallIntegerField(_("household size"))
    disabled_members = models.PositiveSmallIntegerField(_("members with disabilities"), default=0)
    exited_in = models.PositiveSmallIntegerField(
        _("year out of poverty"), null=True, blank=True, help_text=_("Leave empty while the household is still poor.")
    )

    objects = HouseholdQuerySet.as_manager()
    # The number is shown masked to everyone (revealed one household at a time, logged),
    # and neither it nor its hash is ever searched, filtered or sorted by.
    personal_data = PersonalData(permission=REVEAL_PERMISSION, masks={"head_name": mask_name},
                                 hidden=("resident_id", "id_hash"))

    class Meta:
        verbose_name = _("registered poor household")
        verbose_name_plural = _("registered poor households")
        default_permissions = REGISTRY_PERMISSIONS
        permissions = [("reveal_resident_id", _("Can reveal a full resident ID number"))]
        # Not by name: an order by the hidden part of names tells something of them.
        ordering = ["village__path", "pk"]
        constraints = [
            CheckConstraint(
                condition=Q(size__gte=1), name="poverty_household_has_members",
                violation_error_message=_("A household has at least one member."),
            ),
            CheckConstraint(
                condition=Q(disabled_members__lte=models.F("size")), name="poverty_household_disabled_le_size",
                field="disabled_members",
                violation_error_message=_("A household cannot have more members with disabilities than members."),
            ),
            CheckConstraint(
                condition=Q(exited_in__isnull=True) | Q(exited_in__gte=FIRST_REGISTRATION_YEAR),
                name="poverty_household_exit_after_registration",
                violation_error_message=_("Households were first registered in 2014: the exit year cannot be earlier."),
            ),
        ]

    def __str__(self) -> str:
        # Masked: a household's name shows on pages and in logs that many people read.
        return f"{mask_name(self.head_name)} {self.masked_resident_id}"

    def save(self, *args, **kwargs) -> None:
        # Also on a save that skipped full_clean(): the hash must never drift from the number.
        self._hash_resident_id()
        super().save(*args, **kwargs)

    @property
    def masked_resident_id(self) -> str:
        return mask_resident_id(self.resident_id)

    @property
    def has_exited(self) -> bool:
        return self.exited_in is not None

    def _hash_resident_id(self) -> None:
        self.resident_id = normalise_resident_id(self.resident_id)
        self.id_hash = keyed_hash(self.resident_id)

    def clean_fields(self, exclude=None) -> None:
        # Normalised before the validators run, so "…123x" and "… 123X" are one number.
        self._hash_resident_id()
        super().clean_fields(exclude=exclude)

    def clean(self) -> None:
        """Raises ValidationError for a place that is not a village."""
        if self.village_id and self.village.level != Level.VILLAGE:
            raise ValidationError({"village": _("Choose a village.")})

    def validate_unique(self, exclude=None) -> None:
        # Whether a number is registered tells something of a person: the services find
        # out (``services.household_check``), logging it for users who may not read
        # numbers, and report it masked on the field people type. The unique index on
        # id_hash still guards against a concurrent insert.
        super().validate_unique(exclude={*(exclude or ()), "id_hash"})


class HouseholdLinkQuerySet(ScopedQuerySet):
    # Links carry personal data (who works where), so they are scoped like their households.
    scope_region_field = "household__village"


class TermQuerySet(HouseholdLinkQuerySet):
    def active_on(self, as_of: date) -> "TermQuerySet":
        return self.filter(valid_on(as_of, "started_on", "ended_on"))


class DividendQuerySet(HouseholdLinkQuerySet):
    def paid_in_year_to(self, as_of: date) -> "DividendQuerySet":
        """Dividends paid from 1 January of ``as_of``'s year up to and including ``as_of``."""
        return self.filter(paid_on__gte=as_of.replace(month=1, day=1), paid_on__lte=as_of)


class TakeHomeWorkQuerySet(HouseholdLinkQuerySet):
    def covering(self, as_of: date) -> "TakeHomeWorkQuerySet":
        return self.filter(period_start__lte=as_of, period_end__gte=as_of)

    def paid_in_year_to(self, as_of: date) -> "TakeHomeWorkQuerySet":
        """Work paid (at the end of its period) from 1 January of ``as_of``'s year up to ``as_of``."""
        return self.filter(period_end__gte=as_of.replace(month=1, day=1), period_end__lte=as_of)


class WorkplaceLink(models.Model):
    """What links a household to exactly one enterprise or one base."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="%(class)ss"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, null=True, blank=True,
        related_name="%(class)ss",
    )
    base = models.ForeignKey(
        Base, verbose_name=_("base"), on_delete=models.PROTECT, null=True, blank=True, related_name="%(class)ss"
    )

    class Meta:
        abstract = True
        default_permissions = REGISTRY_PERMISSIONS
        constraints = [
            CheckConstraint(
                condition=Q(enterprise__isnull=False, base__isnull=True)
                | Q(enterprise__isnull=True, base__isnull=False),
                name="%(app_label)s_%(class)s_enterprise_or_base",
                violation_error_message=_("Choose either an enterprise or a base, not both."),
            ),
        ]

    @property
    def workplace(self) -> "Enterprise | Base":
        return self.enterprise or self.base


class Employment(WorkplaceLink):
    """A household member employed by an enterprise or at a base."""

    member_name = models.CharField(_("employee"), max_length=50)
    is_disabled = models.BooleanField(_("person with a disability"), default=False)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    monthly_wage = models.DecimalField(
        _("monthly wage (yuan)"), max_digits=10, decimal_places=2, null=True, blank=True
    )

    objects = TermQuerySet.as_manager()
    personal_data = PersonalData(permission=REVEAL_PERMISSION, masks={"member_name": mask_name})

    class Meta(WorkplaceLink.Meta):
        verbose_name = _("employment")
        verbose_name_plural = _("employments")
        ordering = ["-started_on"]
        constraints = [
            *WorkplaceLink.Meta.constraints,
            dates_in_order("started_on", "ended_on", "poverty_employment_ends_after_start"),
            _not_negative("monthly_wage", "poverty_employment_wage_not_negative", _("A wage cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{mask_name(self.member_name)} @ {self.workplace}"


class LandLease(WorkplaceLink):
    """Land a household leases out (流转土地) to an enterprise or a base."""

    area_mu = models.DecimalField(_("area (mu)"), max_digits=10, decimal_places=2)
    annual_rent = models.DecimalField(_("annual rent (yuan)"), max_digits=12, decimal_places=2)
    started_on = models.DateField(_("started on"))
    ended_on = models.DateField(_("ended on"), null=True, blank=True)

    objects = TermQuerySet.as_manager()

    class Meta(WorkplaceLink.Meta):
        verbose_name = _("land lease")
        verbose_name_plural = _("land leases")
        ordering = ["-started_on"]
        constraints = [
            *WorkplaceLink.Meta.constraints,
            dates_in_order("started_on", "ended_on", "poverty_landlease_ends_after_start"),
            _not_negative("area_mu", "poverty_landlease_area_not_negative", _("The area cannot be negative.")),
            _not_negative("annual_rent", "poverty_landlease_rent_not_negative", _("The rent cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.household} → {self.workplace}: {self.area_mu}"


class Dividend(WorkplaceLink):
    """A dividend paid to a household by an enterprise or a base (分红)."""

    year = models.PositiveSmallIntegerField(_("year"), help_text=_("The year the dividend is for."))
    amount = models.DecimalField(_("amount (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"))

    objects = DividendQuerySet.as_manager()

    class Meta(WorkplaceLink.Meta):
        verbose_name = _("dividend")
        verbose_name_plural = _("dividends")
        ordering = ["-paid_on"]
        constraints = [
            *WorkplaceLink.Meta.constraints,
            _not_negative("amount", "poverty_dividend_amount_not_negative", _("An amount cannot be negative.")),
            CheckConstraint(
                condition=Q(year__gte=FIRST_REGISTRATION_YEAR), name="poverty_dividend_year_plausible",
                violation_error_message=_("Households were first registered in 2014: a dividend cannot be for an "
                                          "earlier year."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} {self.household} ← {self.workplace}"


class TakeHomeWork(models.Model):
    """Work from online orders a household does at home for an enterprise (居家就业)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="take_home_work"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="take_home_work"
    )
    period_start = models.DateField(_("period start"))
    period_end = models.DateField(_("period end"))
    pieces = models.PositiveIntegerField(_("pieces"), default=0)
    pay = models.DecimalField(_("pay (yuan)"), max_digits=12, decimal_places=2)

    objects = TakeHomeWorkQuerySet.as_manager()

    class Meta:
        verbose_name = _("take-home work")
        verbose_name_plural = _("take-home work")
        default_permissions = REGISTRY_PERMISSIONS
        ordering = ["-period_start"]
        constraints = [
            dates_in_order("period_start", "period_end", "poverty_takehomework_period_in_order"),
            _not_negative("pay", "poverty_takehomework_pay_not_negative", _("Pay cannot be negative.")),
        ]

    def __str__(self) -> str:
        return f"{self.household} ← {self.enterprise} {self.period_start}–{self.period_end}"


class RevealLogQuerySet(ScopedQuerySet):
    scope_region_field = "household__village"

    def matches_charged(self, *, user, since) -> int:
        """How many resident ID numbers ``user`` has looked up since ``since`` that count
        towards the limit (``services.resident_ids_look_up``)."""
        return self.filter(user=user, kind=RevealKind.MATCH, revealed_at__gte=since).aggregate(
            total=models.Sum("charged"))["total"] or 0


class RevealKind(models.TextChoices):
    REVEAL = "reveal", _("Revealed on the household's page")
    EXPORT = "export", _("In an export with full numbers")
    MATCH = "match", _("Looked up by number")


class RevealVia(models.TextChoices):
    FORM = "form", _("Form")
    IMPORT = "import", _("Import")
    API = "api", _("API")


class RevealLog(models.Model):
    """Who learnt something of a household's resident ID number, and when.

    A reveal or an export with full numbers names its household. A look-up by number by
    someone who may not read numbers (``MATCH``: a county importing its own households, a
    number typed into a form) is a reveal too, of whether each number is registered: it
    records how many numbers were looked up, how many of them count towards that user's
    daily limit, how many matched and which households those were, or that it was
    refused. Written only by the services; rows are never changed or deleted, so the
    model has only the view permission.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("kind"), max_length=10, choices=RevealKind.choices, default=RevealKind.REVEAL)
    # PROTECT: a household whose number was revealed keeps its audit trail.
    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.PROTECT, related_name="reveal_logs",
        null=True, blank=True,
    )
    households = models.ManyToManyField(
        Household, verbose_name=_("households matched"), related_name="+", blank=True,
    )
    via = models.CharField(_("through"), max_length=10, choices=RevealVia.choices, blank=True)
    file_name = models.CharField(_("file name"), max_length=255, blank=True)
    numbers = models.PositiveIntegerField(_("numbers looked up"), default=0)
    charged = models.PositiveIntegerField(
        _("numbers counted towards the limit"), default=0,
        help_text=_("The same numbers looked up again within a day are not counted again."),
    )
    matched = models.PositiveIntegerField(_("numbers registered"), default=0)
    refused = models.BooleanField(_("refused over the limit"), default=False)
    # A keyed hash of the numbers looked up, to know the same numbers again (a preview,
    # then its confirmation) without keeping them.
    digest = models.CharField(_("fingerprint of the numbers"), max_length=64, blank=True, editable=False)
    revealed_at = models.DateTimeField(_("when"), auto_now_add=True, db_index=True)

    objects = RevealLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident ID reveal")
        verbose_name_plural = _("resident ID reveals")
        default_permissions = ("view",)
        ordering = ["-revealed_at"]
        indexes = [models.Index(fields=["user", "kind", "revealed_at"], name="poverty_reveal_user_kind_at")]

    def __str__(self) -> str:
        if self.household_id:
            return f"{self.revealed_at:%Y-%m-%d %H:%M} {self.user} → {self.household}"
        return f"{self.revealed_at:%Y-%m-%d %H:%M} {self.user} → {self.matched}/{self.numbers}"
