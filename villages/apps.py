from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VillagesConfig(AppConfig):
    name = "villages"
    verbose_name = _("Taobao villages and towns")

    def ready(self):
        from . import metrics  # noqa: F401  (registers the metrics)
