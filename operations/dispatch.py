"""The dispatch export (docs/service-operations.md): a team's confirmed levels in the shape field-service
systems import. Only confirmed levels leave the product; self-assessments never do."""

import csv
import datetime
import io
import json
from dataclasses import dataclass

from django.db.models import Max
from django.utils.translation import gettext as _

from competencies.models import Assessment, Competency
from competencies.selectors import effective_level_records
from competencies.spreadsheets import safe_cell
from teams.selectors import team_members_active

FIELDS = ["employee_key", "skill_key", "level", "valid_from", "valid_until"]
SCALES = ("percent", "five", "yes_no", "raw")


@dataclass(frozen=True)
class Mapping:
    """How the product's level becomes the target's: ``scale`` one of SCALES, ``threshold`` for yes_no."""

    scale: str = "raw"
    threshold: int = 1

    def apply(self, level: int, top: int):
        """The target's value for ``level`` on a scale whose highest level is ``top``; None: leave it out."""
        if self.scale == "percent":
            return round(level / top * 99.99, 2)
        if self.scale == "five":
            return round(1 + level / top * 4)
        if self.scale == "yes_no":
            return "yes" if level >= self.threshold else None
        return level


def mapping_from(params) -> Mapping:
    """The mapping a request asks for (``scale``, ``threshold``); ValueError with a message otherwise."""
    scale = params.get("scale") or "raw"
    if scale not in SCALES:
        raise ValueError(_("Choose the scale percent, five, yes_no or raw."))
    threshold_text = params.get("threshold") or "1"
    if not threshold_text.isdigit() or not 1 <= int(threshold_text) <= 10:
        raise ValueError(_("The threshold is a level from 1 to 10."))
    return Mapping(scale=scale, threshold=int(threshold_text))


def dispatch_rows(*, team, on: datetime.date, mapping: Mapping) -> list[dict]:
    """One row per member and competency with a confirmed effective level above 0 on ``on``, ordered by
    personnel number and skill. Four queries."""
    members = {
        e.pk: e.personnel_no
        for e in team_members_active(team=team, on=on).select_related(None).only("pk", "personnel_no")
    }
    levels = [
        r for r in effective_level_records(on=on, employee_ids=list(members)) if r.confirmed and r.level > 0
    ]
    competencies = {
        pk: (name, top)
        for pk, name, top in Competency.objects.filter(pk__in={r.competency_id for r in levels})
        .annotate(top=Max("scale__levels__value"))
        .values_list("pk", "name", "top")
    }
    expiries = {
        (e, c, d): until
        for e, c, d, until in Assessment.objects.filter(
            employee_id__in=list(members),
            valid_until__isnull=False,
            source__in=Assessment.CONFIRMED_SOURCES,
        ).values_list("employee_id", "competency_id", "assessed_on", "valid_until")
    }
    rows = []
    for r in levels:
        name, top = competencies[r.competency_id]
        value = mapping.apply(r.level, top or 4)
        if value is None:
            continue
        until = expiries.get((r.employee_id, r.competency_id, r.assessed_on))
        rows.append(
            {
                "employee_key": members[r.employee_id],
                "skill_key": name,
                "level": value,
                "valid_from": r.assessed_on.isoformat(),
                "valid_until": until.isoformat() if until else "",
            }
        )
    return sorted(rows, key=lambda row: (row["employee_key"], row["skill_key"]))


def as_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=FIELDS)
    writer.writeheader()
    for row in rows:
        writer.writerow({k: safe_cell(v) if isinstance(v, str) else v for k, v in row.items()})
    return out.getvalue()


def as_json(rows: list[dict]) -> str:
    return json.dumps({"skills": rows}, ensure_ascii=False, indent=1)
