"""Service-operations pages: the systems catalogue, the import, and per team the systems it can serve,
the suggestions from tickets, duty for the next eight weeks and the dispatch export."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from competencies.roles import is_hr_or_admin
from teams.gaps import service as gap_service
from teams.permissions import team_for_levels

from . import dispatch, forms, import_jobs, selectors, services

FORECAST_MONTHS = 12


@login_required
def system_list(request):
    systems = list(selectors.systems_with_needs())
    return render(
        request,
        "operations/system_list.html",
        {"systems": systems, "regions": selectors.regions(), "can_import": is_hr_or_admin(request.user)},
    )


@login_required
def import_file(request):
    """The upload is stored and a job checks and writes it (operations.import_jobs); the job's page shows
    its progress and then what was written, or the problems."""
    if not is_hr_or_admin(request.user):
        raise PermissionDenied
    form = forms.OperationsImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            path = import_jobs.upload_save(file_obj=upload, filename=upload.name)
        except import_jobs.UploadRefused as refused:
            form.add_error("file", str(refused))
        else:
            job = import_jobs.import_job_create(
                kind=form.cleaned_data["kind"],
                path=path,
                filename=upload.name,
                owner=request.user,
                language=request.LANGUAGE_CODE,
            )
            return redirect("jobs:job_detail", job_id=job.pk)
    return render(request, "operations/import.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def team_systems(request, team_id):
    team = team_for_levels(request.user, team_id)
    today = timezone.localdate()
    forecast_on = today.replace(year=today.year + 1) if not (today.month == 2 and today.day == 29) else today
    coverage = selectors.team_system_coverage(team=team, on=today, forecast_on=forecast_on)
    # On the dashboard (htmx) only the forecast of the need; opened on its own, the whole page.
    template = "operations/_systems_panel.html" if request.htmx else "operations/team_systems.html"
    return render(
        request,
        template,
        {"team": team, "coverage": coverage, "today": today, "forecast_on": forecast_on},
    )


@login_required
def team_suggestions(request, team_id):
    team = team_for_levels(request.user, team_id)
    today = timezone.localdate()
    suggestions = selectors.team_suggestions(team=team, on=today)
    can_accept = request.user.has_perm("teams.manage_team", team)
    return render(
        request,
        "operations/team_suggestions.html",
        {"team": team, "suggestions": suggestions, "today": today, "can_accept": can_accept},
    )


@login_required
@require_POST
def suggestion_accept(request, team_id):
    team = team_for_levels(request.user, team_id)
    if not request.user.has_perm("teams.manage_team", team):
        raise PermissionDenied
    form = forms.SuggestionAcceptForm(request.POST)
    if not form.is_valid():
        for field, errors in form.errors.items():
            messages.error(request, f"{form.fields[field].label or field}: {' '.join(errors)}")
        return redirect("operations:team_suggestions", team_id=team.pk)
    try:
        requirement = services.suggestion_accept(
            team=team,
            competency_id=form.cleaned_data["competency"],
            required_level=form.cleaned_data["required_level"],
            min_people=form.cleaned_data["min_people"],
            weight=form.cleaned_data["weight"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("operations:team_suggestions", team_id=team.pk)
    messages.success(
        request,
        _("Requirement saved: %(people)s people at level %(level)s in %(competency)s.")
        % {
            "people": requirement.min_people,
            "level": requirement.required_level,
            "competency": requirement.competency.name,
        },
    )
    return redirect("operations:team_suggestions", team_id=team.pk)


@login_required
def team_duty(request, team_id):
    team = team_for_levels(request.user, team_id)
    today = timezone.localdate()
    result = selectors.team_duty(team=team, first=today)
    plan = forms.HolidayPlanForm(request.GET or None, members=result["members"])
    planned = None
    if request.GET and plan.is_valid():
        absence = (plan.cleaned_data["person"], plan.cleaned_data["start"], plan.cleaned_data["end"])
        planned = selectors.team_duty(team=team, first=today, planned_absences=[absence])
    return render(
        request,
        "operations/team_duty.html",
        {
            "team": team,
            "duty": result,
            "plan": plan,
            "planned": planned,
            "days": gap_service.DUTY_DAYS,
            "today": today,
        },
        status=400 if request.GET and not plan.is_valid() else 200,
    )


@login_required
def dispatch_export(request, team_id):
    team = team_for_levels(request.user, team_id)
    try:
        mapping = dispatch.mapping_from(request.GET)
    except ValueError as error:
        return render(request, "teams/bad_request.html", {"problems": [str(error)], "team": team}, status=400)
    output = request.GET.get("format", "csv")
    if output not in ("csv", "json"):
        return render(
            request,
            "teams/bad_request.html",
            {"problems": [_("Choose the format csv or json.")], "team": team},
            status=400,
        )
    rows = dispatch.dispatch_rows(team=team, on=timezone.localdate(), mapping=mapping)
    if output == "json":
        response = HttpResponse(dispatch.as_json(rows), content_type="application/json")
    else:
        response = HttpResponse(dispatch.as_csv(rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dispatch-team-{team.pk}.{output}"'
    return response


@login_required
def team_duty_strip(request, team_id):
    """The duty strip alone, for the team dashboard's panel."""
    team = team_for_levels(request.user, team_id)
    if not request.htmx:
        # Opened on its own (no script, or a bookmark): the whole duty page.
        return team_duty(request, team_id)
    result = selectors.team_duty(team=team, first=timezone.localdate())
    return render(request, "operations/_duty_panel.html", {"team": team, "duty": result})
