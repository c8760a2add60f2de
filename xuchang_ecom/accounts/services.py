import logging
import secrets
import smtplib

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from xuchang_ecom.common.bulk import save_later
from xuchang_ecom.common.errors import NOT_A_CHOICE
from xuchang_ecom.regions.models import Level, Region

from .mails import invitation_mail
from .models import Organisation, Role, User
from .roles import ROLE_GROUP_NAMES, ROLE_PERMISSIONS
from .scoping import region_in_scope
from .validators import normalise_uscc

logger = logging.getLogger(__name__)


@transaction.atomic
def sync_role_groups() -> None:
    """Make one group per role hold exactly the permissions ``ROLE_PERMISSIONS`` lists."""
    for role, group_name in ROLE_GROUP_NAMES.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = Q(pk__in=[])
        for dotted in ROLE_PERMISSIONS[role]:
            app_label, codename = dotted.split(".", 1)
            wanted |= Q(content_type__app_label=app_label, codename=codename)
        group.permissions.set(Permission.objects.filter(wanted))


#: The roles that work in the admin.
STAFF_ROLES = (Role.CITY_STAFF, Role.COUNTY_STAFF)
#: What ``user_update`` changes; the role decides the groups, permissions and ``is_staff``.
USER_FIELDS = ("username", "first_name", "last_name", "email", "is_active", "is_superuser", "role", "region",
               "organisation")


def user_binding_check(*, role: str, region: Region | None, organisation: Organisation | None,
                       is_superuser: bool = False) -> None:
    """Raise ValidationError (keyed by field) unless an account of ``role`` is bound as it
    must be: county staff to a county-level division, reporters to an organisation (a
    superuser needs none)."""
    if role == Role.COUNTY_STAFF and (region is None or region.level != Level.COUNTY):
        raise ValidationError({"region": _("County bureau staff must be bound to a county-level division.")})
    if role == Role.REPORTER and organisation is None and not is_superuser:
        raise ValidationError({"organisation": _("An enterprise reporter must be bound to an organisation.")})


@transaction.atomic
def user_create(
    *,
    username: str,
    password: str | None,
    role: str,
    region: Region | None = None,
    organisation: Organisation | None = None,
    first_name: str = "",
    email: str = "",
) -> User:
    """Create an account in its role's group. Staff roles may use the admin; reporters never."""
    user_binding_check(role=role, region=region, organisation=organisation)
    user = User(
        username=username,
        role=role,
        region=region if role == Role.COUNTY_STAFF else None,
        organisation=organisation if role == Role.REPORTER else None,
        first_name=first_name,
        email=email,
        is_staff=role in STAFF_ROLES,
    )
    if password:
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=ROLE_GROUP_NAMES[role])])
    return user


@transaction.atomic
def user_update(*, user: User, data: dict) -> User:
    """Change ``user``'s fields (``USER_FIELDS``) to ``data``; returns it saved. Raises
    ValidationError, ValueError for a field not in ``USER_FIELDS``.

    As on creation, the role decides the rest: the account is in its role's group alone,
    with no permissions of its own, may use the admin if it is staff (or a superuser),
    and is bound as ``user_binding_check`` says, to nothing else."""
    unknown = set(data) - set(USER_FIELDS)
    if unknown:
        raise ValueError(f"Unknown user fields: {sorted(unknown)}")
    for name, value in data.items():
        setattr(user, name, value)
    user_binding_check(role=user.role, region=user.region, organisation=user.organisation,
                       is_superuser=user.is_superuser)
    if user.role != Role.COUNTY_STAFF:
        user.region = None
    if user.role != Role.REPORTER:
        user.organisation = None
    user.is_staff = user.role in STAFF_ROLES or user.is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    user.groups.set([Group.objects.get(name=ROLE_GROUP_NAMES[user.role])])
    # set(), not clear(): the trail would record clear() as removing every permission there is.
    user.user_permissions.set([])
    return user


def organisation_create(
    *, name: str, region: Region, uscc: str | None = None, contact_name: str = "", contact_phone: str = ""
) -> Organisation:
    """Register an organisation; raises ValidationError. Inside an import's batch
    (``common.bulk.save_later``) it is checked there and written with the batch."""
    organisation = Organisation(
        name=name.strip(),
        region=region,
        uscc=normalise_uscc(uscc) or None,
        contact_name=contact_name,
        contact_phone=contact_phone,
    )
    if save_later(organisation):
        return organisation
    with transaction.atomic():
        organisation.full_clean()
        organisation.save()
    return organisation


@transaction.atomic
def organisation_update(*, organisation: Organisation, data: dict) -> Organisation:
    """Change ``organisation``'s fields to ``data``; returns it saved. Raises ValidationError.

    Its credit code is kept as on registration (no spaces, upper case), so the registries
    find the organisation by its code however it was typed."""
    for name, value in data.items():
        setattr(organisation, name, value)
    organisation.name = organisation.name.strip()
    organisation.uscc = normalise_uscc(organisation.uscc) or None
    organisation.full_clean()
    organisation.save()
    return organisation


def organisation_find_or_build(*, name: str, region: Region | None, uscc: str | None = None) -> Organisation:
    """The organisation registered under credit code ``uscc`` or, without a match, a new
    unsaved one from ``name`` and ``region``. Without a code nothing is matched: names are
    not unique. Forms and import previews use this to validate before anything is saved."""
    code = normalise_uscc(uscc or "")
    organisation = Organisation.objects.filter(uscc=code).first() if code else None
    return organisation or Organisation(name=name.strip(), region=region, uscc=code or None)


def organisation_get_or_create(
    *, user, name: str, region: Region | None, uscc: str | None = None, contact_name: str = "", contact_phone: str = ""
) -> Organisation:
    """The organisation registered under credit code ``uscc``; without one, a new organisation.

    Registries whose records are organisations (livestream agencies, poverty-alleviation
    enterprises) call this, so an enterprise active in several programmes is one row.
    Raises ValidationError if a new organisation would lie outside ``user``'s area or its
    details are invalid.
    """
    organisation = organisation_find_or_build(name=name, region=region, uscc=uscc)
    if organisation.pk is not None:
        return organisation
    if region is None:
        raise ValidationError({"region": _("Choose a place.")})
    # Checked before saving: a caller that catches the error inside its own transaction
    # (an import preview) must not be left with an organisation it may not keep.
    if not region_in_scope(user=user, region=region):
        raise ValidationError({"region": _("This place is outside the area you are responsible for.")})
    return organisation_create(name=organisation.name, region=region, uscc=organisation.uscc,
                               contact_name=contact_name, contact_phone=contact_phone)


@transaction.atomic
def reporter_create(*, user, organisation: Organisation, username: str, first_name: str = "",
                    email: str = "") -> User:
    """A reporter account for ``organisation``, created by staff responsible for it.

    The account's password is random and told to nobody: its owner sets one through the
    invitation (``reporter_invite``). Raises PermissionDenied for a user who is not staff, ValidationError when the
    organisation is not one the user may see (worded as for a missing one) or the details are invalid.
    """
    if user.role not in STAFF_ROLES and not user.is_superuser:
        raise PermissionDenied
    if not Organisation.objects.visible_to(user).filter(pk=organisation.pk).exists():
        raise ValidationError({"organisation": ValidationError(NOT_A_CHOICE, code="invalid_choice")})
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise ValidationError({"username": _("This username is taken.")})
    return user_create(username=username.strip(), password=secrets.token_urlsafe(32), role=Role.REPORTER,
                       organisation=organisation, first_name=first_name.strip(), email=email.strip())


def _reporter_in_scope(*, user, reporter: User) -> User:
    """``reporter`` as the acting staff user may see it, fresh from the database.

    Raises User.DoesNotExist for an account outside the user's area, as for a missing one.
    """
    from .selectors import reporter_list

    return reporter_list(user=user).get(pk=reporter.pk)


@transaction.atomic
def reporter_invite(*, user, reporter: User, site_url: str) -> User:
    """Send ``reporter`` an invitation to set a password, naming ``user`` who sends it.

    The new invitation's link replaces any earlier one. Raises User.DoesNotExist for an
    account ``user`` may not see, ValidationError for a deactivated account, one without
    an e-mail address, or when the mail cannot be sent (nothing is recorded then).
    """
    reporter = _reporter_in_scope(user=user, reporter=reporter)
    if not reporter.is_active:
        raise ValidationError(_("This account is deactivated: reactivate it before inviting its owner again."))
    if not reporter.email:
        raise ValidationError(_("This account has no e-mail address to send the invitation to."))
    reporter.invited_at = timezone.now()
    reporter.save(update_fields=["invited_at"])
    try:
        invitation_mail(reporter=reporter, inviter=user, site_url=site_url).send()
    except (OSError, smtplib.SMTPException) as error:
        # The count, not the address: logs are read by more people than the accounts are.
        logger.warning("Invitation to account %s not sent: %r", reporter.pk, error)
        raise ValidationError(_("The invitation could not be sent. Try again later.")) from error
    return reporter


@transaction.atomic
def reporter_deactivate(*, user, reporter: User) -> User:
    """Deactivate ``reporter``: it can no longer log in, its sessions end and its
    invitation link stops working. Raises User.DoesNotExist for an account ``user`` may
    not see."""
    reporter = _reporter_in_scope(user=user, reporter=reporter)
    reporter.is_active = False
    reporter.save(update_fields=["is_active"])
    return reporter


@transaction.atomic
def reporter_reactivate(*, user, reporter: User) -> User:
    """Let a deactivated ``reporter`` log in again. Raises User.DoesNotExist for an
    account ``user`` may not see."""
    reporter = _reporter_in_scope(user=user, reporter=reporter)
    reporter.is_active = True
    reporter.save(update_fields=["is_active"])
    return reporter
