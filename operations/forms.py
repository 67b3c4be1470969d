from crispy_forms.helper import FormHelper
from crispy_forms.layout import Submit
from django import forms
from django.utils.translation import gettext_lazy as _

from competencies.dates import IsoDateField
from competencies.models import MAX_SCALE_LEVEL


class OperationsImportForm(forms.Form):
    KINDS = [
        ("regions", _("Regions (the names ticket systems give a team's area)")),
        ("systems", _("Technical systems and the competencies they need")),
        ("installed", _("Installed base (units per team, system and date)")),
        ("tickets", _("Tickets or work orders")),
        ("roster", _("Absences and duty roster (iCalendar or CSV)")),
    ]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    file = forms.FileField(
        label=_("File"), help_text=_("CSV or Excel (.xlsx); a roster may also be an iCalendar file (.ics).")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.add_input(Submit("submit", _("Check and import")))


class SuggestionAcceptForm(forms.Form):
    competency = forms.IntegerField(widget=forms.HiddenInput)
    required_level = forms.IntegerField(label=_("Level"), min_value=1, max_value=MAX_SCALE_LEVEL)
    min_people = forms.IntegerField(label=_("People"), min_value=1, max_value=999)
    weight = forms.TypedChoiceField(
        label=_("Weight"),
        coerce=int,
        choices=[(1, _("useful")), (2, _("important")), (3, _("critical"))],
    )


class HolidayPlanForm(forms.Form):
    """A planned absence to try on the duty page (a what-if: nothing is saved)."""

    person = forms.TypedChoiceField(label=_("Who"), coerce=int)
    start = IsoDateField(label=_("From (YYYY-MM-DD)"))
    end = IsoDateField(label=_("Until (YYYY-MM-DD)"))

    def __init__(self, *args, members, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", "—"), *((m["pk"], m["name"]) for m in members)]

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end lies before the start."))
        return cleaned
