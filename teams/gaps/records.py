"""The records pages show of the engine's requirement rows: names in, ids out, never DataFrames."""

from competencies.models import Competency, Employee

from . import engine
from .inputs import NAMES_LOOKED_UP


def group_figures(table, memberships, team_ids):
    """Members, requirements, gaps and single points over ``team_ids`` together."""
    rows = table[table["team_id"].isin(team_ids)]
    members = memberships.loc[memberships["team_id"].isin(team_ids), "employee_id"]
    return {
        "members": int(members.nunique()),
        "requirements": len(rows),
        "gaps": int((rows["status"] == engine.STATUS_GAP).sum()),
        "single_points": int((rows["status"] == engine.STATUS_SINGLE_POINT).sum()),
    }


def by_weight(records):
    """Most important first, then by team and competency name."""
    return sorted(records, key=lambda r: (-r["weight"], r["team"].name, r["competency"], r["competency_id"]))


def gap_lookup(rows):
    """Names and categories of the competencies in ``rows`` and names of their (near-)holders."""
    competencies = {
        pk: {"name": name, "category_id": category_id, "category": category}
        for pk, name, category_id, category in Competency.objects.filter(
            pk__in=set(rows["competency_id"].tolist())
        ).values_list("id", "name", "category_id", "category__name")
    }
    people_ids = {int(e) for column in ("holders", "near_holders") for ids in rows[column] for e in ids}
    people = Employee.objects.values_list("id", "name")
    if len(people_ids) <= NAMES_LOOKED_UP:
        people = people.filter(pk__in=people_ids)
    return {"competencies": competencies, "people": dict(people)}


def gap_records(rows, teams, lookup):
    competencies, people = lookup["competencies"], lookup["people"]
    records = []
    for r in rows.itertuples(index=False):
        competency = competencies[int(r.competency_id)]
        records.append(
            {
                "team": teams[int(r.team_id)],
                "competency_id": int(r.competency_id),
                "competency": competency["name"],
                "category_id": competency["category_id"],
                "category": competency["category"],
                "required_level": int(r.required_level),
                "min_people": int(r.min_people),
                "weight": int(r.weight),
                "covered": int(r.covered),
                "shortfall": int(r.shortfall),
                "status": r.status,
                "holders": [people[int(e)] for e in r.holders],
                "near_holders": [people[int(e)] for e in r.near_holders],
            }
        )
    return records


def requirement_matches(record, *, category_id=None, min_weight=None):
    """True when a requirement record (or heatmap column) passes the category and weight filters."""
    if category_id is not None and record["category_id"] != category_id:
        return False
    return min_weight is None or record["weight"] >= min_weight


def categories_of(records):
    """(id, name) of the categories that ``records`` touch, by name."""
    found = {r["category_id"]: r["category"] for r in records}
    return sorted(found.items(), key=lambda item: (item[1], item[0]))
