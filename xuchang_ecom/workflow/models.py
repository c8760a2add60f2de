"""The notification a workflow step leaves for a user. It belongs to the ``reporting`` app
(its table and migrations are there, and ``reporting.models`` imports it so Django finds
it), while the code that writes it is here, for reports and applications alike."""
from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unread(self) -> "NotificationQuerySet":
        return self.filter(read_at__isnull=True)


class Notification(models.Model):
    """A message for one user, shown on their pages and e-mailed: a report or an application
    arrived for review, was returned or decided; a look-up of resident IDs over the limit."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.CASCADE,
                             related_name="notifications")
    message = models.CharField(_("message"), max_length=300)
    url = models.CharField(_("link"), max_length=200, blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        # Kept in the reporting app, where it was made: its table and migrations stay.
        app_label = "reporting"
        default_permissions = ()
        indexes = [models.Index(fields=["user", "read_at"], name="reporting_notification_unread")]

    def __str__(self) -> str:
        return self.message
