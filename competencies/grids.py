"""The rows of the rating grids, the self-assessment and the review, as HTML: one format string per row.

A grid has up to a hundred rows of inputs. Rendered by template loops the rows took most of the page's
time, so each row is built here from one format string (the row's template; markup changes to a row go
here), every value escaped by ``format_html``, every repeated text translated once per page and
language. The templates loop over the rows with ``{% rating_row %}`` / ``{% review_row %}``
(competencies/templatetags/rating_grids.py). Numbers are ids and levels, written unlocalised."""

from functools import lru_cache

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

# Boolean attributes: constants with nothing for format_html to escape.
CHECKED, HIDDEN = " checked", " hidden"

REVIEW_ROW = (
    '<tr data-review-row class="sl-review-row{row_class}">'
    '<th scope="row" class="fw-normal sl-review-competency">'
    '<span class="d-block fw-semibold">{name}</span>{required}{discussion}</th>'
    '<td class="sl-review-self">{self_level}</td>'
    "<td>{confirmed}</td>"
    '<td class="text-nowrap">{difference}</td>'
    '<td class="sl-review-decision"><fieldset>'
    '<legend class="visually-hidden">{legend}</legend>'
    '<input type="hidden" name="{prefix}-seen" value="{seen}">'
    '<div class="sl-decision-choices">{radios}</div>'
    '<div class="sl-decision-extra"><span data-adjust>'
    '<label class="visually-hidden" for="{prefix}-level">{level_label}</label>'
    '<select class="form-select form-select-sm" name="{prefix}-level" id="{prefix}-level">'
    '<option value="">{level_placeholder}</option>{level_options}</select></span>'
    '<label class="visually-hidden" for="{prefix}-reason">{reason_label}</label>'
    '<input type="text" class="form-control form-control-sm" name="{prefix}-reason" id="{prefix}-reason" '
    'maxlength="1000" value="{reason}" placeholder="{reason_placeholder}" data-reason></div>'
    "{errors}</fieldset></td></tr>\n"
)

RATING_ROW = (
    '<fieldset class="sl-rating card shadow-sm{invalid}" id="{prefix}" data-self-level="{self_level}" '
    'aria-describedby="{prefix}-hint">'
    '<legend class="sl-rating-legend"><span class="sl-rating-name">{name}</span>{required}'
    '<span class="badge sl-badge-changed" data-changed-marker{changed_hidden}>{changed}</span></legend>'
    '<p class="small text-body-secondary mb-2" id="{prefix}-hint">{hint}</p>'
    '<div class="sl-level-options">{radios}</div>'
    '<div class="sl-rating-extra"><div class="sl-rating-note">'
    '<label class="form-label small mb-1" for="{prefix}-note">{note_label}</label>'
    '<input type="text" class="form-control form-control-sm" name="{prefix}-note" id="{prefix}-note" '
    'maxlength="1000" value="{note}" placeholder="{note_placeholder}"></div>'
    '<div class="sl-rating-grow"><div class="form-check mb-1">'
    '<input class="form-check-input" type="checkbox" name="{prefix}-grow" id="{prefix}-grow" value="on"'
    "{grow_checked} data-grow>"
    '<label class="form-check-label small" for="{prefix}-grow">{grow_label}</label></div>'
    '<label class="visually-hidden" for="{prefix}-target">{target_label}</label>'
    '<select class="form-select form-select-sm" name="{prefix}-target" id="{prefix}-target" data-target>'
    '<option value="">{target_placeholder}</option>{target_options}</select></div></div>'
    "{errors}</fieldset>\n"
)


@lru_cache(maxsize=8)
def _texts(language):
    """The grids' repeated texts in ``language`` (the active one: the argument keys the cache)."""
    return {
        "required": _("required: %(level)s"),
        "to_discuss": _("to discuss"),
        "not_self_assessed": _("not self-assessed"),
        "none": _("none"),
        "new": _("new"),
        "higher": _("self-assessed higher"),
        "lower": _("self-assessed lower"),
        "same": _("same"),
        "decision_for": _("Decision on %(name)s for %(person)s"),
        "decision": _("Decision on %(name)s"),
        "adjusted_level": _("Adjusted level for %(name)s"),
        "reason_on": _("Reason or comment on %(name)s"),
        "level_placeholder": _("Level …"),
        "reason_placeholder": _("Reason or comment"),
        "changed": _("changed"),
        "asked_for_by": _("Asked for by: %(sources)s."),
        "last_self": _("Your last self-assessment: %(level)s (%(date)s)."),
        "not_yet": _("Not self-assessed yet."),
        "confirmed_level": _("Confirmed level: %(level)s."),
        "note_label": _("Note (optional)"),
        "note_placeholder": _("e.g. a case you solved, a course you took"),
        "grow_label": _("I want to grow here"),
        "target_placeholder": _("Target level (optional)"),
        "target_for": _("Target level for %(name)s"),
    }


def texts():
    return _texts(get_language())


def _short_date(value):
    return date_format(value, "SHORT_DATE_FORMAT") if value is not None else ""


def _errors(errors):
    return format_html_join("", '<p class="invalid-feedback d-block mb-0">{}</p>', ((e,) for e in errors))


def _level(value):
    return format_html('<span class="sl-level sl-level-{0}">{0}</span>', int(value))


def _difference(row, t):
    difference = row["difference"]
    if difference is None:
        return format_html(
            '<span class="small text-body-secondary">{}</span>',
            t["new"] if row["self_level"] is not None else "—",
        )
    if difference > 0:
        return format_html(
            '<span class="sl-diff sl-diff-up">▲ +{}<span class="visually-hidden"> ({})</span></span>',
            int(difference),
            t["higher"],
        )
    if difference < 0:
        return format_html(
            '<span class="sl-diff sl-diff-down">▼ {}<span class="visually-hidden"> ({})</span></span>',
            int(difference),
            t["lower"],
        )
    return format_html('<span class="sl-diff sl-diff-same">= <span class="small">{}</span></span>', t["same"])


def review_row(row, *, show_person=False):
    """One decision row of a review grid (``ReviewForm.row_states``'s row): the competency, the self
    level with its date and note, the confirmed level, the difference and the decision inputs."""
    t = texts()
    name = row["name"]
    if row["self_level"] is not None:
        self_level = format_html(
            '{}<span class="small text-body-secondary">{}</span>{}',
            _level(row["self_level"]),
            _short_date(row["self_on"]),
            format_html('<q class="d-block small sl-review-note">{}</q>', row["self_note"])
            if row["self_note"]
            else "",
        )
    else:
        self_level = format_html('<span class="text-body-secondary small">{}</span>', t["not_self_assessed"])
    discussion = ""
    if row["discussion"]:
        discussion = format_html(
            '<span class="d-block mt-1"><span class="badge sl-badge-discuss">{}</span>{}</span>',
            t["to_discuss"],
            format_html(' <span class="small">{}</span>', row["discussion_reason"])
            if row["discussion_reason"]
            else "",
        )
    legend = (
        t["decision_for"] % {"name": name, "person": row["employee"].name}
        if show_person
        else t["decision"] % {"name": name}
    )
    return format_html(
        REVIEW_ROW,
        row_class=(" sl-review-diff" if row["difference"] else "")
        + (" sl-review-invalid" if row["errors"] else ""),
        name=row.get("name_marked", name),
        required=format_html(
            '<span class="small text-body-secondary">{}</span>', t["required"] % {"level": row["required"]}
        )
        if row["required"]
        else "",
        discussion=discussion,
        self_level=self_level,
        confirmed=_level(row["confirmed_level"])
        if row["confirmed_level"] is not None
        else format_html('<span class="text-body-secondary small">{}</span>', t["none"]),
        difference=_difference(row, t),
        legend=legend,
        prefix=row["prefix"],
        seen=int(row["latest_id"] or 0),
        radios=row["decision_radios"],
        level_label=t["adjusted_level"] % {"name": name},
        level_placeholder=t["level_placeholder"],
        level_options=row["level_options"],
        reason_label=t["reason_on"] % {"name": name},
        reason=row["reason"],
        reason_placeholder=t["reason_placeholder"],
        errors=_errors(row["errors"]),
    )


def rating_row(row):
    """One competency of the self-assessment (``SelfAssessmentForm.row_states``'s row): name, required
    level, what asks for it, the last self-assessment and the confirmed level, the level radios with
    their descriptors, note, "I want to grow here" and target."""
    t = texts()
    hint = []
    if row["description"]:
        description = row.get("description_marked", row["description"])
        hint.append(format_html('<span class="d-block text-body">{}</span>', description))
    if row["required_by"]:
        hint.append(t["asked_for_by"] % {"sources": ", ".join(str(source) for source in row["required_by"])})
    if row["self_level"] is not None:
        hint.append(t["last_self"] % {"level": row["self_level"], "date": _short_date(row["self_on"])})
    else:
        hint.append(t["not_yet"])
    if row["confirmed_level"] is not None:
        hint.append(t["confirmed_level"] % {"level": row["confirmed_level"]})
    return format_html(
        RATING_ROW,
        invalid=" sl-rating-invalid" if row["errors"] else "",
        prefix=row["prefix"],
        self_level="" if row["self_level"] is None else int(row["self_level"]),
        name=row.get("name_marked", row["name"]),
        required=format_html(
            '<span class="badge sl-badge-required">{}</span>', t["required"] % {"level": row["required"]}
        )
        if row["required"]
        else "",
        changed_hidden="" if row["changed"] else HIDDEN,
        changed=t["changed"],
        hint=format_html_join(" ", "{}", ((part,) for part in hint)),
        radios=row["level_radios"],
        note_label=t["note_label"],
        note=row["note"],
        note_placeholder=t["note_placeholder"],
        grow_checked=CHECKED if row["grow"] else "",
        grow_label=t["grow_label"],
        target_label=t["target_for"] % {"name": row["name"]},
        target_placeholder=t["target_placeholder"],
        target_options=row["target_options"],
        errors=_errors(row["errors"]),
    )
