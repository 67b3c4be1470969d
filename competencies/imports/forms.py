"""The upload form of the spreadsheet import page. The file itself is checked by the importer
(``competencies.imports``): type, size, safety and contents."""

from typing import Any

from crispy_forms.helper import FormHelper
from django import forms
from django.utils.translation import gettext_lazy as _

from .columns import LONG, WIDE
from .reading import CSV_EXTENSIONS, XLSX_EXTENSIONS

FORMAT_AUTO = ""
FORMAT_CHOICES = [
    (FORMAT_AUTO, _("Detect from the headings")),
    (WIDE, _("Matrix: one row per person")),
    (LONG, _("List: one row per assessment")),
]
SHEET_MAX_LENGTH = 100


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label=_("Spreadsheet"),
        help_text=_("An Excel workbook (.xlsx) or a CSV file (comma or semicolon, UTF-8 or Windows-1252)."),
    )
    format = forms.ChoiceField(label=_("Layout"), choices=FORMAT_CHOICES, required=False, initial=FORMAT_AUTO)
    sheet = forms.CharField(
        label=_("Sheet"),
        required=False,
        max_length=SHEET_MAX_LENGTH,
        help_text=_("Workbooks only; empty: the first sheet."),
    )
    create_missing = forms.BooleanField(
        label=_("Create people who are not in servicelead yet"),
        required=False,
        help_text=_("Needs a personnel number and a name in the row; otherwise unknown people are reported."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update({"accept": ",".join(XLSX_EXTENSIONS + CSV_EXTENSIONS)})
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_format(self) -> str | None:
        return self.cleaned_data["format"] or None

    def clean_sheet(self) -> str | None:
        return self.cleaned_data["sheet"].strip() or None
