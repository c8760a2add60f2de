from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LivestreamConfig(AppConfig):
    name = "livestream"
    verbose_name = _("Livestream e-commerce")

    def ready(self):
        from . import applications, metrics, reporting  # noqa: F401  (register the metrics, the monthly figures and the grants)
