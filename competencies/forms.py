"""Forms of the people pages. The rating grids (self-assessment, review) are one form each with a few
plain fields per competency, rendered by one template loop: not a crispy field per input."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from .models import Competency
from .services import REVIEW_ACTIONS

# A browser's date input takes and sends ISO dates, whatever the interface language.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
ROW_FIELD = re.compile(r"^c(\d+)-(level|note|grow|target)$")
NOTE_MAX = 1000
# Boolean attributes of the inputs built below; constants, so marking them safe is safe.
CHECKED, SELECTED, DISABLED = (mark_safe(f" {name}") for name in ("checked", "selected", "disabled"))  # noqa: S308


def _level_choices(levels, *, minimum=0):
    return [(level.value, f"{level.value} · {level.label}") for level in levels if level.value >= minimum]


def _level_radios(prefix, levels, checked, required):
    """The radio group of one competency: per level a radio and its label with the behavioural
    descriptor. Built here rather than by a template loop: a page has up to a hundred of these groups."""
    required_label = _("required level")
    return format_html_join(
        "\n",
        '<input class="btn-check" type="radio" name="{0}-level" id="{0}-l{1}" value="{1}"{2}>'
        '<label class="sl-level-option" for="{0}-l{1}"><span class="sl-level-head">'
        '<span class="sl-level sl-level-{1}">{1}</span>{3}</span>{4}{5}</label>',
        (
            (
                prefix,
                level.value,
                CHECKED if level.value == checked else "",
                level.label,
                format_html('<span class="sl-level-descriptor">{}</span>', level.descriptor)
                if level.descriptor
                else "",
                format_html('<span class="sl-level-target">{}</span>', required_label)
                if level.value == required
                else "",
            )
            for level in levels
        ),
    )


def _target_options(levels, selected, minimum=1):
    """The <option>s of a level select, from ``minimum`` up."""
    return format_html_join(
        "",
        '<option value="{0}"{1}>{0} · {2}</option>',
        (
            (level.value, SELECTED if level.value == selected else "", level.label)
            for level in levels
            if level.value >= minimum
        ),
    )


def _decision_radios(prefix, chosen, self_level):
    """Later / Confirm (the self level) / Adjust / Discuss as one group of radio buttons."""
    confirm = _("Confirm") if self_level is None else f"{_('Confirm')} {self_level}"
    choices = [
        ("", "none", "btn-outline-secondary", _("Later")),
        ("confirm", "confirm", "btn-outline-success", confirm),
        ("adjust", "adjust", "btn-outline-primary", _("Adjust")),
        ("discuss", "discuss", "btn-outline-secondary", _("Discuss")),
    ]
    return format_html_join(
        "\n",
        '<input type="radio" class="btn-check" name="{0}-action" id="{0}-{2}" value="{1}" '
        'data-decision{4}{5}><label class="btn btn-sm {3}" for="{0}-{2}">{6}</label>',
        (
            (
                prefix,
                value,
                key,
                style,
                CHECKED if value == (chosen or "") else "",
                # A row without a self-assessment cannot be confirmed, only adjusted.
                DISABLED if value == "confirm" and self_level is None else "",
                label,
            )
            for value, key, style, label in choices
        ),
    )


class SelfAssessmentForm(forms.Form):
    """Level, note, "I want to grow here" and target per competency row, plus the version the page was
    rendered with (a stale form is detected by the service) and a competency to add."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    add = forms.TypedChoiceField(
        label=_("Add a competency"),
        coerce=int,
        required=False,
        empty_value=None,
        widget=forms.Select(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, rows, addable=(), version=0, **kwargs):
        super().__init__(*args, initial={"version": version}, **kwargs)
        self.rows = rows
        for row in rows:
            prefix = f"c{row['competency'].pk}"
            self.fields[f"{prefix}-level"] = forms.TypedChoiceField(
                choices=_level_choices(row["levels"]), coerce=int, required=False, empty_value=None
            )
            self.fields[f"{prefix}-note"] = forms.CharField(required=False, max_length=NOTE_MAX, strip=True)
            self.fields[f"{prefix}-grow"] = forms.BooleanField(required=False)
            self.fields[f"{prefix}-target"] = forms.TypedChoiceField(
                choices=_level_choices(row["levels"], minimum=1), coerce=int, required=False, empty_value=None
            )
        groups = {}
        for competency in addable:
            groups.setdefault(competency.category.name, []).append((competency.pk, competency.name))
        self.fields["add"].choices = [("", _("Choose a competency …")), *groups.items()]

    def clean(self):
        cleaned = super().clean()
        posted = {int(match.group(1)) for name in self.data if (match := ROW_FIELD.match(name))}
        unknown = posted - {row["competency"].pk for row in self.rows}
        if unknown:
            names = dict(Competency.objects.filter(pk__in=unknown).values_list("pk", "name"))
            raise forms.ValidationError(
                _("%(names)s cannot be rated on this page; add it with “Add a competency” first.")
                % {"names": ", ".join(names.get(pk, f"#{pk}") for pk in sorted(unknown))}
            )
        for row in self.rows:
            prefix = f"c{row['competency'].pk}"
            level, target = cleaned.get(f"{prefix}-level"), cleaned.get(f"{prefix}-target")
            if cleaned.get(f"{prefix}-grow") and target is not None and level is not None and target <= level:
                self.add_error(f"{prefix}-target", _("Aim above the level you chose."))
        return cleaned

    def entries(self):
        """competency id → {"level", "note", "grow", "target"} from the cleaned data."""
        data = self.cleaned_data
        found = {}
        for row in self.rows:
            pk = row["competency"].pk
            grow = bool(data.get(f"c{pk}-grow"))
            found[pk] = {
                "level": data.get(f"c{pk}-level"),
                "note": data.get(f"c{pk}-note", ""),
                "grow": grow,
                "target": data.get(f"c{pk}-target") if grow else None,
            }
        return found

    def row_states(self):
        """The rows with the values to show (posted ones on a bound form) and their errors."""
        bound = self.is_bound
        errors = self.errors if bound else {}
        for row in self.rows:
            pk = row["competency"].pk
            prefix = f"c{pk}"
            if bound:
                level = self.data.get(f"{prefix}-level", "")
                target = self.data.get(f"{prefix}-target", "")
                values = {
                    "level": int(level) if level.isdigit() else None,
                    "note": self.data.get(f"{prefix}-note", ""),
                    "grow": bool(self.data.get(f"{prefix}-grow")),
                    "target": int(target) if target.isdigit() else None,
                }
            else:
                values = {
                    "level": row["level"],
                    "note": row["note"],
                    "grow": row["grow"],
                    "target": row["target"],
                }
            row_errors = [
                error for name in ("level", "note", "target") for error in errors.get(f"{prefix}-{name}", [])
            ]
            changed = values["level"] is not None and values["level"] != row["self_level"]
            competency = row["competency"]
            yield {
                **row,
                **values,
                # Plain values and dicts: the template reads them by key, without attribute lookups.
                "pk": pk,
                "name": competency.name,
                "description": competency.description,
                "level_radios": _level_radios(prefix, row["levels"], values["level"], row["required"]),
                "target_options": _target_options(row["levels"], values["target"]),
                "prefix": prefix,
                "errors": row_errors,
                "changed": changed,
            }


class ReviewForm(forms.Form):
    """A lead's decision per (person, competency) row: confirm, adjust (level and reason) or discuss."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for row in rows:
            prefix = row["prefix"]
            self.fields[f"{prefix}-action"] = forms.ChoiceField(
                choices=[("", "—"), *[(action, action) for action in REVIEW_ACTIONS]], required=False
            )
            self.fields[f"{prefix}-level"] = forms.TypedChoiceField(
                choices=_level_choices(row["levels"]), coerce=int, required=False, empty_value=None
            )
            self.fields[f"{prefix}-reason"] = forms.CharField(required=False, max_length=NOTE_MAX, strip=True)
            self.fields[f"{prefix}-seen"] = forms.IntegerField(min_value=0, required=False)

    def clean(self):
        cleaned = super().clean()
        for row in self.rows:
            prefix = row["prefix"]
            if cleaned.get(f"{prefix}-action") == "adjust":
                if cleaned.get(f"{prefix}-level") is None:
                    self.add_error(f"{prefix}-level", _("Choose the level."))
                if not cleaned.get(f"{prefix}-reason"):
                    self.add_error(f"{prefix}-reason", _("Give a reason; the person will see it."))
        return cleaned

    def decisions(self):
        """employee id → list of decisions for the service."""
        data = self.cleaned_data
        found = {}
        for row in self.rows:
            prefix = row["prefix"]
            action = data.get(f"{prefix}-action")
            if not action:
                continue
            found.setdefault(row["employee_id"], []).append(
                {
                    "competency_id": row["competency"].pk,
                    "action": action,
                    "level": data.get(f"{prefix}-level"),
                    "reason": data.get(f"{prefix}-reason", ""),
                    "seen": data.get(f"{prefix}-seen") or 0,
                }
            )
        return found

    def row_states(self):
        bound = self.is_bound
        errors = self.errors if bound else {}
        for row in self.rows:
            prefix = row["prefix"]
            if bound:
                level = self.data.get(f"{prefix}-level", "")
                values = {
                    "action": self.data.get(f"{prefix}-action", ""),
                    "adjust_level": int(level) if level.isdigit() else None,
                    "reason": self.data.get(f"{prefix}-reason", ""),
                }
            else:
                values = {"action": "", "adjust_level": None, "reason": ""}
            row_errors = [
                error
                for name in ("action", "level", "reason")
                for error in errors.get(f"{prefix}-{name}", [])
            ]
            yield {
                **row,
                **values,
                "name": row["competency"].name,
                "decision_radios": _decision_radios(prefix, values["action"], row["self_level"]),
                "level_options": _target_options(row["levels"], values["adjust_level"], minimum=0),
                "errors": row_errors,
            }


class CertificateForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.select_related("category").order_by("category__position", "name"),
    )
    level = forms.IntegerField(label=_("Level"), min_value=0, max_value=10)
    issued_on = forms.DateField(label=_("Issued on"), widget=DATE_INPUT)
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=DATE_INPUT,
        help_text=_("Leave empty: computed from the competency's validity (if it has one)."),
    )
    evidence = forms.FileField(label=_("Evidence (optional)"), required=False)
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=NOTE_MAX,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. certificate number, issuer")}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        suffixes = sorted(settings.SERVICELEAD_EVIDENCE_TYPES)
        self.fields["evidence"].widget.attrs["accept"] = ",".join(f".{suffix}" for suffix in suffixes)
        self.fields["evidence"].help_text = _(
            "%(types)s, at most %(size)s MB. Only you, the person's leads and HR can open it."
        ) % {
            "types": ", ".join(suffix.upper() for suffix in suffixes if suffix != "jpeg"),
            "size": settings.SERVICELEAD_EVIDENCE_MAX_BYTES // (1024 * 1024),
        }
        self.fields["issued_on"].initial = timezone.localdate()
        self.helper = FormHelper()
        self.helper.form_tag = False

    def clean_issued_on(self):
        issued_on = self.cleaned_data["issued_on"]
        if issued_on > timezone.localdate():
            raise forms.ValidationError(_("A certificate cannot be issued in the future."))
        return issued_on


class AnonymiseForm(forms.Form):
    confirm = forms.BooleanField(
        label=_(
            "I understand that the name, personnel number, e-mail, login link, notes, interests and "
            "evidence files are removed for good."
        ),
        required=True,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.form_tag = False
