"""What each role may do, as Django permissions on a group per role.

Apps add their models' permissions here; ``sync_role_groups`` (run after every migrate)
makes the groups match, so a deployment never drifts from the code.
"""
from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    CITY_STAFF = "city", _("City bureau staff")
    COUNTY_STAFF = "county", _("County bureau staff")
    REPORTER = "reporter", _("Enterprise reporter")


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
_LIVESTREAM_MODELS = ("cluster", "base", "agency", "brand", "anchor", "anchoraccount", "session", "training", "contest")
_POVERTY_MODELS = ("enterprise", "base", "household", "employment", "landlease", "dividend", "takehomework")


def _crud(app_label: str, *models: str) -> set[str]:
    return {f"{app_label}.{action}_{model}" for model in models for action in _REGISTRY_CRUD}


# "app_label.codename" per role. County staff keep the registries of their own division.
ROLE_PERMISSIONS: dict[str, set[str]] = {
    Role.CITY_STAFF: {
        *_crud("villages", "designation", "honour", "sourcereport"),
        *_crud("livestream", "platform", *_LIVESTREAM_MODELS),
        # City staff keep the anchor registry; county staff see anchors' personal data masked.
        "livestream.view_anchor_personal_data",
        *_crud("poverty", "alleviationmodel", *_POVERTY_MODELS),
        # Only city staff may see a full resident ID number, and each reveal is logged.
        "poverty.reveal_resident_id",
        "poverty.view_reveallog",
        "programs.view_program", "programs.add_program", "programs.change_program",
        *{f"programs.{action}_{model}" for model in ("target", "countytarget")
          for action in ("view", "add", "change", "delete")},
        "programs.view_targetchange",
        "programs.view_briefing", "programs.add_briefing",
        "reporting.view_period", "reporting.add_period", "reporting.change_period",
        "reporting.view_report", "reporting.review_report", "reporting.unlock_report", "reporting.view_reportevent",
        "reporting.view_reminder",
        # Calls for applications are written and published by city staff, who score and decide.
        *{f"applications.{action}_{model}" for model in ("call", "criterion", "requireddocument", "conflict")
          for action in ("view", "add", "change", "delete")},
        "applications.view_application", "applications.view_applicationevent",
        "applications.evaluate_application",
        "programs.view_snapshot",
        "regions.view_region",
        "accounts.view_organisation",
        "accounts.add_organisation",
        "accounts.change_organisation",
        # The audit trail of every registry: read only, and for city staff alone.
        "audit.view_logentry",
    },
    Role.COUNTY_STAFF: {
        *_crud("villages", "designation", "honour"),
        *_crud("livestream", *_LIVESTREAM_MODELS),
        "villages.view_sourcereport",
        "livestream.view_platform",
        *_crud("poverty", *_POVERTY_MODELS),
        "poverty.view_alleviationmodel",
        "programs.view_program",
        "programs.view_target",
        "programs.view_snapshot",
        "reporting.view_period", "reporting.view_report", "reporting.review_report", "reporting.view_reportevent",
        "reporting.view_reminder",
        # County staff give the first opinion on their county's applications.
        "applications.view_call", "applications.view_application", "applications.view_applicationevent",
        "applications.give_county_opinion",
        "regions.view_region",
        "accounts.view_organisation",
    },
    Role.REPORTER: set(),
}
