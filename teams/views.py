from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone

from . import insights, selectors
from .permissions import team_for_viewing
from .reports import gap_report


def _requirement_rows(requirements, report, members, *, with_names):
    """Requirements joined with their analysis; holder names only for viewers of individual levels."""
    analysed = {row["competency"]["id"]: row for row in report["requirements"]}
    names = {member.pk: member.name for member in members}
    rows = []
    for requirement in requirements:
        result = analysed.get(requirement.competency_id, {})
        row = {
            "requirement": requirement,
            "covered": result.get("covered", 0),
            "shortfall": result.get("shortfall", 0),
            "status": result.get("status"),
        }
        if with_names:
            row["holders"] = [names[pk] for pk in result.get("holders", []) if pk in names]
            row["near_holders"] = [names[pk] for pk in result.get("near_holders", []) if pk in names]
        rows.append(row)
    return rows


@login_required
def team_detail(request, team_id):
    team = team_for_viewing(request.user, team_id)
    can_view_levels = request.user.has_perm("teams.view_team_levels", team)
    can_view_parent = team.parent is not None and request.user.has_perm("teams.view_team", team.parent)
    today = timezone.localdate()
    members = list(selectors.team_members_active(team=team, on=today))
    requirements = list(selectors.team_requirements(team=team).order_by("competency__name"))
    report = gap_report(team=team, on=today)
    rows = _requirement_rows(requirements, report, members, with_names=can_view_levels)
    member_rows = [{"employee": member} for member in members]
    if can_view_levels:
        fits = {entry["employee"]["id"]: entry for entry in report["members"]}
        for row in member_rows:
            fit = fits.get(row["employee"].pk)
            row["role_fit"] = fit["role_fit"] if fit else None
            # Counted per competency: one role requirement is one gap however the rows arrive.
            row["role_gaps"] = len({gap["competency"] for gap in fit["gaps"]}) if fit else 0
    # A department's headline figure rolls up its whole subtree (SPEC.md); its own requirements follow.
    rollup = insights.department_overview(department=team, on=today) if team.children.exists() else None
    return render(
        request,
        "teams/team_detail.html",
        {
            "team": team,
            "today": today,
            "leads": team.leads.order_by("last_name", "first_name", "username"),
            "rollup": rollup,
            "member_rows": member_rows,
            "requirement_rows": rows,
            "coverage": report["coverage"],
            "gaps": sum(1 for row in rows if row["status"] == "gap"),
            "single_points": sum(1 for row in rows if row["status"] == "single_point"),
            "can_view_levels": can_view_levels,
            "can_view_parent": can_view_parent,
        },
    )
