"""Pages about one person: their profile, self-assessment, certificates, data export and history."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from . import audit, charts, hooks, privacy, selectors, services, tables
from .forms import AnonymiseForm, CertificateForm, ReadsFilterForm, SelfAssessmentForm
from .governance import search_active
from .models import AuditEntry, Employee, EvidenceFile
from .permissions import employee_for_levels
from .roles import is_admin, is_hr_or_admin
from .viewer import viewer_of


def _remember_own_employee(user, employee):
    """Hand the signed-in user's employee record to the navigation (saves a query)."""
    if employee is not None:
        viewer_of(user).know_employee(employee)


@login_required
def employee_detail(request, employee_id):
    employee = employee_for_levels(request.user, employee_id)
    _remember_own_employee(request.user, employee)
    audit.audit_record_view(actor=request.user, employee=employee, what=AuditEntry.Read.PROFILE)
    today = timezone.localdate()
    profile = selectors.employee_profile(employee=employee, on=today)
    is_own = employee.user_id == request.user.pk
    radar = (
        charts.radar_figure(profile["radar"], max_level=profile["max_level"])
        if len(profile["radar"]) >= 3
        else None
    )
    history = charts.history_figures(profile["history"], on=today, max_level=profile["max_level"])
    plan, badges = hooks.plan_and_badges(employee, certificates=profile["certificates"])
    return render(
        request,
        "competencies/employee_detail.html",
        {
            "employee": employee,
            "today": today,
            **profile,
            "radar_figure": radar,
            "history_figures": history,
            "history_tables": tables.history_tables(profile["history"]),
            "level_groups": tables.level_groups(
                profile["groups"], with_target=employee.role_profile_id is not None
            ),
            "plan": plan,
            "badges": badges,
            "is_own_profile": is_own,
            # Whoever may see another person's levels (their lead, HR, admin) may confirm them too.
            "can_confirm": not is_own,
            "can_audit": is_hr_or_admin(request.user),
            "is_anonymised": privacy.is_anonymised(employee),
        },
    )


def _own_employee(user):
    employee = (
        Employee.objects.select_related("role_profile", "self_assessment_draft").filter(user=user).first()
    )
    if employee is None:
        raise Http404(_("Your login is not linked to an employee record."))
    _remember_own_employee(user, employee)
    return employee


@login_required
@require_http_methods(["GET", "POST"])
def self_assessment(request):
    employee = _own_employee(request.user)
    page = selectors.self_assessment_page(employee=employee)
    form = SelfAssessmentForm(request.POST or None, rows=page["rows"], version=page["version"])
    search = request.POST.get("add_q", "").strip()[:100] if request.method == "POST" else ""
    if request.method == "POST" and request.POST.get("action") == "search":
        # Without JavaScript the search button posts the page: shown again with the matches, nothing saved.
        form.is_valid()
    elif request.method == "POST":
        if form.is_valid():
            response = _self_assessment_save(request, employee, form, page["draft"])
            if response is not None:
                return response
        else:
            messages.error(request, _("Please correct the marked entries; nothing was recorded."))
    rows = list(form.row_states())
    return render(
        request,
        "competencies/self_assessment.html",
        {
            "employee": employee,
            "form": form,
            "sections": [
                {
                    "key": "required",
                    "title": _("Asked for by your role and your teams"),
                    "intro": _("Your role profile and your teams' requirements ask for these competencies."),
                    "groups": _grouped([row for row in rows if row["is_required"]]),
                },
                {
                    "key": "other",
                    "title": _("Further competencies"),
                    "intro": _("Competencies you rated before, want to grow in or added yourself."),
                    "groups": _grouped([row for row in rows if not row["is_required"]]),
                },
            ],
            "row_count": len(rows),
            "add_query": search,
            "add_found": search_active(search, limit=20) if len(search) >= 2 else None,
            "on_page": ",".join(str(row["competency"].pk) for row in rows),
            "draft": page["draft"],
            "version": page["version"],
        },
    )


def _self_assessment_save(request, employee, form, draft):
    """Submit, save the draft, or add a competency (keeping the entries as draft); a redirect on success,
    None (with the error on the form or in a message) otherwise."""
    action = request.POST.get("action", "draft")
    try:
        if action == "submit":
            result = services.self_assessment_submit(
                employee=employee,
                user=request.user,
                entries=form.entries(),
                version=form.cleaned_data["version"],
            )
            messages.success(request, _submitted_message(result))
            return redirect("competencies:employee_detail", employee_id=employee.pk)
        new = form.cleaned_data.get("add")
        if action == "add" and new is None:
            form.add_error("add", _("Choose the competency to add."))
            return None
        added = set(draft.added if draft else []) | ({new} if new is not None else set())
        services.self_assessment_draft_save(
            employee=employee, user=request.user, entries=form.entries(), added=added
        )
    except services.AssessmentInvalid as error:
        messages.error(request, str(error))
        return None
    if new is not None:
        messages.success(request, _("Added. Rate it below; your other entries are kept as a draft."))
        return redirect(f"{reverse('competencies:self_assessment')}#c{new}")
    messages.success(request, _("Draft saved. Nothing is recorded until you submit."))
    return redirect("competencies:self_assessment")


def _grouped(rows):
    groups = []
    for row in rows:
        category = row["competency"].category
        if not groups or groups[-1]["category"].pk != category.pk:
            groups.append({"category": category, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


def _submitted_message(result):
    if result["already_submitted"]:
        return _("Your self-assessment had already been submitted; nothing was recorded twice.")
    if not result["recorded"] and not result["interests"]:
        return _("Submitted. Nothing had changed since your last self-assessment.")
    return _(
        "Submitted: %(levels)s level(s) recorded, %(interests)s development interest(s) updated. Your "
        "team lead will confirm or discuss them with you."
    ) % {"levels": result["recorded"], "interests": result["interests"]}


@login_required
def my_data_export(request, fmt):
    if fmt not in ("json", "xlsx"):
        raise Http404
    employee = _own_employee(request.user)
    content, content_type, filename = privacy.personal_data_export(
        employee=employee, user=request.user, fmt=fmt
    )
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_GET
def my_reads(request):
    """Who read the signed-in employee's individual data, when and on which page (the read audit)."""
    employee = _own_employee(request.user)
    form = ReadsFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    rows = audit.reads_about(
        employee=employee,
        what=filters.get("what") or None,
        since=filters.get("since"),
        until=filters.get("until"),
    )
    return render(
        request,
        "competencies/my_reads.html",
        {"employee": employee, "form": form, "rows": rows, "limit": audit.READS_SHOWN},
    )


@login_required
@require_http_methods(["GET", "POST"])
def certificate_create(request, employee_id):
    employee = employee_for_levels(request.user, employee_id)
    services.require_may_confirm(request.user, employee)
    form = CertificateForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.certificate_record(
                employee=employee,
                competency=data["competency"],
                level=data["level"],
                issued_on=data["issued_on"],
                valid_until=data["valid_until"],
                evidence=data["evidence"],
                note=data["note"],
                recorded_by=request.user,
            )
        except services.EvidenceInvalid as error:
            form.add_error("evidence", str(error))
        except services.AssessmentInvalid as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Certificate for %(competency)s recorded.") % {"competency": data["competency"].name},
            )
            return redirect(f"{reverse('competencies:employee_detail', args=[employee.pk])}#certificates")
    if request.method == "POST" and form.errors:
        messages.error(request, _("The certificate was not recorded; please correct the marked fields."))
    return render(request, "competencies/certificate_form.html", {"employee": employee, "form": form})


@login_required
def evidence_download(request, evidence_id):
    evidence = get_object_or_404(EvidenceFile.objects.select_related("employee"), pk=evidence_id)
    # Whoever may see the person's levels may see the evidence; anyone else learns nothing about it.
    employee_for_levels(request.user, evidence.employee_id)
    try:
        handle = evidence.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    audit.audit_record_view(actor=request.user, employee=evidence.employee, what=AuditEntry.Read.EVIDENCE)
    response = FileResponse(
        handle, as_attachment=True, filename=evidence.original_name, content_type=evidence.content_type
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _employee_for_hr(user, employee_id):
    employee = employee_for_levels(user, employee_id)
    if not is_hr_or_admin(user):
        raise PermissionDenied
    return employee


@login_required
def employee_history(request, employee_id):
    employee = _employee_for_hr(request.user, employee_id)
    return render(
        request,
        "competencies/employee_history.html",
        {
            "employee": employee,
            "entries": audit.employee_history(employee=employee),
            "assessments": audit.assessment_log(employee=employee),
            # Who read the person's levels is for administrators (SPEC: viewable by admins), not HR,
            # whose own reads are among them.
            "reads": audit.employee_reads(employee=employee) if is_admin(request.user) else None,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def employee_anonymise(request, employee_id):
    employee = _employee_for_hr(request.user, employee_id)
    form = AnonymiseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            privacy.employee_anonymise(employee=employee, user=request.user)
        except services.AssessmentInvalid as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The person has been anonymised; their levels remain as statistics."))
            return redirect("competencies:employee_detail", employee_id=employee.pk)
    return render(
        request,
        "competencies/employee_anonymise.html",
        {
            "employee": employee,
            "form": form,
            "has_left": not employee.is_active or employee.left_on is not None,
            "is_anonymised": privacy.is_anonymised(employee),
        },
    )
