#!/usr/bin/env python
"""Django's command-line utility for administrative tasks."""
import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "xuchang_ecom.settings.local")
    from django.core.management import execute_from_command_line

    from xuchang_ecom.audit.context import command_context

    # Registry changes a command makes are kept as the command's, with the OS account.
    with command_context(sys.argv):
        execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
