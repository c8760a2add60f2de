"""The application form: what the call asks for, kept as typed so nothing is lost, and
the evaluators' score form."""
from datetime import timedelta

from django import forms
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from . import grants, selectors
from .models import Application, Criterion


class ApplicationForm(forms.Form):
    """One box per item of ``services.items``; documents are file inputs. Disabled boxes
    are the items that cannot be changed now (all but the returned ones after a return)."""

    def __init__(self, *args, application: Application, items, editable, prefill: dict[str, str] | None = None,
                 **kwargs):
        super().__init__(*args, **kwargs)
        self.application = application
        # The sums of the applicant's approved reports, what a figure not filled in yet starts
        # from; None after submission, when the figures are the applicant's own.
        self.prefill = prefill
        start, end = selectors.figures_period(call=application.call)
        months = {"start": date_format(start, "Y-m"), "end": date_format(end - timedelta(days=1), "Y-m")}
        kind = grants.get_kind(application.call.kind)
        for name, label in items:
            disabled = name not in editable
            if name == "subject":
                choices = [("", _("Choose…"))] + [(str(record.pk), str(record))
                                                   for record in kind.subjects(application.organisation)]
                field = forms.ChoiceField(label=label, choices=choices, required=False, disabled=disabled)
            elif name == "statement":
                field = forms.CharField(label=label, required=False, disabled=disabled,
                                        widget=forms.Textarea(attrs={"rows": 6}))
            elif name.startswith("figure:"):
                help_text = self._figure_help(name.removeprefix("figure:"), months)
                field = forms.CharField(label=label, required=False, disabled=disabled, help_text=help_text,
                                        widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}))
            else:
                field = forms.FileField(label=label, required=False, disabled=disabled,
                                        help_text=_("PDF, PNG or JPEG, at most 10 MB."),
                                        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.png,.jpg,.jpeg"}))
            self.fields[name] = field
        self.initial = {name: self._shown(name) for name, _label in items if not name.startswith("document:")}

    def _figure_help(self, figure: str, months: dict[str, str]) -> str:
        """What the box says of where its number comes from: a pre-fill only where there is one."""
        if self.prefill is None:
            return ""
        if figure in self.prefill:
            return _("The sum of your approved monthly reports for %(start)s to %(end)s; correct it if "
                     "needed.") % months
        return _("For %(start)s to %(end)s: none of your approved monthly reports for those months gives it; "
                 "enter it yourself.") % months

    def _shown(self, name: str) -> str:
        application = self.application
        if name in application.draft_input:
            return application.draft_input[name]
        if name == "subject":
            return "" if application.subject_id is None else str(application.subject_id)
        if name == "statement":
            return application.statement
        figure = name.removeprefix("figure:")
        return application.figures.get(figure, (self.prefill or {}).get(figure, ""))

    def typed(self) -> dict[str, str]:
        """What was typed in the editable boxes (not the files)."""
        return {name: self.data.get(name, "") for name, field in self.fields.items()
                if not field.disabled and not name.startswith("document:")}

    def uploads(self) -> dict[int, object]:
        """requirement id -> uploaded file, for the editable document inputs."""
        return {int(name.removeprefix("document:")): self.files[name] for name, field in self.fields.items()
                if name.startswith("document:") and not field.disabled and name in self.files}

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        self.is_valid()
        for name, messages in errors.items():
            self.add_error(name if name in self.fields else None, messages)


class EvaluationForm(forms.Form):
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, criteria: list[Criterion], **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in criteria:
            self.fields[f"criterion_{criterion.pk}"] = forms.CharField(
                label=f"{criterion.name}（0–{criterion.weight}）", required=False,
                widget=forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"}),
            )

    def points(self) -> dict[int, str]:
        return {int(name.removeprefix("criterion_")): self.data.get(name, "") for name in self.fields
                if name.startswith("criterion_")}
