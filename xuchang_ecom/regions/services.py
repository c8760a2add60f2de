import copy

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Length, Substr
from django.utils.translation import gettext as _

from xuchang_ecom.audit.bulk import log_bulk
from xuchang_ecom.audit.models import LogEntry

from .models import PATH_SEPARATOR, Level, Region


@transaction.atomic
def region_create(
    *, name: str, level: int, parent: Region | None = None, code: str | None = None,
    is_functional_area: bool = False,
) -> Region:
    """Create a division under ``parent``; raises ValidationError on a bad level or name."""
    name = name.strip()
    if PATH_SEPARATOR in name:
        raise ValidationError({"name": _("A name cannot contain “/”.")})
    if parent is not None and level != parent.level + 1:
        raise ValidationError({"level": _("A division must be exactly one level below its parent.")})
    region = Region(name=name, level=level, parent=parent, code=code or None,
                    is_functional_area=is_functional_area)
    region.path = region.build_path()
    region.county = parent.county if parent is not None and level > Level.COUNTY else None
    region.full_clean()
    region.save()
    if level == Level.COUNTY:
        region.county = region
        region.save(update_fields=["county"])
    return region


@transaction.atomic
def region_rename(*, region: Region, name: str) -> Region:
    """Rename a division and rewrite the paths of everything under it in one UPDATE."""
    old_path = region.path
    region.name = name.strip()
    if PATH_SEPARATOR in region.name:
        raise ValidationError({"name": _("A name cannot contain “/”.")})
    region.path = region.build_path()
    region.full_clean()
    region.save()
    below = Region.objects.filter(path__startswith=old_path).exclude(pk=region.pk)
    before = list(below)
    below.update(path=Concat(Value(region.path), Substr(F("path"), Length(Value(old_path)) + 1)))
    # A queryset's update sends no signals: the trail is told of each path here.
    log_bulk(LogEntry.Action.UPDATE, ((old, _moved(old, old_path, region.path)) for old in before))
    return region


def _moved(region: Region, old_prefix: str, new_prefix: str) -> Region:
    """A copy of ``region`` with its path's prefix replaced, as the UPDATE above did."""
    moved = copy.copy(region)
    moved.path = new_prefix + region.path[len(old_prefix):]
    return moved


def region_get_or_create_path(*, names: list[str], codes: dict[str, str] | None = None) -> Region:
    """Walk (and create where missing) a chain of names from the city down."""
    codes = codes or {}
    parent = None
    for depth, name in enumerate(names, start=Level.CITY):
        region = Region.objects.filter(parent=parent, name=name).first()
        if region is None:
            region = region_create(name=name, level=depth, parent=parent, code=codes.get(name))
        parent = region
    return parent
