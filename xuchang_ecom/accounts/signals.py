from django.apps import apps
from django.db.models.signals import post_migrate
from django.dispatch import receiver


@receiver(post_migrate)
def sync_groups_after_migrate(sender, **kwargs):
    # post_migrate is sent once per app that has a models module, and auth creates each
    # app's permissions in its own handler; only after the last one do they all exist.
    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if sender is not with_models[-1]:
        return
    from .services import sync_role_groups

    sync_role_groups()
