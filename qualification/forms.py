"""Forms of the qualification pages. They check their own fields; rules across objects (a measure's range,
a mentor's eligibility, a plan's status) live in ``services``."""

from crispy_forms.helper import FormHelper
from django import forms
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from competencies.dates import IsoDateField
from competencies.i18n import localized
from competencies.models import Assessment, Competency, Employee

from . import generation
from .models import Measure, PlanItem
from .services import COMMENT_MAX_LENGTH

SCOPE_ALL = "all"
FORMAT_CHOICES = [("xlsx", _("Excel workbook (xlsx)")), ("csv", _("CSV (items only)"))]


def _helper():
    helper = FormHelper()
    helper.form_tag = False
    return helper


def next_period(on=None):
    on = on or timezone.localdate()
    return generation.Period(on.year, (on.month - 1) // 3 + 1).shifted(1)


def scope_choices(teams, *, organisation):
    """Choices for a scope select: each team alone, each department with the teams below it, and the
    organisation for those who may plan for it. ``teams`` as from ``selectors.plannable_teams``."""
    choices = []
    if organisation:
        choices.append((SCOPE_ALL, _("Whole organisation")))
    indent = "\u2003"
    for team in teams:
        choices.append((f"team-{team['id']}", f"{indent * team['depth']}{team['name']}"))
        if team["has_children"]:
            choices.append(
                (
                    f"department-{team['id']}",
                    f"{indent * team['depth']}{team['name']} " + str(_("(with all teams below)")),
                )
            )
    return choices


def parse_scope(value):
    """("all", None), ("team", id) or ("department", id) from a scope value; ValueError when malformed."""
    if value == SCOPE_ALL:
        return SCOPE_ALL, None
    kind, _sep, team_id = str(value).partition("-")
    if kind not in ("team", "department") or not team_id.isdigit():
        raise ValueError(value)
    return kind, int(team_id)


class ScopeField(forms.CharField):
    """A scope value ("all", "team-7", "department-1"). Any well-formed value is accepted here: whether the
    user may plan for it is the permission helper's question (403), not a form error."""

    def __init__(self, **kwargs):
        super().__init__(widget=forms.Select, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        try:
            return parse_scope(value)
        except ValueError:
            raise forms.ValidationError(
                _("Choose a team, a department or the organisation."), code="invalid"
            ) from None


class PeriodField(forms.CharField):
    """A quarter such as 2027-Q1."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 7)
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return value
        try:
            return str(generation.Period.parse(value))
        except generation.GenerationError as error:
            raise forms.ValidationError(str(error), code="invalid") from None


class GenerationForm(forms.Form):
    scope = ScopeField(label=_("Plan for"))
    period = PeriodField(
        label=_("Period"),
        help_text=_("A quarter, e.g. 2027-Q1. Items beyond a person's capacity move to the next quarters."),
    )
    capacity_hours = forms.DecimalField(
        label=_("Capacity per person (hours per quarter)"),
        min_value=1,
        max_value=2000,
        decimal_places=1,
        initial=generation.DEFAULT_CAPACITY_HOURS,
    )
    budget_per_team = forms.DecimalField(
        label=_("Budget per team (EUR, optional)"),
        required=False,
        min_value=0,
        decimal_places=2,
        help_text=_("Items whose cost takes a team beyond it are flagged for approval, not dropped."),
    )

    def __init__(self, *args, teams, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = scope_choices(teams, organisation=organisation)
        self.fields["period"].initial = str(next_period())
        self.fields["period"].widget.attrs.update({"placeholder": "2027-Q1", "pattern": "[0-9]{4}-Q[1-4]"})
        self.helper = _helper()


class ExportForm(forms.Form):
    scope = ScopeField(label=_("Export"))
    period = PeriodField(label=_("Period"), required=False, help_text=_("Empty: every period."))
    file_format = forms.ChoiceField(label=_("Format"), choices=FORMAT_CHOICES, initial="xlsx")

    def __init__(self, *args, teams, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["scope"].widget.choices = scope_choices(teams, organisation=organisation)
        self.fields["period"].widget.attrs.update({"placeholder": "2027-Q1"})
        self.helper = _helper()


class PlanItemForm(forms.Form):
    """Measure, mentor and due date of a draft item. Shown with ``measures`` and ``mentors`` (the fitting
    measures and eligible colleagues) as choices; posted, any measure and person is accepted here and the
    service says clearly why one does not fit."""

    measure = forms.ModelChoiceField(
        label=_("Measure"), queryset=Measure.objects.all(), required=False, empty_label=_("Mentoring only")
    )
    mentor = forms.ModelChoiceField(
        label=_("Mentor"), queryset=Employee.objects.all(), required=False, empty_label=_("No mentor")
    )
    due_date = IsoDateField(
        label=_("Due"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, item, measures=None, mentors=None, **kwargs):
        kwargs.setdefault("prefix", f"item-{item.pk}")
        kwargs.setdefault(
            "initial", {"measure": item.measure_id, "mentor": item.mentor_id, "due_date": item.due_date}
        )
        super().__init__(*args, **kwargs)
        if measures is not None:
            offered = list(measures)
            if item.measure is not None and item.measure not in offered:
                offered.append(item.measure)
            self.fields["measure"].choices = [
                ("", _("Mentoring only")),
                *((measure.pk, _measure_label(measure)) for measure in offered),
            ]
        if mentors is not None:
            choices = [("", _("No mentor"))]
            for mentor in mentors:
                note = _("same team") if mentor["same_team"] else _("department")
                choices.append(
                    (
                        mentor["id"],
                        _("%(name)s · level %(level)s · %(mentees)s mentees · %(note)s")
                        % {**mentor, "note": note},
                    )
                )
            if item.mentor_id and item.mentor_id not in {m["id"] for m in mentors}:
                choices.append((item.mentor_id, _("%(name)s (not eligible)") % {"name": item.mentor.name}))
            self.fields["mentor"].choices = choices
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["due_date"].widget.attrs["class"] = "form-control form-control-sm"


def _measure_label(measure):
    return _("%(title)s · %(hours)s h · %(cost)s EUR") % {
        "title": measure.title,
        "hours": floatformat(measure.duration_hours, -1),
        "cost": floatformat(measure.cost, "0g"),
    }


def competencies_in_reader_order():
    """The catalogue by category and name as the reader reads them (built per form: the language is the
    request's, not the one active when this module was imported); retired competencies are offered no more."""
    competencies = Competency.objects.filter(retired_at__isnull=True).select_related("category")
    return competencies.order_by(localized("category__name"), localized("name"))


class PlanItemAddForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.none(),  # the catalogue in the reader's language: see __init__
    )
    target_level = forms.IntegerField(label=_("Target level"), min_value=1, max_value=10)
    reason = forms.ChoiceField(label=_("Reason"), choices=PlanItem.Reason.choices)
    measure = forms.ModelChoiceField(
        label=_("Measure"),
        queryset=Measure.objects.filter(is_active=True).order_by("title"),
        required=False,
        empty_label=_("Mentoring only"),
        help_text=_("Its range must fit the step from the current level to the target."),
    )
    due_date = IsoDateField(
        label=_("Due"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: the end of the plan's quarter."),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("prefix", "add")
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies_in_reader_order()
        self.helper = _helper()


class CommentForm(forms.Form):
    text = forms.CharField(
        label=_("Comment"),
        max_length=COMMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, label=None, required=True, **kwargs):
        super().__init__(*args, **kwargs)
        if label:
            self.fields["text"].label = label
        self.fields["text"].required = required
        self.helper = _helper()


class ProgressForm(forms.Form):
    progress = forms.IntegerField(
        label=_("Progress (%)"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"type": "range", "step": 10, "class": "form-range"}),
    )

    def __init__(self, *args, item, **kwargs):
        kwargs.setdefault("prefix", f"progress-{item.pk}")
        kwargs.setdefault("initial", {"progress": item.progress})
        super().__init__(*args, **kwargs)


class CompleteForm(forms.Form):
    """The lead confirms the level reached, or records the certificate the person earned."""

    source = forms.ChoiceField(
        label=_("Evidence"),
        choices=[
            (Assessment.Source.MANAGER, _("I confirm the level (manager assessment)")),
            (Assessment.Source.CERTIFICATE, _("A certificate was earned")),
        ],
        widget=forms.RadioSelect,
        initial=Assessment.Source.MANAGER,
    )
    level = forms.TypedChoiceField(label=_("Level reached"), coerce=int)
    assessed_on = IsoDateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    valid_until = IsoDateField(
        label=_("Certificate valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Empty: from the competency's validity, if it has one."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=1000)

    def __init__(self, *args, item, levels, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["level"].choices = [
            (level.value, f"{level.value} · {level.label}")
            for level in levels
            if level.value >= item.target_level
        ]
        self.fields["level"].initial = item.target_level
        self.fields["assessed_on"].initial = timezone.localdate()
        self.helper = _helper()

    def clean_assessed_on(self):
        assessed_on = self.cleaned_data["assessed_on"]
        if assessed_on > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return assessed_on


class MeasureForm(forms.ModelForm):
    class Meta:
        model = Measure
        fields = ["title", "kind", "description", "duration_hours", "cost", "provider", "is_active"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = _helper()


class MeasureRangeForm(forms.Form):
    """One competency a measure develops, from one level to a higher one (checked against the competency's
    scale by ``services.measure_save``)."""

    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.none(),  # the catalogue in the reader's language: see __init__
    )
    from_level = forms.IntegerField(label=_("From level"), min_value=0, max_value=10)
    to_level = forms.IntegerField(label=_("To level"), min_value=1, max_value=10)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competency"].queryset = competencies_in_reader_order()

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("from_level"), cleaned.get("to_level")
        if low is not None and high is not None and low >= high:
            raise forms.ValidationError(_("The range must rise: “to level” above “from level”."))
        return cleaned


class BaseMeasureRangeFormSet(forms.BaseFormSet):
    def ranges(self):
        """The filled-in rows that are not marked for deletion, as dicts for ``measure_save``."""
        return [
            form.cleaned_data
            for form in self.forms
            if form.cleaned_data and not form.cleaned_data.get("DELETE")
        ]


MeasureRangeFormSet = forms.formset_factory(
    MeasureRangeForm, formset=BaseMeasureRangeFormSet, extra=2, can_delete=True, max_num=50
)
