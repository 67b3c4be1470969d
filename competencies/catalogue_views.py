"""The catalogue pages for HR: the competency list (search, pagination, retire, merge), merges to undo
or confirm, ESCO skills (upload, search, adopt), and proposals (everyone proposes, HR decides); and the
competency search the self-assessment page asks as the person types."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import catalogue_sheet as catalogue_sheet_module
from . import esco, governance, proposals
from .catalogue_forms import (
    CatalogueFilterForm,
    EscoAdoptForm,
    EscoUploadForm,
    ProposalDecisionForm,
    ProposalForm,
)
from .imports.problems import ImportRejected
from .models import Competency, CompetencyMerge, CompetencyProposal, Employee, EscoSkill
from .roles import is_hr_or_admin

PER_PAGE = 50
SEARCH_SHOWN = 20


def _require_hr(user):
    if not is_hr_or_admin(user):
        raise PermissionDenied


def _errors(error: ValidationError) -> str:
    return " ".join(error.messages)


@login_required
@require_GET
def catalogue_list(request):
    _require_hr(request.user)
    form = CatalogueFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    competencies = governance.catalogue_competencies(
        query=filters.get("q") or "",
        category=filters.get("category"),
        status=filters.get("status") or "active",
    )
    page = Paginator(competencies, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "catalogue/list.html",
        {
            "form": form,
            "page": page,
            "query_string": query.urlencode(),
            "pending_merges": CompetencyMerge.objects.filter(status=CompetencyMerge.Status.PENDING)
            .select_related("source", "target")
            .order_by("-created_at")[:20],
            "open_proposals": proposals.open_proposals().count(),
            "esco_skills": EscoSkill.objects.count(),
        },
    )


@login_required
@require_POST
def competency_retire(request, competency_id):
    _require_hr(request.user)
    competency = get_object_or_404(Competency, pk=competency_id)
    governance.competency_retire(competency=competency, actor=request.user)
    messages.success(
        request,
        _("“%(name)s” is retired: no new ratings or requirements; its history stays.")
        % {"name": competency.name},
    )
    return redirect(
        request.POST.get("next")
        if request.POST.get("next", "").startswith("/catalogue/")
        else "catalogue:list"
    )


@login_required
@require_POST
def competency_reinstate(request, competency_id):
    _require_hr(request.user)
    competency = get_object_or_404(Competency, pk=competency_id)
    try:
        governance.competency_reinstate(competency=competency, actor=request.user)
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        messages.success(request, _("“%(name)s” is in use again.") % {"name": competency.name})
    return redirect("catalogue:list")


@login_required
@require_http_methods(["GET", "POST"])
def competency_merge(request, competency_id):
    _require_hr(request.user)
    source = get_object_or_404(Competency.objects.select_related("category", "scale"), pk=competency_id)
    if request.method == "POST":
        target_id = request.POST.get("target", "")
        target = Competency.objects.filter(pk=int(target_id)).first() if target_id.isdigit() else None
        if target is None:
            messages.error(request, _("Choose the competency to keep."))
        else:
            try:
                merge = governance.competency_merge(source=source, target=target, actor=request.user)
            except ValidationError as error:
                messages.error(request, _errors(error))
            else:
                messages.success(
                    request,
                    _("“%(source)s” is merged into “%(target)s”. Check the result, then confirm or undo.")
                    % {"source": source.name, "target": target.name},
                )
                return redirect("catalogue:merge_detail", merge_id=merge.pk)
    query = request.GET.get("q", "").strip()[:100]
    if query:
        found = [
            {"competency": c, "score": None, "exact": False}
            for c in governance.active_competencies()
            .filter(Q(name__icontains=query), scale_id=source.scale_id)
            .exclude(pk=source.pk)
            .select_related("category")[:SEARCH_SHOWN]
        ]
    else:
        found = governance.duplicate_candidates([source.name], exclude=[source.pk], limit=10)
    return render(
        request,
        "catalogue/merge.html",
        {"source": source, "candidates": found, "query": query, "usage": governance.usage(source)},
    )


@login_required
@require_GET
def merge_detail(request, merge_id):
    _require_hr(request.user)
    merge = get_object_or_404(
        CompetencyMerge.objects.select_related("source", "target", "created_by"), pk=merge_id
    )
    return render(
        request,
        "catalogue/merge_detail.html",
        {
            "merge": merge,
            "summary": governance.merge_summary(merge),
            "removed": governance.merge_removed_summary(merge),
        },
    )


@login_required
@require_POST
def merge_decide(request, merge_id, decision):
    _require_hr(request.user)
    merge = get_object_or_404(CompetencyMerge, pk=merge_id)
    try:
        if decision == "undo":
            governance.merge_undo(merge=merge, actor=request.user)
            messages.success(request, _("The merge is undone: everything is back where it was."))
        else:
            governance.merge_confirm(merge=merge, actor=request.user)
            messages.success(request, _("The merge is confirmed."))
    except ValidationError as error:
        messages.error(request, _errors(error))
    return redirect("catalogue:merge_detail", merge_id=merge.pk)


# --- ESCO --------------------------------------------------------------------------------------------------


@login_required
@require_GET
def esco_page(request):
    _require_hr(request.user)
    query = request.GET.get("q", "").strip()[:100]
    skills = list(esco.search_skills(query)) if query else []
    adopted = esco.adopted_by_uri(skill.uri for skill in skills)
    rows = [{"skill": skill, "adopted": adopted.get(skill.uri)} for skill in skills]
    return render(
        request,
        "catalogue/esco.html",
        {
            "upload_form": EscoUploadForm(),
            "adopt_form": EscoAdoptForm(),
            "query": query,
            "rows": rows,
            "staged": EscoSkill.objects.count(),
            "versions": sorted(set(EscoSkill.objects.values_list("version", flat=True).distinct()) - {""}),
            "search_limit": esco.SEARCH_LIMIT,
        },
    )


@login_required
@require_POST
def esco_upload(request):
    _require_hr(request.user)
    form = EscoUploadForm(request.POST, request.FILES)
    report = None
    if form.is_valid():
        pairs = [(form.cleaned_data["file_1"], form.cleaned_data["language_1"])]
        if form.cleaned_data.get("file_2"):
            pairs.append((form.cleaned_data["file_2"], form.cleaned_data["language_2"]))
        try:
            read = [
                esco.read_file(
                    data=upload.read(esco.max_bytes() + 1), filename=upload.name, language=language
                )
                for upload, language in pairs
            ]
        except esco.EscoFileInvalid as error:
            form.add_error(None, _("Nothing was imported. %(reason)s") % {"reason": error.message})
        else:
            report = esco.import_esco(files=read, version=form.cleaned_data["version"])
    return render(
        request,
        "catalogue/esco.html",
        {
            "upload_form": form,
            "adopt_form": EscoAdoptForm(),
            "report": report,
            "query": "",
            "rows": [],
            "staged": EscoSkill.objects.count(),
            "search_limit": esco.SEARCH_LIMIT,
        },
        status=200 if form.is_valid() else 400,
    )


@login_required
@require_POST
def esco_adopt(request):
    _require_hr(request.user)
    uris = request.POST.getlist("uris")
    form = EscoAdoptForm(request.POST, uris=uris)
    if not form.is_valid():
        for errors in form.errors.values():
            messages.error(request, " ".join(errors))
        return redirect(_esco_url(request))
    try:
        report = esco.adopt_skills(
            uris=uris, category=form.cleaned_data["category"], scale=form.cleaned_data["scale"]
        )
    except ValidationError as error:
        messages.error(request, _errors(error))
    else:
        if report.created:
            messages.success(
                request,
                ngettext(
                    "%(count)s skill adopted into %(category)s.",
                    "%(count)s skills adopted into %(category)s.",
                    len(report.created),
                )
                % {"count": len(report.created), "category": form.cleaned_data["category"].name},
            )
        for competency in report.already:
            messages.info(request, _("“%(name)s” was adopted before.") % {"name": competency.name})
        for problem in report.problems:
            messages.warning(request, problem)
    return redirect(_esco_url(request))


def _esco_url(request):
    return f"{reverse('catalogue:esco')}?{urlencode({'q': request.POST.get('q', '')[:100]})}"


# --- Proposals ---------------------------------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def propose(request):
    if not Employee.objects.filter(user=request.user, is_active=True).exists() and not is_hr_or_admin(
        request.user
    ):
        raise PermissionDenied
    form = ProposalForm(request.POST or None)
    candidates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        candidates = governance.duplicate_candidates([data["name"]])
        exact = proposals.existing_named(data["name"])
        if exact is None and candidates and not data["confirm"]:
            messages.warning(request, _("Similar competencies exist: is one of them what you mean?"))
        else:
            try:
                proposals.proposal_create(
                    user=request.user,
                    name=data["name"],
                    description=data["description"],
                    justification=data["justification"],
                )
            except ValidationError as error:
                for field, errors in error.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request, _("Thank you: HR will decide on “%(name)s”.") % {"name": data["name"]}
                )
                return redirect("catalogue:propose")
    return render(
        request,
        "catalogue/propose.html",
        {"form": form, "candidates": candidates, "mine": proposals.proposals_of(request.user)[:50]},
    )


@login_required
@require_GET
def proposal_list(request):
    _require_hr(request.user)
    status = request.GET.get("status", CompetencyProposal.Status.OPEN)
    if status not in CompetencyProposal.Status.values:
        status = CompetencyProposal.Status.OPEN
    rows = CompetencyProposal.objects.filter(status=status).select_related("proposed_by", "competency")
    page = Paginator(rows.order_by("created_at", "id"), PER_PAGE).get_page(request.GET.get("page"))
    return render(
        request,
        "catalogue/proposals.html",
        {"page": page, "status": status, "statuses": CompetencyProposal.Status.choices},
    )


@login_required
@require_http_methods(["GET", "POST"])
def proposal_detail(request, proposal_id):
    _require_hr(request.user)
    proposal = get_object_or_404(
        CompetencyProposal.objects.select_related("proposed_by", "competency"), pk=proposal_id
    )
    form = ProposalDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["decision"] == "accept":
                proposals.proposal_accept(
                    proposal=proposal, category=data["category"], scale=data["scale"], actor=request.user
                )
            elif data["decision"] == "merge":
                proposals.proposal_merge(proposal=proposal, competency=data["competency"], actor=request.user)
            else:
                proposals.proposal_decline(proposal=proposal, reason=data["reason"], actor=request.user)
        except ValidationError as error:
            form.add_error(None, _errors(error))
        else:
            messages.success(request, _("Decided; the proposer is told on their to-do list."))
            return redirect("catalogue:proposals")
    return render(
        request,
        "catalogue/proposal_detail.html",
        {
            "proposal": proposal,
            "form": form,
            "candidates": _proposal_candidates(proposal, request.GET.get("q", "").strip()[:100]),
            "query": request.GET.get("q", "").strip()[:100],
        },
    )


def _proposal_candidates(proposal, query):
    """Existing competencies to merge the proposal into: those HR searched for, else similar names."""
    if query:
        return [{"competency": c, "score": None} for c in governance.search_active(query, limit=SEARCH_SHOWN)]
    return governance.duplicate_candidates([proposal.name], limit=8)


# --- Search for the self-assessment page -----------------------------------------------------------------


@login_required
@require_GET
def competency_search(request):
    """Competencies in use whose name contains what the person typed (htmx partial)."""
    # ``add_q`` is the self-assessment page's field, sent as typed.
    query = (request.GET.get("q") or request.GET.get("add_q") or "").strip()[:100]
    found = governance.search_active(query, limit=SEARCH_SHOWN) if len(query) >= 2 else []
    if request.GET.get("exclude"):
        excluded = {int(pk) for pk in request.GET["exclude"].split(",") if pk.isdigit()}
        found = [c for c in found if c.pk not in excluded]
    return render(request, "catalogue/_search_results.html", {"found": found, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def catalogue_sheet(request):
    """The catalogue as a spreadsheet with a column per language: download it, or upload it back."""
    _require_hr(request.user)
    fmt = request.GET.get("format")
    if request.method == "GET" and fmt is not None:
        if fmt not in catalogue_sheet_module.FORMATS:
            return HttpResponseBadRequest(_("Choose the format xlsx or csv."))
        response = HttpResponse(
            catalogue_sheet_module.catalogue_export(fmt),
            content_type="text/csv; charset=utf-8"
            if fmt == "csv"
            else "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
        response["Content-Disposition"] = f'attachment; filename="catalogue.{fmt}"'
        return response
    result = None
    if request.method == "POST":
        upload = request.FILES.get("file")
        if upload is None:
            messages.error(request, _("Choose a file."))
        else:
            try:
                result = catalogue_sheet_module.catalogue_import(
                    data=upload.read(), filename=upload.name, dry_run=bool(request.POST.get("dry_run"))
                )
            except ImportRejected as rejection:
                messages.error(request, " ".join(problem.message for problem in rejection.problems))
            else:
                if not result.problems:
                    messages.success(
                        request,
                        _("%(created)s new, %(updated)s changed, %(unchanged)s unchanged.")
                        % {
                            "created": result.created,
                            "updated": result.updated,
                            "unchanged": result.unchanged,
                        }
                        + (
                            ""
                            if not request.POST.get("dry_run")
                            else " " + _("Checked only: nothing was written.")
                        ),
                    )
                    return redirect("catalogue:sheet")
    return render(
        request,
        "catalogue/sheet.html",
        {
            "result": result,
            "columns": catalogue_sheet_module.columns(),
            "formats": catalogue_sheet_module.FORMATS,
        },
    )
