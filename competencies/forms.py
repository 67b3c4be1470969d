"""Forms of the people pages. The rating grids (self-assessment, review) are one form each with a few
plain fields per competency (cheap ones: ``LevelField``, ``ActionField``), rendered one row at a time by
competencies/grids.py: not a crispy field per input."""

import re

from crispy_forms.helper import FormHelper
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext_lazy as _

from .dates import IsoDateField
from .html import html_rows
from .i18n import marked
from .models import AuditEntry, Competency
from .services import REVIEW_ACTIONS

# A browser's date input takes and sends ISO dates, whatever the interface language.
DATE_INPUT = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
ROW_FIELD = re.compile(r"^c(\d+)-(level|note|grow|target)$")
NOTE_MAX = 1000


class LevelField(forms.Field):
    """An optional level among ``values`` (ints), or None. A rating grid has hundreds of these: unlike a
    TypedChoiceField it takes no choices to normalise, the page renders its inputs itself."""

    default_error_messages = forms.ChoiceField.default_error_messages

    def __init__(self, values, **kwargs):
        super().__init__(required=False, **kwargs)
        self.values = values

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            value = int(str(value).strip())
        except ValueError:
            value = str(value)
        if value not in self.values:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return value


class ActionField(forms.Field):
    """An optional decision among ``actions`` ("" for none), as cheap to build as ``LevelField``."""

    default_error_messages = forms.ChoiceField.default_error_messages

    def __init__(self, actions, **kwargs):
        super().__init__(required=False, **kwargs)
        self.actions = actions

    def to_python(self, value):
        value = "" if value in self.empty_values else str(value)
        if value and value not in self.actions:
            raise forms.ValidationError(
                self.error_messages["invalid_choice"], code="invalid_choice", params={"value": value}
            )
        return value


# One radio of a level group, one <option>, one decision radio: static structure with positional fields,
# filled by competencies.html.html_rows (every value an escaped argument).
LEVEL_RADIO = (
    '<input class="btn-check" type="radio" name="{0}-level" id="{0}-l{1}" value="{1}"{2}>'
    '<label class="sl-level-option" for="{0}-l{1}"><span class="sl-level-head">{3}{4}</label>'
)
OPTION = '<option value="{0}"{1}>{2}</option>'
DECISION_RADIO = (
    '<input type="radio" class="btn-check" name="{0}-action" id="{0}-{1}" value="{2}" data-decision{3}{4}>'
    '<label class="btn btn-sm {5}" for="{0}-{1}">{6}</label>'
)
# Safe constants: format_html passes them through instead of escaping them again, row after row.
_NOTHING = format_html("{}", "")
_CHECKED = format_html("{}", " checked")
_SELECTED = format_html("{}", " selected")
_DISABLED = format_html("{}", " disabled")


class _ScaleParts:
    """The escaped pieces of one scale's level inputs, built once per scale and request; each row then
    only puts its prefix and state into them (a page has up to a hundred rows)."""

    def __init__(self, levels):
        self.values = frozenset(level.value for level in levels)
        self.targets = frozenset(level.value for level in levels if level.value >= 1)
        self.target = format_html('<span class="sl-level-target">{}</span>', _("required level"))
        self.radios = [
            (
                format_html("{}", level.value),
                format_html(
                    '<span class="sl-level sl-level-{0}">{0}</span>{1}</span>{2}',
                    level.value,
                    level.label,
                    format_html('<span class="sl-level-descriptor">{}</span>', level.descriptor)
                    if level.descriptor
                    else "",
                ),
            )
            for level in levels
        ]
        self.options = [
            (level.value, format_html("{}", level.value), format_html("{} · {}", level.value, level.label))
            for level in levels
        ]


def _scale_parts(cache, levels):
    key = tuple(level.pk for level in levels)
    if key not in cache:
        cache[key] = _ScaleParts(levels)
    return cache[key]


def _level_radios(prefix: str, parts: _ScaleParts, checked: object, required: object) -> SafeString:
    """The radio group of one competency: per level a radio and its label with the behavioural
    descriptor. Built here rather than by a template loop: a page has up to a hundred of these groups."""
    target = parts.target
    checked, required = str(checked), str(required)
    prefix_html = format_html("{}", prefix)
    return html_rows(
        LEVEL_RADIO,
        (
            (
                prefix_html,
                value,
                _CHECKED if value == checked else _NOTHING,
                body,
                target if value == required else _NOTHING,
            )
            for value, body in parts.radios
        ),
        "\n",
    )


def _target_options(parts: _ScaleParts, selected: object, minimum: int = 1) -> SafeString:
    """The <option>s of a level select, from ``minimum`` up."""
    return html_rows(
        OPTION,
        (
            (value, _SELECTED if level == selected else _NOTHING, text)
            for level, value, text in parts.options
            if level >= minimum
        ),
    )


def _decision_choices():
    """(value, key, style, label, escaped value, key, style and label) of the decision radios, labels in
    the active language; read once per form, so each row escapes only what is its own."""
    choices = [
        ("", "none", "btn-outline-secondary", str(_("Later"))),
        ("confirm", "confirm", "btn-outline-success", str(_("Confirm"))),
        ("adjust", "adjust", "btn-outline-primary", str(_("Adjust"))),
        ("discuss", "discuss", "btn-outline-secondary", str(_("Discuss"))),
    ]
    return [(*choice, *(format_html("{}", part) for part in choice)) for choice in choices]


def _decision_radios(prefix: str, chosen: str | None, self_level: int | None, choices: list) -> SafeString:
    """Later / Confirm (the self level) / Adjust / Discuss as one group of radio buttons; ``choices``
    from ``_decision_choices``."""
    chosen = chosen or ""
    prefix_html = format_html("{}", prefix)
    rows = []
    for value, _key, _style, label, value_html, key_html, style_html, label_html in choices:
        if value == "confirm" and self_level is not None:
            label_html = format_html("{} {}", label, int(self_level))
        # A row without a self-assessment cannot be confirmed, only adjusted.
        disabled = _DISABLED if value == "confirm" and self_level is None else _NOTHING
        checked = _CHECKED if value == chosen else _NOTHING
        rows.append((prefix_html, key_html, value_html, checked, disabled, style_html, label_html))
    return html_rows(DECISION_RADIO, rows, "\n")


class SelfAssessmentForm(forms.Form):
    """Level, note, "I want to grow here" and target per competency row, plus the version the page was
    rendered with (a stale form is detected by the service) and a competency to add."""

    version = forms.IntegerField(min_value=0, widget=forms.HiddenInput)
    # The id of a competency found with the search (catalogue:search) and added with its button.
    add = forms.IntegerField(label=_("Add a competency"), required=False, min_value=1)

    def __init__(self, *args, rows, version=0, **kwargs):
        super().__init__(*args, initial={"version": version}, **kwargs)
        self.rows = rows
        self._scales = {}
        for row in rows:
            prefix = f"c{row['competency'].pk}"
            parts = _scale_parts(self._scales, row["levels"])
            self.fields[f"{prefix}-level"] = LevelField(parts.values)
            self.fields[f"{prefix}-note"] = forms.CharField(required=False, max_length=NOTE_MAX, strip=True)
            self.fields[f"{prefix}-grow"] = forms.BooleanField(required=False)
            self.fields[f"{prefix}-target"] = LevelField(parts.targets)

    def clean_add(self):
        pk = self.cleaned_data.get("add")
        if pk is not None and not Competency.objects.filter(pk=pk, retired_at__isnull=True).exists():
            raise forms.ValidationError(
                _("This competency is not in the catalogue (any more); search again.")
            )
        return pk

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
            target = data.get(f"c{pk}-target") if grow else None
            # The page does not offer a stored aim the rating reaches (until a lead confirms it, it is
            # still the person's goal): leaving the target unchosen keeps it.
            kept = grow and target is None and row["target"] is None and row.get("stored_target") is not None
            found[pk] = {
                "level": data.get(f"c{pk}-level"),
                "note": data.get(f"c{pk}-note", ""),
                "grow": grow,
                "target": row["stored_target"] if kept else target,
                "target_kept": kept,
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
            parts = _scale_parts(self._scales, row["levels"])
            yield {
                **row,
                **values,
                # Plain values and dicts: the template reads them by key, without attribute lookups.
                "pk": pk,
                "name": competency.name,
                "description": competency.description,
                "name_marked": marked(competency, "name"),
                "description_marked": marked(competency, "description"),
                "level_radios": _level_radios(prefix, parts, values["level"], row["required"]),
                "target_options": _target_options(parts, values["target"]),
                "prefix": prefix,
                "errors": row_errors,
                "changed": changed,
            }


class ReviewForm(forms.Form):
    """A lead's decision per (person, competency) row: confirm, adjust (level and reason) or discuss."""

    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        self._scales = {}
        actions = frozenset(REVIEW_ACTIONS)
        for row in rows:
            prefix = row["prefix"]
            self.fields[f"{prefix}-action"] = ActionField(actions)
            self.fields[f"{prefix}-level"] = LevelField(_scale_parts(self._scales, row["levels"]).values)
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
        choices = _decision_choices()
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
                "name_marked": marked(row["competency"], "name"),
                "decision_radios": _decision_radios(prefix, values["action"], row["self_level"], choices),
                "level_options": _target_options(
                    _scale_parts(self._scales, row["levels"]), values["adjust_level"], minimum=0
                ),
                "errors": row_errors,
            }


class CertificateForm(forms.Form):
    competency = forms.ModelChoiceField(
        label=_("Competency"),
        queryset=Competency.objects.filter(retired_at__isnull=True)
        .select_related("category")
        .order_by("category__position", "name"),
    )
    level = forms.IntegerField(label=_("Level"), min_value=0, max_value=10)
    issued_on = IsoDateField(label=_("Issued on"), widget=DATE_INPUT)
    valid_until = IsoDateField(
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


class ReadsFilterForm(forms.Form):
    """Narrows "who read my data": the page read and a date range (ISO dates)."""

    what = forms.ChoiceField(label=_("Page"), required=False)
    since = IsoDateField(label=_("From"), required=False, widget=DATE_INPUT)
    until = IsoDateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["what"].choices = [("", _("All pages")), *AuditEntry.Read.choices]

    def clean(self):
        cleaned = super().clean()
        since, until = cleaned.get("since"), cleaned.get("until")
        if since and until and since > until:
            self.add_error("until", _("The end lies before the start."))
        return cleaned
