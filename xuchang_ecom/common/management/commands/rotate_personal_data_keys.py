"""Re-encrypt every stored personal-data value under the first of PERSONAL_DATA_KEYS.

Rotating a key: put the new key first in PERSONAL_DATA_KEYS (the old one after it), run
this command, then remove the old key. Values are re-encrypted token to token, in batches
of one transaction each, so an interrupted run can simply be started again.
"""
from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models.functions import Cast
from django.utils.translation import gettext as _

from xuchang_ecom.common.crypto import EncryptedTextField, reencrypt


def encrypted_fields() -> list[tuple[type[models.Model], str]]:
    """Every (model, field name) stored as an EncryptedTextField, across all apps."""
    return [
        (model, field.name)
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if isinstance(field, EncryptedTextField)
    ]


def rotate_field(model: type[models.Model], field: str, *, batch_size: int) -> int:
    """Re-encrypt ``model.field`` in every row; returns the number of values re-encrypted."""
    # A plain TextField view of the column gives the stored token, not the decrypted text,
    # and writing it through Value(TextField) stores it as is instead of encrypting it again.
    # The audit trail is not told (a queryset's update sends no signal): no value changes,
    # only the key that protects it, and the trail never holds the token anyway.
    as_token = Cast(field, output_field=models.TextField())
    done, last_pk = 0, None
    while True:
        rows = model._default_manager.exclude(**{f"{field}__isnull": True}).exclude(**{field: ""}).order_by("pk")
        if last_pk is not None:
            rows = rows.filter(pk__gt=last_pk)
        batch = list(rows.annotate(token=as_token).values_list("pk", "token")[:batch_size])
        if not batch:
            return done
        with transaction.atomic():
            for pk, token in batch:
                model._default_manager.filter(pk=pk).update(
                    **{field: models.Value(reencrypt(token), output_field=models.TextField())}
                )
        done += len(batch)
        last_pk = batch[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt all personal data (resident ID numbers) under the first key in PERSONAL_DATA_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--batch-size", type=int, default=500)

    def handle(self, *args, batch_size: int, **options):
        for model, field in encrypted_fields():
            count = rotate_field(model, field, batch_size=batch_size)
            self.stdout.write(_("%(model)s.%(field)s: %(count)d values re-encrypted.")
                              % {"model": model._meta.label, "field": field, "count": count})
