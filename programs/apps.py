from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProgramsConfig(AppConfig):
    name = "programs"
    verbose_name = _("Programs and targets")

    def ready(self):
        from . import triggers

        triggers.connect_signals()
