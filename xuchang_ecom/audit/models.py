"""The trail's entry: django-auditlog's ``LogEntry``, swapped in (``AUDITLOG_LOGENTRY_MODEL``).

auditlog lets a project supply its own entry model built on ``AbstractLogEntry``; every
part of the library (the signal receivers, the diff, the manager) then writes and reads
this one. It keeps auditlog's fields, manager and methods, and differs where the trail
needs it to:

* Indexes: four instead of auditlog's ten. The session import writes an entry per row,
  100,000 in one go, and each index costs every row; the trail is read by record (content
  type and id, the history page), by date and by user. auditlog's indexes on the text
  key, the action and the correlation id (twice each for the pattern searches) are not
  made.
* Protection: a content type cannot be removed while entries name it (``PROTECT``;
  auditlog cascades, so ``remove_stale_contenttypes`` would delete a model's trail). A
  deleted account leaves its entries, naming it in ``additional_data["user"]``.
* Permissions: only ``view`` exists, as for the project's other audit logs; the admin
  lets nobody add, change or delete one either.
* Labels in the interface's language, from our catalogue.
"""
from auditlog.models import AbstractLogEntry
from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import pgettext_lazy

ACTIONS = [
    (AbstractLogEntry.Action.CREATE, pgettext_lazy("audit trail", "Added")),
    (AbstractLogEntry.Action.UPDATE, pgettext_lazy("audit trail", "Changed")),
    (AbstractLogEntry.Action.DELETE, pgettext_lazy("audit trail", "Deleted")),
    (AbstractLogEntry.Action.ACCESS, pgettext_lazy("audit trail", "Viewed")),
]


class LogEntry(AbstractLogEntry):
    """One create, change or deletion of a record kept in the trail (``trail.KEPT``)."""

    content_type = models.ForeignKey(
        "contenttypes.ContentType", verbose_name=pgettext_lazy("audit trail", "registry"), on_delete=models.PROTECT,
        related_name="+", db_index=False,  # the first column of the record index below
    )
    object_pk = models.CharField(pgettext_lazy("audit trail", "record key"), max_length=255)
    object_id = models.BigIntegerField(pgettext_lazy("audit trail", "record id"), blank=True, null=True)
    object_repr = models.TextField(pgettext_lazy("audit trail", "record"))
    serialized_data = models.JSONField(pgettext_lazy("audit trail", "serialized record"), null=True)
    action = models.PositiveSmallIntegerField(pgettext_lazy("audit trail", "action"), choices=ACTIONS)
    changes_text = models.TextField(pgettext_lazy("audit trail", "changes as text"), blank=True)
    changes = models.JSONField(pgettext_lazy("audit trail", "changes"), null=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=pgettext_lazy("audit trail", "user"), on_delete=models.SET_NULL,
        blank=True, null=True, related_name="+",
    )
    cid = models.CharField(pgettext_lazy("audit trail", "correlation id"), max_length=255, blank=True, null=True)
    remote_addr = models.GenericIPAddressField(pgettext_lazy("audit trail", "address"), blank=True, null=True)
    remote_port = models.PositiveIntegerField(pgettext_lazy("audit trail", "port"), blank=True, null=True)
    timestamp = models.DateTimeField(pgettext_lazy("audit trail", "time"), default=timezone.now, db_index=True)
    additional_data = models.JSONField(pgettext_lazy("audit trail", "through"), blank=True, null=True)
    actor_email = models.CharField(pgettext_lazy("audit trail", "user's e-mail address"), max_length=254,
                                   blank=True, null=True)

    class Meta(AbstractLogEntry.Meta):
        verbose_name = pgettext_lazy("audit trail", "change record")
        verbose_name_plural = pgettext_lazy("audit trail", "change records")
        default_permissions = ("view",)
        indexes = [models.Index(fields=["content_type", "object_id"], name="audit_logentry_record")]

    def __str__(self) -> str:
        return f"{self.get_action_display()} {self.object_repr}"
