from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PovertyConfig(AppConfig):
    name = "poverty"
    verbose_name = _("E-commerce poverty alleviation")

    def ready(self):
        from . import metrics, reporting  # noqa: F401  (register the metrics and the monthly figures)
