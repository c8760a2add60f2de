"""The report form: one text box per figure, kept as typed so nothing is ever lost.

Figures are parsed by the services (one set of rules for the form, the API and imports);
the form only carries the text and shows the services' errors beside each box.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from .groups import COUNT_FIELDS
from .models import Report


class ReportForm(forms.Form):
    def __init__(self, *args, report: Report, fields: tuple[str, ...], editable: tuple[str, ...], **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        for name in fields:
            model_field = Report._meta.get_field(name)
            counted = name in COUNT_FIELDS
            self.fields[name] = forms.CharField(
                label=model_field.verbose_name, required=False, disabled=name not in editable,
                widget=forms.TextInput(attrs={
                    "inputmode": "numeric" if counted else "decimal",
                    "autocomplete": "off",
                }),
                help_text=_("A whole number") if counted else _("Up to two decimal places"),
            )
        # Disabled boxes show these even on a bound form.
        self.initial = {name: self._shown(name) for name in fields}

    def _shown(self, name: str) -> str:
        if name in self.report.draft_input:
            return self.report.draft_input[name]
        value = getattr(self.report, name)
        if value is None:
            return ""
        return f"{value.normalize():f}" if hasattr(value, "normalize") else str(value)

    def typed(self) -> dict[str, str]:
        """What was typed in the editable boxes."""
        return {name: self.data.get(name, "") for name, field in self.fields.items() if not field.disabled}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        # A bound form is cleaned first, so the errors added belong to the boxes.
        self.is_valid()
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class ReporterAccountForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=None)
    username = forms.CharField(label=_("Username"), max_length=150)
    first_name = forms.CharField(label=_("Name of the person reporting"), max_length=150, required=False)
    email = forms.EmailField(label=_("E-mail"), help_text=_("The password is set through a link sent here."))

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations.order_by("name")
