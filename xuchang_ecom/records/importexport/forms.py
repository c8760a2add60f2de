"""The admin's import and export forms: an upload refused by the format's checks, and
an export whose column checkboxes are labelled by their headers."""
import os

from django.conf import settings
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from import_export.forms import ImportForm, SelectableFieldsExportForm

from xuchang_ecom.records.importexport.uploads import ImportFileRejected


class SpreadsheetImportForm(ImportForm):
    """The admin's upload form, refusing files that fail the format's checks."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        self.formats = formats
        # Chosen in the browser from the file's name (import-export's guess_format.js), and
        # here from its extension when the browser did not.
        self.fields["format"].required = False
        self.fields["import_file"].help_text = gettext(
            "An .xlsx or .csv file of at most %(limit)s whose first row holds the column "
            "headers, as in an exported file."
        ) % {"limit": filesizeformat(settings.IMPORT_MAX_UPLOAD_BYTES)}

    def clean(self):
        cleaned_data = super().clean()
        upload = cleaned_data.get("import_file")
        index = cleaned_data.get("format")
        if upload is None:
            return cleaned_data
        extension = os.path.splitext(upload.name)[1].lower().lstrip(".")
        if index in (None, ""):
            index = next((str(position) for position, format_class in enumerate(self.formats)
                          if format_class().get_extension() == extension), None)
            if index is None:
                self.add_error("import_file", gettext("Upload an .xlsx or .csv file."))
                return cleaned_data
            cleaned_data["format"] = index
        file_format = self.formats[int(index)]()
        try:
            if extension != file_format.get_extension():
                raise ImportFileRejected(
                    gettext("The file name ends in “.%(extension)s” but the format chosen is "
                            "%(format)s.")
                    % {"extension": extension, "format": file_format.get_title()},
                    code="wrong_extension",
                )
            # Checked before the content is read at all.
            file_format.check_size(upload.size)
            file_format.check_content(upload.read())
        except ImportFileRejected as error:
            self.add_error("import_file", error.as_validation_error())
        finally:
            upload.seek(0)
        return cleaned_data


class SpreadsheetExportForm(SelectableFieldsExportForm):
    """The admin's export form, labelling each column checkbox with its header alone.

    The format starts on the first configured one (.xlsx, what staff open in Excel)
    rather than on an empty choice; a form posted without one says what is missing."""

    def __init__(self, formats, resources, **kwargs):
        super().__init__(formats, resources, **kwargs)
        field = self.fields["format"]
        field.choices = [choice for choice in field.choices if choice[0] != ""]
        field.initial = "0"
        field.error_messages["required"] = gettext("Choose the file format to export, e.g. Excel (.xlsx).")

    def _get_field_label(self, resource, field_name: str) -> str:
        field = resource.fields.get(field_name)
        return field.column_name if field is not None else field_name
