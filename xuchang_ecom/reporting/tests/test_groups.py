import pytest
from django.db.models import Q

from xuchang_ecom.reporting.groups import GROUPS, FigureGroup, register


def test_a_second_figure_group_under_a_taken_key_is_refused_instead_of_replacing_the_first():
    livestream = GROUPS.get("livestream")
    impostor = FigureGroup(key="livestream", label="another", fields=("sales",), members=lambda: Q(pk__in=[]))

    with pytest.raises(ValueError, match="registered twice"):
        register(impostor)

    assert GROUPS.get("livestream") is livestream


def test_the_registry_apps_each_register_their_group_of_figures():
    assert {group.key for group in GROUPS.all()} >= {"livestream", "poverty"}
