"""The long tables of the profile page as HTML, one format string per row.

A profile shows up to a hundred competencies, each with a history table (the numbers behind the history
chart, for screen readers and anyone without JavaScript) and a row in the levels table. Rendered by
template loops they took longer than everything else on the page; here each row is one f-string (every
text escaped with ``html.escape``, as Django's ``escape`` does), each repeated text translated once per
page."""

from html import escape

from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

DASH = "—"


class _Dates:
    """SHORT_DATE_FORMAT of dates, each distinct date formatted once."""

    def __init__(self):
        self.done = {}

    def __call__(self, value, empty=DASH):
        if value is None:
            return empty
        if value not in self.done:
            self.done[value] = date_format(value, "SHORT_DATE_FORMAT")
        return self.done[value]


def history_tables(history):
    """Per competency of ``history`` (``employee_profile``'s) a table of its assessments; the first
    shown, the others ``hidden`` until the history picker chooses them."""
    dates = _Dates()
    head = "".join(
        f'<th scope="col"{attributes}>{escape(heading)}</th>'
        for heading, attributes in (
            (_("Assessed on"), ""),
            (_("Level"), ' class="text-end"'),
            (_("Source"), ""),
            (_("Valid until"), ""),
            (_("Note"), ""),
        )
    )
    caption = _("Assessments of %(name)s")
    tables = []
    for index, entry in enumerate(history):
        competency = entry["competency"]
        rows = "".join(
            f'<tr><th scope="row" class="fw-normal">{escape(dates(row["assessed_on"], empty=""))}</th>'
            f'<td class="text-end">{int(row["level"])}</td><td>{escape(row["source_label"])}</td>'
            f"<td>{escape(dates(row['valid_until']))}</td>"
            f'<td class="small">{escape(row["note"] or DASH)}</td></tr>'
            for row in entry["rows"]
        )
        hidden = " hidden" if index else ""
        tables.append(
            f'<div class="table-responsive" data-history-table="{int(competency.pk)}"{hidden}>'
            '<table class="table table-sm align-middle mb-0 sl-table">'
            f'<caption class="visually-hidden">{escape(caption % {"name": competency.name})}</caption>'
            f"<thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )
    return mark_safe("\n".join(tables))  # noqa: S308 - every value in it escaped above  # nosec B308 B703


def level_groups(groups, *, with_target):
    """The body of the profile's levels table: per category of ``groups`` (``employee_profile``'s) a
    ``<tbody>`` with its heading row and a row per competency; ``with_target`` adds the role profile's
    target column."""
    dates = _Dates()
    interest = escape(_("development interest"))
    below = escape(_("below target"))
    unassessed = f'<span class="badge text-bg-light border">{escape(_("unassessed"))}</span>'
    unconfirmed = f' <span class="badge sl-badge-unconfirmed ms-1">{escape(_("unconfirmed"))}</span>'
    missing = f'<span class="text-body-secondary">{DASH}</span>'
    grow = (
        f' <span class="sl-grow-mark" title="{interest}">↗'
        f'<span class="visually-hidden"> ({interest})</span></span>'
    )
    bodies = []
    for group in groups:
        rows = [
            f'<tbody><tr class="sl-group-row"><th scope="colgroup" colspan="{5 if with_target else 4}">'
            f"{escape(group['category'].name)}</th></tr>"
        ]
        for row in group["rows"]:
            if not with_target:
                target = ""
            elif row["target"] is None:
                target = f'<td class="text-end">{missing}</td>'
            elif row["below_target"]:
                target = (
                    f'<td class="text-end"><span class="sl-target-miss" title="{below}">'
                    f'{int(row["target"])}</span><span class="visually-hidden"> ({below})</span></td>'
                )
            else:
                target = f'<td class="text-end">{int(row["target"])}</td>'
            if not row["assessed"]:
                source = unassessed
            else:
                source = escape(str(row["source_label"])) + ("" if row["confirmed"] else unconfirmed)
            assessed_on = escape(dates(row["assessed_on"])) if row["assessed_on"] else missing
            level = int(row["level"])
            rows.append(
                f'<tr><th scope="row" class="fw-normal">{escape(row["competency"].name)}'
                f"{grow if row['interest_target'] is not None else ''}</th>"
                f'<td class="text-nowrap"><span class="sl-level sl-level-{level}">{level}</span> '
                f'<span class="small">{escape(row["label"])}</span></td>{target}'
                f'<td>{source}</td><td class="small">{assessed_on}</td></tr>'
            )
        rows.append("</tbody>")
        bodies.append("".join(rows))
    return mark_safe("\n".join(bodies))  # noqa: S308 - every value in it escaped above  # nosec B308 B703
