from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportingConfig(AppConfig):
    name = "xuchang_ecom.reporting"
    label = "reporting"
    verbose_name = _("Monthly reports")

    def ready(self):
        from . import metrics  # noqa: F401  (registers the metrics)
