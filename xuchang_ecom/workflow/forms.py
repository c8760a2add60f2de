"""The reviewer's side of a review (``xuchang_ecom.workflow.review``), shared by reports and
applications."""
from django import forms
from django.utils.translation import gettext_lazy as _


class ReturnForm(forms.Form):
    """The reviewer's return (``xuchang_ecom.workflow.review``): a comment on the whole, and one per
    item to correct; ``items`` are ``(name, label)`` pairs."""

    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, items, **kwargs):
        # No suffix: Django's is an ASCII colon even on Chinese pages; the labels stand alone.
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for name, label in items:
            self.fields[f"field_{name}"] = forms.CharField(
                label=label, required=False,
                widget=forms.TextInput(attrs={"placeholder": _("What to correct (leave empty if it is right)")}),
            )

    def field_comments(self) -> dict[str, str]:
        return {name.removeprefix("field_"): value for name, value in self.cleaned_data.items()
                if name.startswith("field_") and value}
