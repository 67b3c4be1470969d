"""The one way a date is read from user input: exactly ``YYYY-MM-DD`` (SPEC: pages, API and CLI alike).

``datetime.date.fromisoformat`` also reads ``20260930`` and ``2026-W40-3``, ``strptime("%Y-%m-%d")``
reads ``2026-9-30``, and form fields strip spaces; none of that is a date here."""

import datetime
import re

from django import forms
from django.utils.translation import gettext_lazy as _

ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
DATE_ERROR = _("Enter a date as YYYY-MM-DD, for example 2026-11-27.")


def parse_iso_date(text: object) -> datetime.date:
    """The date written exactly as ``YYYY-MM-DD``; ValueError (with DATE_ERROR) for anything else,
    including values that are not text (a JSON number, a list)."""
    if not isinstance(text, str) or not ISO_DATE.fullmatch(text):
        raise ValueError(str(DATE_ERROR))
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise ValueError(str(DATE_ERROR)) from None


class IsoDateField(forms.DateField):
    """A form field that reads only ``YYYY-MM-DD`` (an empty value is None, as with DateField)."""

    default_error_messages = {"invalid": DATE_ERROR}

    def to_python(self, value: object) -> datetime.date | None:
        if value in self.empty_values:
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        try:
            return parse_iso_date(value)
        except ValueError:
            raise forms.ValidationError(self.error_messages["invalid"], code="invalid") from None
