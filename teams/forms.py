"""Forms of the dashboards: the date and filter bar, and the what-if panel (which never writes)."""

import re

from django import forms
from django.db.models import Q
from django.forms.utils import flatatt
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _

from competencies.dates import DATE_ERROR, IsoDateField
from competencies.permissions import visible_employees
from competencies.scales import level_off_scale_message

MAX_RAISES = 3
MAX_SEARCH_TERMS = 10
WEIGHT_CHOICES = [
    ("", _("All weights")),
    (2, _("Important and critical")),
    (3, _("Critical only")),
]


def error_messages(form):
    """Every error of ``form`` as a sentence, field errors led by the field's label."""
    messages = []
    for name, errors in form.errors.items():
        field = form.fields.get(name)
        label = getattr(field, "error_label", None) or (field.label if field is not None else None)
        for error in errors:
            messages.append(f"{label}: {error}" if name != forms.forms.NON_FIELD_ERRORS and label else error)
    return messages


class QuickSelect(forms.Select):
    """A select whose options are written in Python instead of through one template each: the what-if
    panel has three rows of them listing every member and requirement, which took a quarter of the
    dashboard's rendering. The same markup as Django's."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        options = format_html_join(
            "",
            '<option value="{}"{}>{}</option>',
            (
                (option["value"], " selected" if option["selected"] else "", option["label"])
                for _group, choices, _index in widget["optgroups"]
                for option in choices
            ),
        )
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), options
        )


class DateForm(forms.Form):
    """The analysis date of a page (``?date=YYYY-MM-DD``); today when empty."""

    date = IsoDateField(
        label=_("Date"),
        required=False,
        error_messages={"invalid": DATE_ERROR},
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class FilterForm(DateForm):
    """Date plus the category and weight filters; ``categories`` are (id, name) pairs to offer."""

    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no such category among the requirements shown here.")},
    )
    weight = forms.TypedChoiceField(
        label=_("Weight"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=WEIGHT_CHOICES,
        error_messages={"invalid_choice": _("Choose a weight of 2 (important) or 3 (critical).")},
    )

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        if categories is None:
            # Any category id: where the choices are not known (fragments that filter what they find).
            self.fields["category"] = forms.IntegerField(label=_("Category"), required=False, min_value=1)
        else:
            self.fields["category"].choices = [("", _("All categories")), *categories]
        for name in ("date", "category", "weight"):
            css = "form-select form-select-sm" if name != "date" else "form-control form-control-sm"
            self.fields[name].widget.attrs["class"] = css

    @property
    def is_filtered(self):
        data = self.cleaned_data
        return data.get("category") is not None or data.get("weight") is not None


class MatrixForm(DateForm):
    """Search, person and category filters and the sort of the team matrix (teams/matrix.py).
    ``members`` are the team's members (records with id and name), ``categories`` (id, name) pairs,
    ``sorts`` the sort keys the matrix offers."""

    q = forms.CharField(label=_("Search a person"), required=False, max_length=100, strip=True)
    person = forms.TypedChoiceField(
        label=_("Person"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("This person is not a member of the team on this date.")},
    )
    category = forms.TypedChoiceField(
        label=_("Category"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": _("There is no such category among the requirements shown here.")},
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        error_messages={
            "invalid_choice": _("Sort by a person's name or by a competency shown in the matrix."),
        },
    )

    def __init__(self, *args, members, categories, sorts, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].choices = [("", _("Everyone")), *((m["id"], m["name"]) for m in members)]
        self.fields["category"].choices = [("", _("All categories")), *categories]
        self.fields["sort"].choices = [("", ""), *((key, key) for key in sorts)]
        for field in self.fields.values():
            kind = "select" if isinstance(field, forms.ChoiceField) else "control"
            field.widget.attrs["class"] = f"form-{kind} form-{kind}-sm"
        self.fields["q"].widget.attrs.update({"type": "search", "autocomplete": "off"})


class MatrixColumnsForm(forms.Form):
    """The competencies a user wants as the matrix's columns; none picked: all of them."""

    competencies = forms.TypedMultipleChoiceField(
        label=_("Columns that matter to you"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("Pick competencies this team requires.")},
    )

    def __init__(self, *args, columns, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["competencies"].choices = [(c["id"], c["name"]) for c in columns]


class EmployeeIdsField(forms.Field):
    """Employee ids from a multiple choice widget; whether the user may pick them is checked by the form
    against the people they may see, not against the (bounded) list of choices shown."""

    widget = forms.CheckboxSelectMultiple

    def to_python(self, value):
        if not value:
            return []
        if isinstance(value, str):
            value = [value]
        try:
            return sorted({int(v) for v in value})
        except (TypeError, ValueError):
            raise forms.ValidationError(_("Pick people from the list."), code="invalid") from None


def _member_field(label, member_choices):
    """An optional pick of one team member (what-if level changes and holiday plan)."""
    return forms.TypedChoiceField(
        label=label,
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", "—"), *member_choices],
        error_messages={"invalid_choice": _("%(value)s is not a member of the team.")},
        widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
    )


class WhatIfForm(DateForm):
    """Members to remove, people to add, up to three level raises. ``choices`` comes from
    ``teams.gaps.team.what_if_choices`` (or the dashboard): members and requirements with scale tops.

    Leads pick people to add from ``candidates`` (people they may see outside the team); HR and admins,
    who may see everyone, search by personnel number or name instead (``candidates=None``)."""

    remove = forms.TypedMultipleChoiceField(
        label=_("Members who leave"),
        required=False,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"invalid_choice": _("%(value)s is not a member of the team.")},
    )
    add = EmployeeIdsField(label=_("People who join"), required=False)
    find = forms.CharField(
        label=_("People who join"),
        required=False,
        max_length=500,
        help_text=_("Personnel numbers or names, separated by commas."),
    )

    def __init__(self, *args, user, team, choices, candidates, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.team = team
        self.members = {m["id"]: m["name"] for m in choices["members"]}
        self.requirements = {r["competency_id"]: r for r in choices["requirements"]}
        self.candidates = candidates
        self.fields["date"].widget = forms.HiddenInput()
        self.fields["date"].error_label = _("Analysis date")
        member_choices = [(m["id"], m["name"]) for m in choices["members"]]
        self.fields["remove"].choices = member_choices
        if candidates is None:
            self.fields["add"].widget = forms.MultipleHiddenInput()
            self.fields["find"].widget.attrs.update(
                {"class": "form-control", "autocomplete": "off", "placeholder": _("e.g. P-0012, Huber")}
            )
        else:
            del self.fields["find"]
        top = max([r["scale_max"] for r in choices["requirements"]] + [1])
        for n in range(1, MAX_RAISES + 1):
            self.fields[f"raise_member_{n}"] = _member_field(_("Member"), member_choices)
            self.fields[f"raise_competency_{n}"] = forms.TypedChoiceField(
                label=_("Competency"),
                required=False,
                coerce=int,
                empty_value=None,
                choices=[
                    ("", "—"),
                    *[(r["competency_id"], r["competency"]) for r in choices["requirements"]],
                ],
                error_messages={"invalid_choice": _("This competency is not required by the team.")},
                widget=QuickSelect(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"raise_level_{n}"] = forms.IntegerField(
                label=_("New level"),
                required=False,
                min_value=1,
                max_value=top,
                error_messages={
                    "min_value": _("Choose a level from 1 to %(top)s.") % {"top": top},
                    "max_value": _("Choose a level from 1 to %(top)s.") % {"top": top},
                },
                widget=QuickSelect(
                    choices=[("", "—"), *[(level, level) for level in range(1, top + 1)]],
                    attrs={"class": "form-select form-select-sm"},
                ),
            )
        self.fields["away_member"] = _member_field(_("Member away"), member_choices)
        self.fields["away_start"] = IsoDateField(label=_("Away from"), required=False)
        self.fields["away_end"] = IsoDateField(label=_("Away until"), required=False)
        for name in ("away_start", "away_end"):
            self.fields[name].widget.attrs.update({"class": "form-control form-control-sm"})
        self._label_raise_fields()

    def _label_raise_fields(self):
        for n in range(1, MAX_RAISES + 1):
            for name, label in (
                ("member", _("Member")),
                ("competency", _("Competency")),
                ("level", _("New level")),
            ):
                self.fields[f"raise_{name}_{n}"].error_label = _("Level change %(n)s, %(field)s") % {
                    "n": n,
                    "field": label,
                }

    def candidate_options(self):
        """The people a lead may pick to join, with whether each is ticked, for rendering."""
        chosen = {str(value) for value in (self["add"].value() or [])}
        return [
            {**person, "html_id": f"{self.auto_id % 'add'}_{index}", "checked": str(person["id"]) in chosen}
            for index, person in enumerate(self.candidates or [])
        ]

    def raise_rows(self):
        """Bound fields of each raise row, for rendering."""
        return [
            (n, self[f"raise_member_{n}"], self[f"raise_competency_{n}"], self[f"raise_level_{n}"])
            for n in range(1, MAX_RAISES + 1)
        ]

    def clean_add(self):
        ids = self.cleaned_data["add"]
        if not ids:
            return {}
        found = dict(
            visible_employees(self.user).filter(pk__in=ids, is_active=True).values_list("id", "name")
        )
        missing = [str(pk) for pk in ids if pk not in found]
        if missing:
            raise forms.ValidationError(
                _("Unknown person or not one you may see: %(ids)s."),
                code="invisible",
                params={"ids": ", ".join(missing)},
            )
        return found

    def clean_find(self):
        """Resolve each term to exactly one active person by personnel number or part of the name."""
        terms = [t.strip() for t in re.split(r"[,;\n]", self.cleaned_data.get("find") or "") if t.strip()]
        if not terms:
            return {}
        if len(terms) > MAX_SEARCH_TERMS:
            raise forms.ValidationError(
                _("Search for at most %(count)s people at once."), params={"count": MAX_SEARCH_TERMS}
            )
        condition = Q()
        for term in terms:
            condition |= Q(personnel_no__iexact=term) | Q(name__icontains=term)
        people = list(
            visible_employees(self.user)
            .filter(condition, is_active=True)
            .order_by("name", "id")
            .values_list("id", "name", "personnel_no")[:200]
        )
        found, errors = {}, []
        for term in terms:
            exact = [p for p in people if p[2].casefold() == term.casefold()]
            matches = exact or [p for p in people if term.casefold() in p[1].casefold()]
            if not matches:
                errors.append(forms.ValidationError(_("No one found for “%(term)s”."), params={"term": term}))
            elif len(matches) > 1:
                listed = ", ".join(f"{name} ({number})" for _pk, name, number in matches[:5])
                errors.append(
                    forms.ValidationError(
                        _("“%(term)s” matches several people (%(people)s); enter the personnel number."),
                        params={"term": term, "people": listed},
                    )
                )
            else:
                found[matches[0][0]] = matches[0][1]
        if errors:
            raise forms.ValidationError(errors)
        return found

    def clean(self):
        cleaned = super().clean()
        joining = {**cleaned.get("add", {}), **cleaned.get("find", {})}
        already = [name for pk, name in joining.items() if pk in self.members]
        if already:
            self.add_error(
                "add" if "find" not in self.fields else "find",
                _("Already a member of the team: %(names)s.") % {"names": ", ".join(sorted(already))},
            )
        cleaned["join"] = joining
        raises = []
        for n in range(1, MAX_RAISES + 1):
            member = cleaned.get(f"raise_member_{n}")
            competency = cleaned.get(f"raise_competency_{n}")
            level = cleaned.get(f"raise_level_{n}")
            parts = [member, competency, level]
            if all(part is None for part in parts):
                continue
            if any(part is None for part in parts):
                if not any(self.has_error(f"raise_{name}_{n}") for name in ("member", "competency", "level")):
                    self.add_error(
                        f"raise_member_{n}",
                        _("Choose a member, a competency and a level for level change %(n)s.") % {"n": n},
                    )
                continue
            requirement = self.requirements[competency]
            if level > requirement["scale_max"]:
                self.add_error(
                    f"raise_level_{n}",
                    level_off_scale_message(
                        level=level,
                        competency=requirement["competency"],
                        allowed=range(1, requirement["scale_max"] + 1),
                    ),
                )
                continue
            raises.append({"member": member, "competency": competency, "level": level})
        cleaned["raises"] = raises
        cleaned["absences"] = self._absences(cleaned)
        return cleaned

    def _absences(self, cleaned):
        """The holiday plan: one member away for a period (what the duty figures count as absent)."""
        member, start, end = cleaned.get("away_member"), cleaned.get("away_start"), cleaned.get("away_end")
        if any(self.has_error(name) for name in ("away_member", "away_start", "away_end")):
            return []
        if member is None and start is None and end is None:
            return []
        if None in (member, start, end):
            message = _("Choose a member and the first and last day away for the holiday plan.")
            self.add_error("away_member", message)
            return []
        if end < start:
            self.add_error("away_end", _("The last day away lies before the first."))
            return []
        return [(member, start, end)]

    def absences(self):
        """[(member id, first day, last day)] of the holiday plan (empty without one)."""
        return list(self.cleaned_data.get("absences", []))

    @property
    def has_changes(self):
        data = self.cleaned_data
        return bool(data.get("remove") or data.get("join") or data.get("raises") or data.get("absences"))

    def scenario(self):
        """The chosen changes with names, for the result's summary."""
        data = self.cleaned_data
        return {
            "leave": [self.members[pk] for pk in data.get("remove", [])],
            "join": sorted(data.get("join", {}).values()),
            "raises": [
                {
                    "member": self.members[r["member"]],
                    "competency": self.requirements[r["competency"]]["competency"],
                    "level": r["level"],
                }
                for r in data.get("raises", [])
            ],
            "away": [
                {"member": self.members[member], "start": start, "end": end}
                for member, start, end in data.get("absences", [])
            ],
        }

    def engine_arguments(self):
        """Keyword arguments for ``teams.gaps.team.what_if``."""
        data = self.cleaned_data
        return {
            "join": sorted(data["join"]),
            "leave": sorted(data.get("remove", [])),
            "raise_levels": [(r["member"], r["competency"], r["level"]) for r in data["raises"]],
        }
