from django.apps import AppConfig


class ToolsConfig(AppConfig):
    name = "xuchang_ecom.tools"
    verbose_name = "Tools"
