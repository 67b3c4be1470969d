"""Pages of leader confirmation (per person, team queue, calibration) and of assessment campaigns."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods

from competencies.audit import audit_record_view
from competencies.forms import ReviewForm
from competencies.models import AuditEntry
from competencies.services import REVIEW_CONFIRM, AssessmentInvalid, assessments_review
from competencies.viewer import viewer_of

from .permissions import team_for_levels
from .review import selectors
from .review.forms import CampaignForm
from .review.permissions import campaign_for_viewing, employee_for_review, require_campaign_manager
from .review.services import CampaignInvalid, campaign_open, team_review_apply


def _bulk_confirm(rows, data):
    """Decisions confirming every waiting row whose self level equals the confirmed level, with the
    ``seen`` marks the page was rendered with (a row assessed again meanwhile is refused)."""
    decisions = {}
    for row in rows:
        if row["pending"] and row["unchanged"]:
            seen = data.get(f"{row['prefix']}-seen", "")
            decisions.setdefault(row["employee_id"], []).append(
                {
                    "competency_id": row["competency"].pk,
                    "action": REVIEW_CONFIRM,
                    "seen": int(seen) if seen.isdigit() else row["latest_id"],
                }
            )
    return decisions


def _decided_message(counts):
    texts = []
    if counts["confirmed"]:
        n = counts["confirmed"]
        texts.append(ngettext("%(n)s level confirmed", "%(n)s levels confirmed", n) % {"n": n})
    if counts["adjusted"]:
        n = counts["adjusted"]
        texts.append(ngettext("%(n)s level adjusted", "%(n)s levels adjusted", n) % {"n": n})
    if counts["discussion"]:
        n = counts["discussion"]
        texts.append(ngettext("%(n)s marked for discussion", "%(n)s marked for discussion", n) % {"n": n})
    if counts["skipped"]:
        n = counts["skipped"]
        texts.append(ngettext("%(n)s was already recorded", "%(n)s were already recorded", n) % {"n": n})
    return "; ".join(texts) + "." if texts else _("No decisions were chosen.")


def _handle_decisions(request, form, rows, apply):
    """Validate the posted decisions (or the bulk confirmation) and record them with ``apply``."""
    if request.POST.get("action") == "bulk_confirm":
        decisions = _bulk_confirm(rows, request.POST)
        if not decisions:
            messages.info(
                request, _("There are no waiting rows whose self level equals the confirmed level.")
            )
            return True
    elif form.is_valid():
        decisions = form.decisions()
        if not decisions:
            messages.info(request, _("No decisions were chosen."))
            return False
    else:
        messages.error(request, _("Please correct the marked rows; nothing was recorded."))
        return False
    try:
        counts = apply(decisions)
    except AssessmentInvalid as error:
        messages.error(request, str(error))
        return False
    messages.success(request, _decided_message(counts))
    return True


QUEUE_PAGE_ROWS = 80


def _pages(rows, limit=QUEUE_PAGE_ROWS):
    """The queue cut into pages of whole persons, about ``limit`` rows each (a long queue would make a
    slow page and an unwieldy form)."""
    pages, current = [], []
    for person in selectors.group_by_person(rows):
        if current and len(current) + len(person["rows"]) > limit:
            pages.append(current)
            current = []
        current.extend(person["rows"])
    if current:
        pages.append(current)
    return pages


def _page_number(request, count):
    value = request.GET.get("page", "1")
    number = int(value) if value.isdigit() else 1
    return min(max(number, 1), max(count, 1))


def _by_category(rows):
    groups = []
    for row in rows:
        category = row["competency"].category
        if not groups or groups[-1]["category"].pk != category.pk:
            groups.append({"category": category, "rows": []})
        groups[-1]["rows"].append(row)
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def review_member(request, employee_id):
    employee, own = employee_for_review(request.user, employee_id)
    viewer_of(request.user).know_employee(own)
    if request.method == "GET":  # a POST redirects to the page again, which records the read once
        audit_record_view(actor=request.user, employee=employee, what=AuditEntry.Read.REVIEW)
    today = timezone.localdate()
    rows = selectors.member_review_rows(employee=employee, on=today)
    form = ReviewForm(request.POST or None, rows=rows)
    if request.method == "POST":

        def apply(decisions):
            return assessments_review(
                employee=employee, user=request.user, decisions=decisions.get(employee.pk, []), on=today
            )

        if _handle_decisions(request, form, rows, apply):
            return redirect("teams:review_member", employee_id=employee.pk)
    states = list(form.row_states())
    pending = [row for row in states if row["pending"]]
    return render(
        request,
        "teams/review_member.html",
        {
            "employee": employee,
            "form": form,
            "pending_groups": _by_category(pending),
            "other_groups": _by_category([row for row in states if not row["pending"]]),
            "pending_count": len(pending),
            "unchanged_count": sum(1 for row in pending if row["unchanged"]),
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def review_queue(request, team_id):
    team = team_for_levels(request.user, team_id)
    today = timezone.localdate()
    members, own = selectors.team_members_with_viewer(team=team, user=request.user, on=today)
    viewer_of(request.user).know_employee(own)
    # One's own self-assessments are confirmed by one's own lead, not here.
    reviewable = [member for member in members if member.user_id is None or member.user_id != request.user.pk]
    pages = _pages(selectors.team_review_queue(team=team, members=reviewable, on=today))
    if request.method == "GET":
        audit_record_view(actor=request.user, team=team, what=AuditEntry.Read.TEAM_REVIEW)
    page = _page_number(request, len(pages))
    rows = pages[page - 1] if pages else []
    form = ReviewForm(request.POST or None, rows=rows)
    if request.method == "POST":

        def apply(decisions):
            return team_review_apply(team=team, user=request.user, decisions=decisions, on=today)

        if _handle_decisions(request, form, rows, apply):
            return redirect(f"{reverse('teams:review_queue', args=[team.pk])}?page={page}")
    states = list(form.row_states())
    return render(
        request,
        "teams/review_queue.html",
        {
            "team": team,
            "form": form,
            "people": selectors.group_by_person(states),
            "page": page,
            "page_count": len(pages),
            "pending_count": sum(len(rows) for rows in pages),
            "page_row_count": len(states),
            "unchanged_count": sum(1 for row in states if row["unchanged"]),
            "member_count": len(reviewable),
            "today": today,
        },
    )


@login_required
def review_calibration(request, team_id):
    team = team_for_levels(request.user, team_id)
    today = timezone.localdate()
    members, own = selectors.team_members_with_viewer(team=team, user=request.user, on=today)
    viewer_of(request.user).know_employee(own)
    audit_record_view(actor=request.user, team=team, what=AuditEntry.Read.CALIBRATION)
    return render(
        request,
        "teams/review_calibration.html",
        {
            "team": team,
            "calibration": selectors.team_calibration(team=team, members=members, on=today),
            "certificates": selectors.team_certificates_expiring(team=team, on=today),
            "today": today,
        },
    )


@login_required
def campaign_list(request):
    require_campaign_manager(request.user)
    today = timezone.localdate()
    campaigns = list(selectors.campaigns_visible(request.user).prefetch_related("teams"))
    return render(
        request,
        "teams/review_campaign_list.html",
        {
            "open_campaigns": [c for c in campaigns if c.opens_on <= today <= c.deadline],
            "upcoming_campaigns": [c for c in campaigns if c.opens_on > today],
            "past_campaigns": [c for c in campaigns if c.deadline < today],
            "today": today,
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def campaign_create(request):
    require_campaign_manager(request.user)
    form = CampaignForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = campaign_open(
                name=data["name"],
                teams=data["teams"],
                opens_on=data["opens_on"],
                deadline=data["deadline"],
                message=data["message"],
                user=request.user,
            )
        except CampaignInvalid as error:
            form.add_error(None, str(error))
        except PermissionDenied as error:
            form.add_error("teams", str(error))
        else:
            messages.success(request, _("Campaign “%(name)s” opened.") % {"name": campaign.name})
            return redirect("teams:campaign_detail", campaign_id=campaign.pk)
    return render(request, "teams/review_campaign_form.html", {"form": form})


@login_required
def campaign_detail(request, campaign_id):
    campaign = campaign_for_viewing(request.user, campaign_id)
    today = timezone.localdate()
    progress = selectors.campaign_progress(campaign=campaign, user=request.user, on=today)
    return render(
        request,
        "teams/review_campaign_detail.html",
        {
            "campaign": campaign,
            "progress": progress,
            "submitted": sum(team["submitted"] for team in progress),
            "total": sum(team["total"] for team in progress),
            "is_open": campaign.opens_on <= today <= campaign.deadline,
            "days_left": (campaign.deadline - today).days,
            "reminder_days": sorted(settings.SERVICELEAD_CAMPAIGN_REMINDER_DAYS, reverse=True),
            "today": today,
        },
    )
