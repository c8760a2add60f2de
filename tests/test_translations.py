"""The interface is Simplified Chinese by default: every string must have a translation."""
import re
from pathlib import Path

import polib
import pytest
from django.apps import apps
from django.conf import settings
from django.utils import translation

PO = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
OUR_APPS = {"regions", "accounts", "common", "villages", "programs", "livestream", "poverty", "audit"}
CJK = re.compile(r"[\u4e00-\u9fff]")


def test_the_chinese_catalogue_has_no_untranslated_or_fuzzy_entry():
    catalogue = polib.pofile(str(PO))
    missing = [entry.msgid for entry in catalogue.untranslated_entries()]
    fuzzy = [entry.msgid for entry in catalogue.fuzzy_entries()]
    assert not missing, f"untranslated: {missing}"
    assert not fuzzy, f"fuzzy: {fuzzy}"


def test_the_compiled_catalogue_matches_the_source_catalogue():
    source = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.pofile(str(PO)) if not e.obsolete}
    compiled = {(e.msgctxt, e.msgid): (e.msgstr or e.msgstr_plural) for e in polib.mofile(str(PO.with_suffix(".mo")))}
    compiled.pop((None, ""), None)  # the header
    assert compiled == source, "run `make messages` (or compile the .po) and commit the .mo"


def _labels():
    for model in apps.get_models():
        if model._meta.app_label not in OUR_APPS:
            continue
        yield f"{model._meta.label} verbose_name", model._meta.verbose_name
        yield f"{model._meta.label} verbose_name_plural", model._meta.verbose_name_plural
        for field in model._meta.get_fields():
            if hasattr(field, "verbose_name") and not field.auto_created:
                yield f"{model._meta.label}.{field.name}", field.verbose_name
            for value, label in getattr(field, "flatchoices", None) or []:
                yield f"{model._meta.label}.{field.name}={value}", label


@pytest.mark.parametrize("where,label", list(_labels()), ids=lambda v: str(v) if isinstance(v, str) else "")
def test_every_model_field_and_choice_label_reads_in_chinese(where, label):
    with translation.override("zh-hans"):
        assert CJK.search(str(label)), f"{where} has no Chinese label: {label!r}"
