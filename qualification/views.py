"""Qualification pages: the measure catalogue, plan generation with its job page, the way of a plan from
draft to done, badges and team progress, and the HR export.

Each view parses its input, asks one permission helper (``permissions``), calls a selector or a service
and renders. A rule that a service refuses (a plan no longer a draft, a measure that does not fit, a mentor
who is not eligible) comes back as a message, and nothing was written."""

import io
import posixpath

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from competencies.audit import audit_record_view
from competencies.i18n import localized
from competencies.models import AuditEntry, Competency, ScaleLevel
from competencies.roles import is_hr_or_admin
from competencies.services import AssessmentInvalid
from competencies.viewer import viewer_of
from jobs.models import Job
from jobs.permissions import job_for_viewing
from teams.models import Team
from teams.permissions import team_for_viewing
from teams.review.providers import leads as team_leads
from teams.selectors import led_team_ids, memberships_active
from teams.tree import TeamTree

from . import badges, export_jobs, exports, forms, generation, generation_jobs, selectors, services
from .models import Measure, PlanItem, QualificationPlan
from .permissions import (
    item_for_employee,
    item_for_managing,
    may,
    measure_for_editing,
    plan_for_agreeing,
    plan_for_managing,
    plan_for_viewing,
    require_catalogue_editor,
    require_organisation_planning,
    team_for_planning,
)

# Exports with more items than this, or of the whole organisation, run as a job with a download link.
EXPORT_INLINE_MAX_ITEMS = 3000
MEASURES_PER_PAGE = 50
TEAMS_PER_PAGE = 50


def _plan_url(plan_id, anchor=""):
    return reverse("qualification:plan_detail", args=[plan_id]) + (f"#{anchor}" if anchor else "")


def _period(request, default):
    """The ``?period=`` of the request when well-formed, else ``default`` (and a message)."""
    raw = request.GET.get("period")
    if not raw:
        return str(default)
    try:
        return str(generation.Period.parse(raw))
    except generation.GenerationError as error:
        messages.error(request, str(error))
        return str(default)


def _require_planner(user):
    """Leads, HR and admins plan; for anyone else the planning pages are forbidden."""
    teams = selectors.plannable_teams(user)
    if not teams and not is_hr_or_admin(user):
        raise PermissionDenied
    return teams


def _scope(user, scope):
    """(team ids or None for the organisation, the scope's team or None) after the permission check:
    403 for a scope the user may not plan for, 404 for an unknown team."""
    kind, team_id = scope
    if kind == forms.SCOPE_ALL:
        require_organisation_planning(user)
        return None, None
    team = team_for_planning(user, team_id)
    if kind == "team":
        return [team.pk], team
    return TeamTree.load().subtree(team.pk), team


# --------------------------------------------------------------------------------------------------
# Overview pages


@login_required
@require_GET
def index(request):
    """Leads, HR and admins: the teams they plan for, with their plans of a period. Others: their plan."""
    teams = selectors.plannable_teams(request.user)
    if not teams and not is_hr_or_admin(request.user):
        return redirect("qualification:my_plan")
    period = _period(request, selectors.last_generated_period(user=request.user) or forms.next_period())
    rows = selectors.plan_index(user=request.user, period=period)
    page = Paginator(rows, TEAMS_PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "qualification/index.html",
        {
            "period": period,
            "periods": sorted(set(_nearby_periods()) | {period}),
            "page": page,
            "jobs": selectors.recent_jobs(user=request.user),
            "statuses": [
                c for c in QualificationPlan.Status.choices if c[0] != QualificationPlan.Status.CANCELLED
            ],
            "can_plan_organisation": is_hr_or_admin(request.user),
        },
    )


def _nearby_periods():
    now = selectors.current_period()
    return [str(now.shifted(offset)) for offset in range(-2, 5)]


@login_required
@require_GET
def my_plan(request):
    """The signed-in employee's current plan, or what there is while there is none."""
    employee = selectors.own_employee(request.user)
    if employee is None:
        raise Http404(_("Your login is not linked to an employee record."))
    viewer_of(request.user).know_employee(employee)
    plans = selectors.own_plans(employee=employee)
    current = selectors.current_plan_of(plans)
    if current is not None:
        return redirect("qualification:plan_detail", plan_id=current.pk)
    preparing = QualificationPlan.objects.filter(
        employee=employee, status=QualificationPlan.Status.DRAFT
    ).exists()
    team_ids = list(memberships_active().filter(employee=employee).values_list("team_id", flat=True))
    outlook = selectors.coverage_outlook(team_ids=team_ids)
    names = dict(Team.objects.filter(pk__in=team_ids).values_list("id", "name"))
    return render(
        request,
        "qualification/my_plan.html",
        {
            "employee": employee,
            "preparing": preparing,
            "badges": badges.badges_for(employee_ids=[employee.pk]).get(employee.pk, []),
            "teams": [{"id": t, "name": names[t], **outlook[t]} for t in sorted(outlook, key=names.get)],
        },
    )


@login_required
@require_GET
def team_plans(request, team_id):
    """The lead's overview of a team's plans for a period: load, interests, mentoring, coverage."""
    team = team_for_planning(request.user, team_id)
    periods = selectors.team_periods(team=team)
    period = _period(request, selectors.team_last_period(team=team) or forms.next_period())
    overview = selectors.team_plan_overview(team=team, period=period)
    return render(
        request,
        "qualification/team_plans.html",
        {
            "team": team,
            "period": period,
            "periods": sorted(set(periods) | {period} | set(_nearby_periods()), reverse=True),
            "overview": overview,
        },
    )


@login_required
@require_GET
def team_interests(request, team_id):
    """Where the team wants to grow, and whether the plans of a period honour it (leads, HR, admins)."""
    team = team_for_planning(request.user, team_id)
    period = _period(request, selectors.team_last_period(team=team) or forms.next_period())
    rows = selectors.team_interests(team=team, period=period)
    # The page shows each person's current level beside their interest.
    audit_record_view(actor=request.user, what=AuditEntry.Read.PLAN, team=team, details={"page": "interests"})
    return render(
        request,
        "qualification/team_interests.html",
        {
            "team": team,
            "period": period,
            "periods": sorted(
                set(selectors.team_periods(team=team)) | {period} | set(_nearby_periods()), reverse=True
            ),
            "rows": rows,
            "honoured": sum(1 for row in rows if row["item_status"]),
        },
    )


@login_required
@require_GET
def team_progress(request, team_id):
    """What every member of the team may see: coverage today and with the agreed plans, items done."""
    team = team_for_viewing(request.user, team_id)
    outlook = selectors.coverage_outlook(team_ids=[team.pk]).get(team.pk)
    return render(
        request,
        "qualification/team_progress.html",
        {
            "team": team,
            "outlook": outlook,
            "can_plan": may(request.user, "qualification.plan_for_team", team),
        },
    )


# --------------------------------------------------------------------------------------------------
# Generation and the export download


@login_required
@require_http_methods(["GET", "POST"])
def generate(request):
    teams = _require_planner(request.user)
    organisation = is_hr_or_admin(request.user)
    initial = {}
    if request.GET.get("team", "").isdigit():
        initial["scope"] = f"team-{request.GET['team']}"
    form = forms.GenerationForm(request.POST or None, teams=teams, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        team_ids, _team = _scope(request.user, form.cleaned_data["scope"])
        if team_ids is None:
            team_ids = list(Team.objects.order_by("id").values_list("id", flat=True))
        try:
            job = generation_jobs.plans_generate_job_create(
                team_ids=team_ids,
                period=form.cleaned_data["period"],
                capacity_hours=form.cleaned_data["capacity_hours"],
                budget_per_team=form.cleaned_data["budget_per_team"],
                owner=request.user,
                language=request.LANGUAGE_CODE,
            )
        except services.PlanGenerationError as error:
            form.add_error(None, str(error))
        else:
            return redirect("jobs:job_detail", job_id=job.pk)
    if request.method == "POST" and form.errors:
        messages.error(request, _("No plans were generated; please correct the marked fields."))
    return render(request, "qualification/generate.html", {"form": form})


@login_required
@require_GET
def job_download(request, job_id):
    job = job_for_viewing(request.user, job_id)
    name = (job.result or {}).get("file")
    if job.kind != export_jobs.KIND or job.status != Job.Status.SUCCEEDED or not name:
        raise Http404
    try:
        stream = export_jobs.export_open(name)
    except (export_jobs.ExportPathInvalid, FileNotFoundError):
        raise Http404(_("The export file is gone; please export again.")) from None
    filename = posixpath.basename(name).partition("-")[2] or posixpath.basename(name)
    # The file holds current levels of every person in its scope (the job's parameters name it).
    audit_record_view(
        actor=request.user,
        what=AuditEntry.Read.PLAN_EXPORT,
        details={"job": job.pk, **{key: job.parameters.get(key) for key in ("scope", "team_id", "period")}},
    )
    return FileResponse(stream, as_attachment=True, filename=filename)


# --------------------------------------------------------------------------------------------------
# The plan page and its actions


@login_required
@require_GET
def plan_detail(request, plan_id):
    plan = plan_for_viewing(request.user, plan_id)
    user = request.user
    can_manage = may(user, "qualification.manage_plan", plan)
    is_own = may(user, "qualification.agree_plan", plan)
    if is_own:
        viewer_of(user).know_employee(plan.employee)
    audit_record_view(actor=user, employee=plan.employee, what=AuditEntry.Read.PLAN)
    data = selectors.plan_page(plan=plan)
    is_draft = plan.status == QualificationPlan.Status.DRAFT
    editing = can_manage and is_draft
    item_forms = {}
    if editing:
        items = [record["item"] for record in data["items"]]
        measures = selectors.fitting_measures(items=items)
        mentors = selectors.eligible_mentors(plan=plan, items=items)
        item_forms = {
            item.pk: forms.PlanItemForm(item=item, measures=measures[item.pk], mentors=mentors[item.pk])
            for item in items
        }
    working = plan.status in QualificationPlan.AGREED_STATUSES
    for record in data["items"]:
        record["form"] = item_forms.get(record["item"].pk)
        if working and is_own:
            record["progress_form"] = forms.ProgressForm(item=record["item"])
    planned_for = None if is_hr_or_admin(user) else led_team_ids(user)
    return render(
        request,
        "qualification/plan_detail.html",
        {
            "plan": plan,
            **data,
            "breadcrumb_teams": [t for t in data["teams"] if planned_for is None or t["id"] in planned_for],
            "can_manage": can_manage,
            "is_own": is_own,
            "editing": editing,
            "working": working,
            "hidden_draft": is_own and is_draft,
            "add_form": forms.PlanItemAddForm() if editing else None,
            "comment_form": forms.CommentForm(),
            "agree_form": forms.CommentForm(label=_("Comment (optional)"), required=False, prefix="agree"),
            "change_form": forms.CommentForm(label=_("What would you like to change?"), prefix="change"),
            "propose_form": forms.CommentForm(
                label=_("Message to %(name)s (optional)") % {"name": plan.employee.name},
                required=False,
                prefix="propose",
            ),
            "statuses": QualificationPlan.Status,
        },
    )


def _refused(request, error):
    messages.error(request, str(error))


@login_required
@require_POST
def plan_propose(request, plan_id):
    plan = plan_for_managing(request.user, plan_id)
    form = forms.CommentForm(request.POST, required=False, prefix="propose")
    message = form.cleaned_data["text"] if form.is_valid() else ""
    try:
        services.plan_propose(plan=plan, by=request.user, message=message)
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("The plan was proposed to %(name)s, who can now accept it, comment or ask for a change.")
            % {"name": plan.employee.name},
        )
    return redirect(_plan_url(plan.pk))


@login_required
@require_POST
def plan_agree(request, plan_id):
    plan = plan_for_agreeing(request.user, plan_id)
    form = forms.CommentForm(request.POST, required=False, prefix="agree")
    if not form.is_valid():
        _refused(request, "; ".join(form.errors["text"]))
        return redirect(_plan_url(plan.pk))
    try:
        services.plan_agree(plan=plan, comment=form.cleaned_data["text"], by=request.user)
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(request, _("You agreed to the plan. It is your working plan now — good luck!"))
    return redirect(_plan_url(plan.pk))


@login_required
@require_POST
def plan_request_change(request, plan_id):
    plan = plan_for_agreeing(request.user, plan_id)
    form = forms.CommentForm(request.POST, prefix="change")
    if not form.is_valid():
        _refused(request, _("Please write what you would like to change."))
        return redirect(_plan_url(plan.pk, "respond"))
    try:
        services.plan_request_change(plan=plan, author=request.user, text=form.cleaned_data["text"])
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(
            request, _("Your request was sent; your lead revises the plan and proposes it again.")
        )
    return redirect(_plan_url(plan.pk))


@login_required
@require_POST
def plan_comment(request, plan_id):
    plan = plan_for_viewing(request.user, plan_id)
    form = forms.CommentForm(request.POST)
    if not form.is_valid():
        _refused(request, _("The comment is empty or too long; nothing was saved."))
        return redirect(_plan_url(plan.pk, "conversation"))
    try:
        services.plan_comment(plan=plan, author=request.user, text=form.cleaned_data["text"])
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(request, _("Comment added."))
    return redirect(_plan_url(plan.pk, "conversation"))


@login_required
@require_POST
def item_update(request, item_id):
    item = item_for_managing(request.user, item_id)
    form = forms.PlanItemForm(request.POST, item=item)
    if not form.is_valid():
        _refused(request, _("The item was not changed: %(errors)s") % {"errors": _form_errors(form)})
        return redirect(_plan_url(item.plan_id, f"item-{item.pk}"))
    try:
        services.plan_item_update(
            item=item,
            measure=form.cleaned_data["measure"],
            mentor=form.cleaned_data["mentor"],
            due_date=form.cleaned_data["due_date"],
        )
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(request, _("%(competency)s updated.") % {"competency": item.competency.name})
    return redirect(_plan_url(item.plan_id, f"item-{item.pk}"))


def _form_errors(form):
    return " ".join(
        f"{form.fields[name].label}: {' '.join(errors)}" if name in form.fields else " ".join(errors)
        for name, errors in form.errors.items()
    )


@login_required
@require_POST
def item_drop(request, item_id):
    item = item_for_managing(request.user, item_id)
    try:
        services.plan_item_drop(item=item)
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        messages.success(
            request,
            _("%(competency)s was dropped from the plan; add it again to plan it.")
            % {"competency": item.competency.name},
        )
    return redirect(_plan_url(item.plan_id, "items"))


@login_required
@require_POST
def item_add(request, plan_id):
    plan = plan_for_managing(request.user, plan_id)
    form = forms.PlanItemAddForm(request.POST)
    if not form.is_valid():
        _refused(request, _("No item was added: %(errors)s") % {"errors": _form_errors(form)})
        return redirect(_plan_url(plan.pk, "add-item"))
    data = form.cleaned_data
    try:
        item = services.plan_item_add(
            plan=plan,
            competency=data["competency"],
            target_level=data["target_level"],
            reason=data["reason"],
            measure=data["measure"],
            due_date=data["due_date"],
        )
    except services.PlanStateError as error:
        _refused(request, error)
        return redirect(_plan_url(plan.pk, "add-item"))
    messages.success(request, _("%(competency)s added.") % {"competency": item.competency.name})
    return redirect(_plan_url(plan.pk, f"item-{item.pk}"))


@login_required
@require_POST
def item_progress(request, item_id):
    item = item_for_employee(request.user, item_id)
    form = forms.ProgressForm(request.POST, item=item)
    if not form.is_valid():
        _refused(request, _("Progress lies between 0 and 100 %."))
        return redirect(_plan_url(item.plan_id, f"item-{item.pk}"))
    try:
        item = services.plan_item_progress(item=item, progress=form.cleaned_data["progress"])
    except services.PlanStateError as error:
        _refused(request, error)
    else:
        if item.progress == 100:
            messages.success(
                request,
                _("%(competency)s: 100 %% — your lead has been asked to confirm the new level.")
                % {"competency": item.competency.name},
            )
        else:
            messages.success(
                request,
                _("%(competency)s: progress %(progress)s %% saved.")
                % {"competency": item.competency.name, "progress": item.progress},
            )
    return redirect(_plan_url(item.plan_id, f"item-{item.pk}"))


@login_required
@require_http_methods(["GET", "POST"])
def item_complete(request, item_id):
    """The lead confirms the level reached (a manager assessment) or records the certificate earned."""
    item = item_for_managing(request.user, item_id)
    plan = item.plan
    levels = list(ScaleLevel.objects.filter(scale_id=item.competency.scale_id).order_by("value"))
    form = forms.CompleteForm(request.POST or None, item=item, levels=levels)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.plan_item_complete(
                item=item,
                assessed_by=request.user,
                source=data["source"],
                level=data["level"],
                assessed_on=data["assessed_on"],
                valid_until=data["valid_until"],
                note=data["note"],
            )
        except (services.PlanStateError, AssessmentInvalid) as error:
            form.add_error(None, str(error))
        else:
            plan.refresh_from_db()
            messages.success(
                request,
                _("Level %(level)s in %(competency)s recorded — %(name)s earned the badge “%(badge)s”.")
                % {
                    "level": data["level"],
                    "competency": item.competency.name,
                    "name": plan.employee.name,
                    "badge": badges.level_badge_title(level=data["level"], competency=item.competency.name),
                },
            )
            if plan.status == QualificationPlan.Status.COMPLETED:
                messages.success(
                    request, _("The whole plan is completed; its certificate is ready to print.")
                )
            return redirect(_plan_url(plan.pk, f"item-{item.pk}"))
    if request.method == "POST" and form.errors:
        messages.error(request, _("Nothing was recorded; please correct the marked fields."))
    return render(request, "qualification/item_complete.html", {"item": item, "plan": plan, "form": form})


@login_required
@require_GET
def plan_certificate(request, plan_id):
    """A printable certificate of achievement for a completed plan."""
    plan = plan_for_viewing(request.user, plan_id)
    if plan.status != QualificationPlan.Status.COMPLETED:
        messages.info(request, _("The certificate is available once every item of the plan is completed."))
        return redirect(_plan_url(plan.pk))
    items = list(
        plan.items.filter(status=PlanItem.Status.DONE)
        .select_related("competency", "measure", "mentor")
        .order_by("completed_on", localized("competency__name"))
    )
    lead_names = [user.get_full_name() or user.get_username() for user in team_leads(plan.employee)]
    return render(
        request,
        "qualification/plan_certificate.html",
        {
            "plan": plan,
            "items": items,
            "completed_on": max((i.completed_on for i in items if i.completed_on), default=None),
            "hours": sum(i.hours for i in items),
            "leads": lead_names,
        },
    )


# --------------------------------------------------------------------------------------------------
# Export


@login_required
@require_http_methods(["GET", "POST"])
def export(request):
    teams = _require_planner(request.user)
    organisation = is_hr_or_admin(request.user)
    initial = {"scope": f"team-{request.GET['team']}"} if request.GET.get("team", "").isdigit() else {}
    form = forms.ExportForm(request.POST or None, teams=teams, organisation=organisation, initial=initial)
    if request.method == "POST" and form.is_valid():
        kind, team_id = form.cleaned_data["scope"]
        team_ids, team = _scope(request.user, form.cleaned_data["scope"])
        period, file_format = form.cleaned_data["period"] or None, form.cleaned_data["file_format"]
        if (
            team_ids is None
            or exports.export_item_count(team_ids=team_ids, period=period) > EXPORT_INLINE_MAX_ITEMS
        ):
            job = export_jobs.plans_export_job_create(
                scope=kind,
                team_id=team_id,
                period=period,
                file_format=file_format,
                owner=request.user,
                language=translation.get_language(),
            )
            return redirect("jobs:job_detail", job_id=job.pk)
        stream = io.BytesIO()
        exports.plans_export(
            file_format=file_format, stream=stream, team_ids=team_ids, period=period, title=team.name
        )
        audit_record_view(
            actor=request.user,
            team=team,
            what=AuditEntry.Read.PLAN_EXPORT,
            details={"scope": kind, "period": period},
        )
        name = exports.export_filename(scope_name=team.name, period=period, file_format=file_format)
        content_type = (
            "text/csv; charset=utf-8"
            if file_format == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )
        response = HttpResponse(stream.getvalue(), content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    return render(request, "qualification/export.html", {"form": form, "inline_max": EXPORT_INLINE_MAX_ITEMS})


# --------------------------------------------------------------------------------------------------
# Measure catalogue


@login_required
@require_GET
def measure_list(request):
    kind = request.GET.get("kind") if request.GET.get("kind") in Measure.Kind.values else None
    competency_id = int(request.GET["competency"]) if request.GET.get("competency", "").isdigit() else None
    can_edit = request.user.has_perm("competencies.edit_catalogue")
    query = request.GET.get("q", "").strip()[:100]
    measures = selectors.measure_list(
        kind=kind, competency_id=competency_id, query=query, include_inactive=can_edit
    )
    page = Paginator(measures, MEASURES_PER_PAGE).get_page(request.GET.get("page"))
    competencies = (
        Competency.objects.filter(measure_ranges__isnull=False)
        .order_by("name")
        .values_list("id", "name")
        .distinct()
    )
    return render(
        request,
        "qualification/measure_list.html",
        {
            "page": page,
            "kinds": Measure.Kind.choices,
            "kind": kind,
            "competencies": competencies,
            "competency_id": competency_id,
            "query": query,
            "can_edit": can_edit,
        },
    )


@login_required
@require_GET
def measure_detail(request, measure_id):
    measures = selectors.measure_list(include_inactive=True).filter(pk=measure_id)
    measure = measures.first()
    if measure is None:
        raise Http404
    return render(
        request,
        "qualification/measure_detail.html",
        {"measure": measure, "can_edit": request.user.has_perm("competencies.edit_catalogue")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def measure_create(request):
    require_catalogue_editor(request.user)
    return _measure_form(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def measure_update(request, measure_id):
    return _measure_form(request, measure_for_editing(request.user, measure_id))


def _measure_form(request, measure):
    initial_ranges = (
        [
            {"competency": r.competency_id, "from_level": r.from_level, "to_level": r.to_level}
            for r in measure.ranges.order_by(localized("competency__name"))
        ]
        if measure
        else []
    )
    form = forms.MeasureForm(request.POST or None, instance=measure)
    formset = forms.MeasureRangeFormSet(request.POST or None, initial=initial_ranges, prefix="ranges")
    if request.method == "POST" and form.is_valid() and formset.is_valid():
        try:
            saved = services.measure_save(
                measure=measure,
                fields={name: form.cleaned_data[name] for name in services.MEASURE_FIELDS},
                ranges=formset.ranges(),
            )
        except services.MeasureInvalid as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(request, _("“%(title)s” saved.") % {"title": saved.title})
            return redirect("qualification:measure_detail", measure_id=saved.pk)
    if request.method == "POST" and (form.errors or formset.total_error_count()):
        messages.error(request, _("The measure was not saved; please correct the marked fields."))
    return render(
        request, "qualification/measure_form.html", {"measure": measure, "form": form, "formset": formset}
    )
