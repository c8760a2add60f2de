"""Households and employments now name their people masked (``张**``) wherever they are
shown; the admin's own change history kept the full names it showed before. Mask those."""
from django.db import migrations

from xuchang_ecom.common.masking import mask_name


def _masked(model_name: str, text: str) -> str:
    if model_name == "household":  # "<head name> <masked number>"
        name, space, rest = text.rpartition(" ")
        return f"{mask_name(name)}{space}{rest}" if space else text
    name, at, rest = text.partition(" @ ")  # "<member name> @ <workplace>"
    return f"{mask_name(name)}{at}{rest}" if at else text


def mask_admin_history(apps, schema_editor):
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    for model_name in ("household", "employment"):
        content_type = ContentType.objects.filter(app_label="poverty", model=model_name).first()
        if content_type is None:
            continue
        for entry in LogEntry.objects.filter(content_type=content_type).only("pk", "object_repr"):
            masked = _masked(model_name, entry.object_repr)
            if masked != entry.object_repr:
                LogEntry.objects.filter(pk=entry.pk).update(object_repr=masked)


class Migration(migrations.Migration):

    dependencies = [
        ("poverty", "0003_reveal_log_lookups"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(mask_admin_history, migrations.RunPython.noop, elidable=True)]
