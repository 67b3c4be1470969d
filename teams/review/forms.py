"""Forms of the campaign pages (the review grids use competencies.forms.ReviewForm)."""

import datetime

from crispy_forms.helper import FormHelper
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competencies.dates import IsoDateField
from competencies.forms import DATE_INPUT
from competencies.roles import is_hr_or_admin

from ..models import Team
from ..selectors import led_team_ids


class CampaignForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("e.g. Self-assessment spring 2027"))
    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"), queryset=Team.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    opens_on = IsoDateField(label=_("Opens on"), widget=DATE_INPUT)
    deadline = IsoDateField(label=_("Deadline"), widget=DATE_INPUT)
    message = forms.CharField(
        label=_("Message to the participants (optional)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Sent with the reminders before the deadline."),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        teams = Team.objects.select_related("parent").order_by("name")
        if not is_hr_or_admin(user):
            teams = teams.filter(pk__in=list(led_team_ids(user)))
        self.fields["teams"].queryset = teams
        today = timezone.localdate()
        self.fields["opens_on"].initial = today
        self.fields["deadline"].initial = today + datetime.timedelta(days=21)
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean(self):
        cleaned = super().clean()
        opens_on, deadline = cleaned.get("opens_on"), cleaned.get("deadline")
        if opens_on and deadline and deadline < opens_on:
            self.add_error("deadline", _("The deadline cannot lie before the opening day."))
        return cleaned
