"""Admin helpers that know no project app: records only code writes, deletions through a
service, a service's errors on a form, a change-list filter's number. The scoped admin of the registries is
``xuchang_ecom.records.admin``."""
from django.contrib.admin.options import IncorrectLookupParameters
from django.core.exceptions import ValidationError
from django.db import transaction

from xuchang_ecom.common.numbers import BIGINT_MAX, parse_whole_number


class ReadOnlyAdminMixin:
    """For records that only code writes (logs, snapshots, reminders): listed and opened,
    never added, changed or deleted in the admin, not even by a superuser."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ServiceDeleteMixin:
    """For a ModelAdmin whose deletions go through a service: the delete page and the
    "delete selected" action both call ``delete_record``, which subclasses implement with
    the app's ``*_delete``. The action deletes all the rows or none."""

    def delete_record(self, request, obj) -> None:
        raise NotImplementedError

    def delete_model(self, request, obj):
        self.delete_record(request, obj)

    @transaction.atomic
    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self.delete_record(request, obj)


def add_service_errors(form, error: ValidationError) -> None:
    """Show a service's ValidationError beside the form's fields."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


def filter_number(value, *, minimum: int = 0, maximum: int = BIGINT_MAX) -> int | None:
    """A change-list filter's value as a whole number, None when there is none. Raises
    IncorrectLookupParameters (the admin's ``?e=1``, as for Django's own filters' bad
    values) for "²", "３", 30 digits or a number outside ``minimum``..``maximum``."""
    if value in (None, ""):
        return None
    number = parse_whole_number(str(value), minimum=minimum, maximum=maximum)
    if number is None:
        raise IncorrectLookupParameters(value)
    return number
