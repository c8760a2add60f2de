"""What each role may do, as Django permissions on a group per role.

Apps add their models' permissions here; ``sync_role_groups`` (run after every migrate)
makes the groups match, so a deployment never drifts from the code.
"""
from django.utils.translation import gettext_lazy as _

from .models import Role

ROLE_GROUP_NAMES = {
    Role.CITY_STAFF: "city_staff",
    Role.COUNTY_STAFF: "county_staff",
    Role.REPORTER: "reporter",
}
ROLE_GROUP_LABELS = {
    Role.CITY_STAFF: _("City bureau staff"),
    Role.COUNTY_STAFF: _("County bureau staff"),
    Role.REPORTER: _("Enterprise reporter"),
}

_REGISTRY_CRUD = ("view", "add", "change", "delete", "import", "export")

# "app_label.codename" per role. County staff keep the registries of their own division.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.CITY_STAFF: {
        *(f"villages.{action}_designation" for action in _REGISTRY_CRUD),
        *(f"villages.{action}_honour" for action in _REGISTRY_CRUD),
        *(f"villages.{action}_sourcereport" for action in _REGISTRY_CRUD),
        "regions.view_region",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
    },
    Role.COUNTY_STAFF: {
        *(f"villages.{action}_designation" for action in _REGISTRY_CRUD),
        *(f"villages.{action}_honour" for action in _REGISTRY_CRUD),
        "villages.view_sourcereport",
        "regions.view_region",
        "accounts.view_organisation",
    },
    Role.REPORTER: set(),
}
