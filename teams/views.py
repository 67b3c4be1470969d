import hashlib
from functools import partial
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from competencies.audit import audit_record_view
from competencies.i18n import localized
from competencies.models import AuditEntry
from competencies.permissions import visible_employees
from competencies.privacy_threshold import min_group_size
from competencies.roles import is_hr_or_admin
from competencies.viewer import viewer_of

from . import charts, forms, hooks, selectors
from . import matrix as team_matrix
from .gaps import cache
from .gaps import team as gaps_team
from .gaps.department import department_overview, department_overview_for_reader
from .gaps.organisation import organisation_overview
from .gaps.records import categories_of, requirement_matches
from .gaps.report import gap_report
from .permissions import require_organisation_view, team_for_levels, team_for_viewing


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
    requirements = list(selectors.team_requirements(team=team).order_by(localized("competency__name")))
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
    rollup = (
        department_overview_for_reader(
            department_overview(department=team, on=today), sees_individuals=can_view_levels
        )
        if team.children.exists()
        else None
    )
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
            "min_group_size": min_group_size(),
        },
    )


# Dashboards -------------------------------------------------------------------------------------------

GAPS_SHOWN = 20
SINGLE_POINTS_PER_PAGE = 50
CANDIDATES_SHOWN = 200
SCROLL_ROWS = 30  # a heatmap with more rows scrolls inside its card
FILTER_PARAMS = ("date", "category", "weight")


def _bad_request(request, form, *, team=None, fragment=False):
    """400 with the form's messages: a page, or for htmx requests the fragment that is swapped in."""
    problems = forms.error_messages(form)
    template = "teams/_bad_request.html" if fragment else "teams/bad_request.html"
    return render(request, template, {"problems": problems, "team": team}, status=400)


def _analysis_date(request, *, team=None, fragment=False):
    """(date, None) from ``?date=``, today when absent; (None, 400 response) when malformed."""
    form = forms.DateForm(request.GET)
    if not form.is_valid():
        return None, _bad_request(request, form, team=team, fragment=fragment)
    return form.cleaned_data["date"] or timezone.localdate(), None


def _query(request, *names):
    """The query string of ``names`` as given, to hand on to fragments and links."""
    return urlencode([(name, request.GET[name]) for name in names if request.GET.get(name)])


def _may_see_everyone(user):
    return is_hr_or_admin(user)


def _what_if_candidates(user, member_ids):
    """People a lead may pick to join (None for HR and admins, who search instead). The same query
    tells whether the user has an employee record, which the navigation would otherwise ask for."""
    if _may_see_everyone(user):
        return None, False
    candidates, own, cut = gaps_team.what_if_candidates(
        people=visible_employees(user), user=user, exclude_ids=member_ids, limit=CANDIDATES_SHOWN
    )
    viewer_of(user).know_employee(own)
    return candidates, cut


def _page(request, records, per_page):
    paginator = Paginator(records, per_page)
    return paginator.get_page(request.GET.get("page"))


def _same_query(request, view_name, team):
    """``view_name`` of ``team`` with the request's query string: the one page for the team."""
    url = reverse(view_name, kwargs={"team_id": team.pk})
    query = request.META.get("QUERY_STRING", "")
    return redirect(f"{url}?{query}" if query else url)


@login_required
def dashboard(request, team_id):
    team = team_for_levels(request.user, team_id)
    # A department's dashboard is its department page: the roll-up over its subtree (SPEC.md).
    if selectors.team_has_children(team=team):
        return _same_query(request, "teams:department", team)
    on, error = _analysis_date(request, team=team)
    if error:
        return error
    may_see_everyone = _may_see_everyone(request.user)
    data = gaps_team.team_dashboard(
        team=team, on=on, viewer=request.user, offer_join_candidates=not may_see_everyone
    )
    # Read along with the team's memberships, so the navigation needs no query of its own.
    viewer_of(request.user).know_employee(data["viewer_employee"])
    filters = forms.FilterForm(request.GET, categories=categories_of(data["requirements"]))
    if not filters.is_valid():
        return _bad_request(request, filters, team=team)
    category, weight = filters.cleaned_data["category"], filters.cleaned_data["weight"]
    shown = gaps_team.filter_dashboard(data, category_id=category, min_weight=weight)
    requirements = shown["requirements"]
    # The heatmap shows every member's level: one audit entry naming the team, not one per member.
    audit_record_view(actor=request.user, team=team, what=AuditEntry.Read.TEAM_DASHBOARD)

    members_by_name = sorted(data["members"], key=lambda m: (m["name"], m["id"]))
    candidates = data["join_candidates"]
    candidates_cut = candidates is not None and len(candidates) > CANDIDATES_SHOWN
    if candidates_cut:
        candidates = candidates[:CANDIDATES_SHOWN]
    what_if_form = forms.WhatIfForm(
        initial={"date": request.GET.get("date") or ""},
        user=request.user,
        team=team,
        choices={"members": members_by_name, "requirements": _sorted_requirements(data["requirements"])},
        candidates=candidates,
    )
    closing = gaps_team.closest_to_closing(
        requirements,
        members=data["members"],
        **selectors.closing_signals(employee_ids=[m["id"] for m in data["members"]]),
    )
    parent = team.parent
    # Campaigns opened within the trend's window: markers on the line (and rows of its table).
    events = (
        selectors.team_campaign_events(team_id=team.pk, start=data["trend"][0]["on"], end=on)
        if data["trend"]
        else []
    )
    return render(
        request,
        "teams/team_dashboard.html",
        {
            "team": team,
            "on": on,
            "is_today": on == timezone.localdate(),
            "can_view_parent": parent is not None and request.user.has_perm("teams.view_team_levels", parent),
            "data": shown,
            "filters": filters,
            "is_filtered": filters.is_filtered,
            "requirements": requirements,
            "gaps": [r for r in requirements if r["status"] == "gap"],
            "single_points": [r for r in requirements if r["status"] == "single_point"],
            "closing": closing,
            "certificate_loss": sum(c["drop_points"] for c in data["certificates"]),
            "counts": {
                "gaps": sum(1 for r in data["requirements"] if r["status"] == "gap"),
                "single_points": sum(1 for r in data["requirements"] if r["status"] == "single_point"),
            },
            "forecast_end": data["forecast"][-1] if data["forecast"] else None,
            # Charts, tables and findings are the same for everyone who looks at this version of the
            # team's figures with the same filters and language: the page caches them as one fragment
            # under the figures' key, and the charts are only drawn (called) when it is rendered.
            "figures_key": data["cache_key"],
            "figures_seconds": cache.timeout() if data["cache_key"] else 0,
            "trend_figure": partial(charts.trend_figure, data["trend"], data["forecast"], events),
            "events": events,
            # Campaigns are not part of the figures' version: the cached fragment names them itself.
            "events_key": hashlib.sha256(
                repr([(e["on"].isoformat(), e["name"]) for e in events]).encode()
            ).hexdigest()[:16],
            "heatmap_figure": partial(charts.heatmap_figure, shown["heatmap"]),
            "scroll_heatmap": len(shown["heatmap"]["rows"]) > SCROLL_ROWS,
            "bar_figure": partial(charts.coverage_bar_figure, requirements),
            "hint_query": _query(request, *FILTER_PARAMS),
            "panels": hooks.dashboard_panels(team=team),
            "what_if_form": what_if_form,
            # The what-if form differs only by whom the viewer may add: cached with the figures.
            "what_if_scope": "search"
            if candidates is None
            else f"{cache.digest(c['id'] for c in candidates)}{'+' if candidates_cut else ''}",
            "candidates_cut": candidates_cut,
            "candidates_shown": CANDIDATES_SHOWN,
        },
    )


MATRIX_PARAMS = ("date", "q", "person", "category", "sort")


@login_required
@require_http_methods(["GET", "POST"])
def matrix(request, team_id):
    """The team matrix: members × required competencies, searched, filtered and sorted by GET parameters
    (the table alone for htmx), each cell leading to the person's history of that competency. POST stores
    the columns the user wants (teams.matrix.save_columns) and comes back to the same view."""
    team = team_for_levels(request.user, team_id)
    if selectors.team_has_children(team=team):
        return _same_query(request, "teams:department", team)
    fragment = bool(request.htmx) and request.method == "GET"
    on, error = _analysis_date(request, team=team, fragment=fragment)
    if error:
        return error
    data = gaps_team.team_dashboard(team=team, on=on, viewer=request.user)
    viewer_of(request.user).know_employee(data["viewer_employee"])
    heatmap = data["heatmap"]
    columns_form = forms.MatrixColumnsForm(
        request.POST if request.method == "POST" else None, columns=heatmap["columns"]
    )
    if request.method == "POST":
        if not columns_form.is_valid():
            return _bad_request(request, columns_form, team=team)
        team_matrix.save_columns(
            user=request.user, team=team, competency_ids=columns_form.cleaned_data["competencies"]
        )
        messages.success(request, _("Your columns for this team's matrix are saved."))
        url = reverse("teams:matrix", kwargs={"team_id": team.pk})
        query = _query(request, *MATRIX_PARAMS)
        return redirect(f"{url}?{query}" if query else url)
    sorts = [*team_matrix.NAME_SORTS]
    for column in heatmap["columns"]:
        key = team_matrix.column_sort_key(column["id"])
        sorts += [key, f"-{key}"]
    form = forms.MatrixForm(
        request.GET, members=data["members"], categories=categories_of(data["requirements"]), sorts=sorts
    )
    if not form.is_valid():
        return _bad_request(request, form, team=team, fragment=fragment)
    picked = team_matrix.picked_columns(user=request.user, team=team)
    shown = team_matrix.build(
        heatmap,
        query=form.cleaned_data["q"],
        person_id=form.cleaned_data["person"],
        category_id=form.cleaned_data["category"],
        picked=picked,
        sort=form.cleaned_data["sort"] or "name",
    )
    columns_form.initial = {"competencies": picked or []}
    audit_record_view(actor=request.user, team=team, what=AuditEntry.Read.TEAM_DASHBOARD)
    base = [(name, request.GET[name]) for name in MATRIX_PARAMS[:-1] if request.GET.get(name)]
    for column in shown["columns"]:
        key = team_matrix.column_sort_key(column["id"])
        column["sort_key"] = f"-{key}" if shown["sort"] == key else key
        column["sort_query"] = urlencode([*base, ("sort", column["sort_key"])])
        column["sorted"] = (
            "ascending" if shown["sort"] == key else "descending" if shown["sort"] == f"-{key}" else ""
        )
    context = {
        "team": team,
        "on": on,
        "is_today": on == timezone.localdate(),
        "form": form,
        "columns_form": columns_form,
        "picked": picked,
        "matrix": shown,
        "name_sort_query": urlencode([*base, ("sort", "-name" if shown["sort"] == "name" else "name")]),
        "name_sorted": {"name": "ascending", "-name": "descending"}.get(shown["sort"], ""),
        "date_query": _query(request, "date"),
    }
    return render(request, "teams/_matrix_table.html" if fragment else "teams/matrix.html", context)


def _sorted_requirements(records):
    return sorted(records, key=lambda r: (r["competency"], r["competency_id"]))


@login_required
def staffing_hints(request, team_id):
    """Fragment (a page without htmx): for each gap, people outside the team who hold the level."""
    team = team_for_levels(request.user, team_id)
    fragment = bool(request.htmx)
    on, error = _analysis_date(request, team=team, fragment=fragment)
    if error:
        return error
    filters = forms.FilterForm(request.GET, categories=None)
    if not filters.is_valid():
        return _bad_request(request, filters, team=team, fragment=fragment)
    candidate_ids = (
        None
        if _may_see_everyone(request.user)
        else set(visible_employees(request.user).values_list("id", flat=True))
    )
    hints = gaps_team.staffing_hints(team=team, on=on, candidate_ids=candidate_ids)
    audit_record_view(actor=request.user, team=team, what=AuditEntry.Read.STAFFING_HINTS)
    hints = [
        hint
        for hint in hints
        if requirement_matches(
            hint, category_id=filters.cleaned_data["category"], min_weight=filters.cleaned_data["weight"]
        )
    ]
    return render(
        request,
        "teams/_staffing_hints.html" if fragment else "teams/staffing_hints.html",
        {"team": team, "on": on, "hints": hints, "date_query": _query(request, "date")},
    )


@login_required
def what_if(request, team_id):
    """The what-if result as a fragment for htmx, or as a page with the form without JavaScript.
    Computed on copies of the analysis input: nothing is written."""
    team = team_for_levels(request.user, team_id)
    fragment = bool(request.htmx)
    on, error = _analysis_date(request, team=team, fragment=fragment)
    if error:
        return error
    choices = gaps_team.what_if_choices(team=team, on=on)
    if fragment:
        # Only the result is rendered; who may join is checked against everyone the user may see.
        candidates, candidates_cut = (None if _may_see_everyone(request.user) else []), False
    else:
        candidates, candidates_cut = _what_if_candidates(request.user, [m["id"] for m in choices["members"]])
    form = forms.WhatIfForm(request.GET, user=request.user, team=team, choices=choices, candidates=candidates)
    result, status, panels = None, 200, []
    if not form.is_valid():
        status = 400
    elif form.has_changes:
        result = gaps_team.what_if(team=team, on=on, **form.engine_arguments())
        # What higher apps add (operations: duty in the next eight weeks, with the holiday plan).
        panels = hooks.what_if_panels(
            team=team, on=on, changes=form.engine_arguments(), absences=form.absences()
        )
    context = {
        "team": team,
        "on": on,
        "form": form,
        "what_if_form": form,
        "result": result,
        "what_if_panels": panels,
        "scenario": form.scenario() if form.is_valid() else None,
        "errors": forms.error_messages(form) if status == 400 else [],
        "candidates_cut": candidates_cut,
        "candidates_shown": CANDIDATES_SHOWN,
    }
    template = "teams/_what_if_result.html" if fragment else "teams/what_if.html"
    return render(request, template, context, status=status)


@login_required
def department(request, team_id):
    """A department's one page (its "Dashboard" redirects here); a team without teams below has only its
    dashboard, where this URL leads."""
    team = team_for_levels(request.user, team_id)
    if not selectors.team_has_children(team=team):
        return _same_query(request, "teams:dashboard", team)
    on, error = _analysis_date(request, team=team)
    if error:
        return error
    overview = department_overview(department=team, on=on)
    categories = categories_of(overview["worst_gaps"] + overview["single_points"])
    filters = forms.FilterForm(request.GET, categories=categories)
    if not filters.is_valid():
        return _bad_request(request, filters, team=team)
    gaps, single_points = _filtered_gap_lists(overview, filters)
    parent = team.parent
    return render(
        request,
        "teams/department.html",
        {
            "team": team,
            "on": on,
            "is_today": on == timezone.localdate(),
            "can_view_parent": parent is not None and request.user.has_perm("teams.view_team_levels", parent),
            "overview": overview,
            "filters": filters,
            "is_filtered": filters.is_filtered,
            "gaps": gaps[:GAPS_SHOWN],
            "gap_count": len(gaps),
            "single_points": _page(request, single_points, SINGLE_POINTS_PER_PAGE),
            "children_figure": charts.team_coverage_figure(
                [{"name": c["team"].name, "coverage": c["coverage"]} for c in overview["children"]]
            ),
            "page_query": _query(request, *FILTER_PARAMS),
        },
    )


def _filtered_gap_lists(overview, filters):
    category, weight = filters.cleaned_data["category"], filters.cleaned_data["weight"]

    def keep(records):
        return [r for r in records if requirement_matches(r, category_id=category, min_weight=weight)]

    return keep(overview["worst_gaps"]), keep(overview["single_points"])


@login_required
def organisation(request):
    require_organisation_view(request.user)
    on, error = _analysis_date(request)
    if error:
        return error
    overview, key = organisation_overview(on=on, with_key=True)
    categories = categories_of(overview["worst_gaps"] + overview["single_points"])
    filters = forms.FilterForm(request.GET, categories=categories)
    if not filters.is_valid():
        return _bad_request(request, filters)
    gaps, single_points = _filtered_gap_lists(overview, filters)
    return render(
        request,
        "teams/organisation.html",
        {
            "on": on,
            "is_today": on == timezone.localdate(),
            "overview": overview,
            "filters": filters,
            "is_filtered": filters.is_filtered,
            "gaps": gaps[:GAPS_SHOWN],
            "gap_count": len(gaps),
            "single_points": _page(request, single_points, SINGLE_POINTS_PER_PAGE),
            # The heatmap (chart and table) is the same for everyone while the data is: a cached fragment,
            # and the chart is only drawn (called) when it is rendered.
            "heatmap_key": key,
            "heatmap_seconds": cache.timeout() if key else 0,
            "heatmap_figure": partial(charts.organisation_heatmap_figure, overview["heatmap"]),
            "scroll_heatmap": len(overview["heatmap"]["teams"]) > SCROLL_ROWS,
            "heatmap_rows": [
                {"team": name, "values": values}
                for name, values in zip(
                    overview["heatmap"]["teams"], overview["heatmap"]["values"], strict=True
                )
            ],
            "page_query": _query(request, *FILTER_PARAMS),
        },
    )
