"""The admin site: Django's, with one change list for every ModelAdmin registered on it (the
project's and third parties', such as django-axes').

Kept apart from ``common.admin`` (which imports models and the import machinery) because
Django builds the default site while the admin app starts.
"""
from decimal import Decimal

from django.contrib import admin
from django.contrib.admin import helpers, utils
from django.contrib.admin.apps import AdminConfig as DjangoAdminConfig
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.templatetags import admin_list
from django.contrib.admin.views import main
from django.db import models
from django.templatetags.static import static
from django.utils import formats, numberformat
from django.utils.html import format_html
from django.utils.translation import gettext, gettext_noop

# Django's admin templates' strings that its zh_Hans catalogue lacks (the index's table
# headers for screen readers, new in Django 5.1): named here so that makemessages keeps
# them in our catalogue, which LOCALE_PATHS puts before Django's. The admin's scripts'
# strings are in locale/zh_Hans/LC_MESSAGES/djangojs.po.
VENDORED_MESSAGES = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
    gettext_noop("Error:"),
    gettext_noop("Forgotten your login credentials?"),
)


class ChangeList(main.ChangeList):
    """Django's change list, refusing URL values no column holds as it refuses other bad
    values (``IncorrectLookupParameters``: a redirect to ``?e=1``) rather than with a server
    error: a ``date_hierarchy`` year of 30 digits or 9999 (Django 5.2 catches only part of
    this; fixed upstream in ticket #37357), and numbers SQLite cannot bind (``?village=`` or
    ``?id__in=`` with 30 digits, a year-1 time that is year 0 in UTC), which overflow only
    once the query runs."""

    def get_filters(self, request):
        try:
            return super().get_filters(request)
        except (ValueError, OverflowError) as error:
            raise IncorrectLookupParameters(error) from error

    def get_results(self, request):
        try:
            super().get_results(request)
        except OverflowError as error:
            raise IncorrectLookupParameters(error) from error


class ChangeListMixin:
    def get_changelist(self, request, **kwargs):
        return ChangeList


class AdminSite(admin.AdminSite):
    """Every ModelAdmin registered here lists through ``ChangeList``: a ModelAdmin class
    without ``ChangeListMixin`` is registered as a subclass with it, as Django's own
    ``register`` builds a subclass for ``**options``."""

    def register(self, model_or_iterable, admin_class=None, **options):
        admin_class = admin_class or admin.ModelAdmin
        if not issubclass(admin_class, ChangeListMixin):
            admin_class = type(admin_class.__name__, (ChangeListMixin, admin_class),
                               {"__module__": admin_class.__module__, "__doc__": admin_class.__doc__})
        super().register(model_or_iterable, admin_class, **options)


def grouped_amount(value: Decimal, decimal_places: int | None = None) -> str:
    """``53,130.00``: an amount with its thousands grouped by commas, as the bureau writes
    money. Django's zh_Hans formats group nothing (no thousands separator), and turning
    on ``USE_THOUSAND_SEPARATOR`` would group years and ids as well (``2,020``)."""
    return numberformat.format(value, formats.get_format("DECIMAL_SEPARATOR"), decimal_places,
                               grouping=3, thousand_sep=",", force_grouping=True)


def display_for_field(value, field, empty_value_display, *args, **kwargs):
    """Django's ``display_for_field`` with decimal fields' values grouped: the admin's
    change-list cells and read-only fields show ``53,130.00``. The forms' inputs are
    not displays and keep plain numbers (``53130.00``), which is what they accept."""
    if isinstance(field, models.DecimalField) and value is not None and not getattr(field, "flatchoices", None):
        return grouped_amount(value, field.decimal_places)
    return utils.display_for_field(value, field, empty_value_display, *args, **kwargs)


def display_for_value(value, empty_value_display, boolean=False):
    """Django's ``display_for_value``, grouping a decimal a column's method returns."""
    if isinstance(value, Decimal) and not boolean:
        return grouped_amount(value)
    return utils.display_for_value(value, empty_value_display, boolean)


def boolean_icon(value):
    """Django's yes/no icon with its alternative text in the reader's language: Django's
    own says ``True``/``False`` in English to a screen reader on a Chinese page."""
    icon, text = {True: ("yes", gettext("Yes")), False: ("no", gettext("No")),
                  None: ("unknown", gettext("Unknown"))}[value]
    return format_html('<img src="{}" alt="{}">', static(f"admin/img/icon-{icon}.svg"), text)


class AdminConfig(DjangoAdminConfig):
    default_site = "xuchang_ecom.common.adminsite.AdminSite"

    def ready(self):
        super().ready()
        # The change list's cells and the read-only fields display through these names;
        # Django offers no setting to group only amounts (see ``grouped_amount``).
        admin_list.display_for_field = helpers.display_for_field = display_for_field
        admin_list.display_for_value = display_for_value
        # helpers and utils import the icon from admin_list when they draw it.
        admin_list._boolean_icon = boolean_icon
