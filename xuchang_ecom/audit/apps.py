from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "xuchang_ecom.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self):
        from celery.signals import task_postrun, task_prerun

        from . import context, trail

        trail.register()
        task_prerun.connect(context.task_started, dispatch_uid="xuchang_audit_task_started")
        task_postrun.connect(context.task_finished, dispatch_uid="xuchang_audit_task_finished")
