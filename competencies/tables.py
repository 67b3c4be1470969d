"""The long tables of the profile page as HTML, one format string per row.

A profile shows up to a hundred competencies, each with a history table (the numbers behind the history
chart, for screen readers and anyone without JavaScript) and a row in the levels table. Rendered by
template loops they took longer than everything else on the page; here each row is one ``format_html``
string (which escapes every value), each repeated text translated once per page."""

from collections.abc import Mapping, Sequence

from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from .html import html_rows
from .i18n import marked

DASH = "—"

HISTORY_HEAD = (
    '<th scope="col">{}</th><th scope="col" class="text-end">{}</th><th scope="col">{}</th>'
    '<th scope="col">{}</th><th scope="col">{}</th>'
)
HISTORY_ROW = (
    '<tr><th scope="row" class="fw-normal">{0}</th><td class="text-end">{1}</td><td>{2}</td>'
    '<td>{3}</td><td class="small">{4}</td></tr>'
)
HISTORY_TABLE = (
    '<div class="table-responsive" data-history-table="{0}"{1}>'
    '<table class="table table-sm align-middle mb-0 sl-table">'
    '<caption class="visually-hidden">{2}</caption>'
    "<thead><tr>{3}</tr></thead><tbody>{4}</tbody></table></div>"
)
LEVEL_GROUP = '<tbody><tr class="sl-group-row"><th scope="colgroup" colspan="{0}">{1}</th></tr>{2}</tbody>'
# {0} name, {1} interest mark, {2} level, {3} its label, {4} target cell, {5} source, {6} assessed on.
LEVEL_ROW = (
    '<tr><th scope="row" class="fw-normal">{0}{1}</th>'
    '<td class="text-nowrap"><span class="sl-level sl-level-{2}">{2}</span> '
    '<span class="small">{3}</span></td>{4}'
    '<td>{5}</td><td class="small">{6}</td></tr>'
)


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


def history_tables(history: Sequence[Mapping]) -> SafeString:
    """Per competency of ``history`` (``employee_profile``'s) a table of its assessments; the first
    shown, the others ``hidden`` until the history picker chooses them."""
    dates = _Dates()
    head = format_html(HISTORY_HEAD, _("Assessed on"), _("Level"), _("Source"), _("Valid until"), _("Note"))
    caption = _("Assessments of %(name)s")
    tables = []
    for index, entry in enumerate(history):
        competency = entry["competency"]
        rows = html_rows(
            HISTORY_ROW,
            (
                (
                    dates(row["assessed_on"], empty=""),
                    int(row["level"]),
                    row["source_label"],
                    dates(row["valid_until"]),
                    row["note"] or DASH,
                )
                for row in entry["rows"]
            ),
        )
        tables.append(
            (int(competency.pk), " hidden" if index else "", caption % {"name": competency.name}, head, rows)
        )
    return html_rows(HISTORY_TABLE, tables, "\n")


def _target_cell(row: Mapping, *, missing: SafeString, below: str) -> SafeString | str:
    if row["target"] is None:
        return format_html('<td class="text-end">{}</td>', missing)
    if row["below_target"]:
        return format_html(
            '<td class="text-end"><span class="sl-target-miss" title="{0}">{1}</span>'
            '<span class="visually-hidden"> ({0})</span></td>',
            below,
            int(row["target"]),
        )
    return format_html('<td class="text-end">{}</td>', int(row["target"]))


def level_groups(groups: Sequence[Mapping], *, with_target: bool) -> SafeString:
    """The body of the profile's levels table: per category of ``groups`` (``employee_profile``'s) a
    ``<tbody>`` with its heading row and a row per competency; ``with_target`` adds the role profile's
    target column."""
    dates = _Dates()
    below = _("below target")
    unassessed = format_html('<span class="badge text-bg-light border">{}</span>', _("unassessed"))
    unconfirmed = format_html(' <span class="badge sl-badge-unconfirmed ms-1">{}</span>', _("unconfirmed"))
    missing = format_html('<span class="text-body-secondary">{}</span>', DASH)
    grow = format_html(
        ' <span class="sl-grow-mark" title="{0}">↗<span class="visually-hidden"> ({0})</span></span>',
        _("development interest"),
    )
    bodies = []
    for group in groups:
        rows = []
        for row in group["rows"]:
            if not row["assessed"]:
                source = unassessed
            else:
                source = format_html("{}{}", row["source_label"], "" if row["confirmed"] else unconfirmed)
            rows.append(
                (
                    marked(row["competency"], "name"),
                    grow if row["interest_target"] is not None else "",
                    int(row["level"]),
                    row["label"],
                    _target_cell(row, missing=missing, below=below) if with_target else "",
                    source,
                    dates(row["assessed_on"]) if row["assessed_on"] else missing,
                )
            )
        bodies.append(
            (5 if with_target else 4, marked(group["category"], "name"), html_rows(LEVEL_ROW, rows))
        )
    return html_rows(LEVEL_GROUP, bodies, "\n")
