"""Project-level pages that compose several apps (competencies must never import teams)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS
from django.db.models import Count, OuterRef, Subquery
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import check_for_language, ngettext
from django.utils.translation import gettext_lazy as _
from django.views import i18n as i18n_views
from django.views.decorators.http import require_POST

from competencies import directory
from competencies.models import Employee, Notification
from competencies.notifications import unread_count as unread_count_of
from competencies.roles import is_hr_or_admin
from competencies.selectors import account_language, effective_levels
from competencies.services import account_language_set
from competencies.todos import todo_context, todos_for
from competencies.viewer import viewer_of
from qualification.permissions import team_for_planning
from qualification.services import PlanStateError, plans_propose_drafts
from teams.gaps import cache
from teams.gaps.organisation import organisation_tree
from teams.gaps.report import team_summaries
from teams.models import Team
from teams.todos import department_overviews, own_campaigns

DIRECTORY_MESSAGES = {
    "unreachable": _(
        "The directory (LDAP) cannot be reached right now. Try again in a few minutes; administrators can "
        "sign in with their local break-glass account."
    ),
    "not_allowed": _(
        "Your directory account is not in the group allowed to use servicelead (%(group)s). Ask your "
        "administrator for access."
    ),
    "conflict": _(
        "Your directory account's personnel number or e-mail (%(key)s) belongs to another account. Sign-in "
        "was refused and the administrators have been told."
    ),
    "missing_attribute": _(
        "Your directory account has no %(attribute)s and no e-mail, so it cannot be linked to an employee."
    ),
}


def logout(request, *args, **kwargs):
    """Sign out; after an OpenID Connect sign-in, at the provider too (competencies.oidc)."""
    if (
        request.method == "POST"
        and settings.SERVICELEAD_OIDC_CLIENT_ID
        and request.session.get("oidc_id_token")
    ):
        from django.contrib.auth import logout as end_session

        from competencies.oidc import provider_logout_url, provider_name

        target = provider_logout_url(request)
        end_session(request)
        # A page, not a redirect: the content security policy's form-action keeps a form's redirects on this
        # site, so the way to the provider's sign-out is a link the page follows at once.
        return render(
            request, "registration/provider_logout.html", {"target": target, "name": provider_name()}
        )
    return auth_views.LogoutView.as_view()(request, *args, **kwargs)


class LoginView(auth_views.LoginView):
    """Django's login, plus the demo accounts hint on development machines (DEBUG only). Signing in
    switches to the language the person chose on their account (``set_language``), on any browser."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_demo_logins"] = settings.DEBUG
        context["oidc_name"] = None
        if settings.SERVICELEAD_OIDC_CLIENT_ID:
            from competencies.oidc import provider_name

            context["oidc_name"] = provider_name()
        return context

    def form_invalid(self, form):
        """A directory refusal says why (competencies.directory), instead of "wrong password"."""
        problem = directory.sign_in_problem(self.request)
        if problem is not None:
            code, params = problem
            form._errors[NON_FIELD_ERRORS] = form.error_class([DIRECTORY_MESSAGES[code] % params])  # noqa: SLF001
        return super().form_invalid(form)

    def form_valid(self, form):
        response = super().form_valid(form)
        language = account_language(user=form.get_user())
        if language:
            _set_language_cookie(response, language)
        return response


def _set_language_cookie(response, language):
    """The cookie django.views.i18n.set_language sets, with the same settings."""
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        language,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        path=settings.LANGUAGE_COOKIE_PATH,
        domain=settings.LANGUAGE_COOKIE_DOMAIN,
        secure=settings.LANGUAGE_COOKIE_SECURE,
        httponly=settings.LANGUAGE_COOKIE_HTTPONLY,
        samesite=settings.LANGUAGE_COOKIE_SAMESITE,
    )


def set_language(request):
    """Django's language switch (a cookie for this browser); signed in, the choice is kept on the account
    too, so it follows the person to every browser they sign in from."""
    response = i18n_views.set_language(request)
    language = request.POST.get(i18n_views.LANGUAGE_QUERY_PARAMETER, "")
    if (
        request.method == "POST"
        and request.user.is_authenticated
        and language in dict(settings.LANGUAGES)
        and check_for_language(language)
    ):
        account_language_set(user=request.user, language=language)
    return response


def _profile(context, employee, on):
    """The signed-in employee's summary: teams today (from the tree the to-dos read), how many
    competencies are assessed, interests and open campaigns."""
    names = context.facts.get("team_names", {})
    teams = sorted(
        (Team(pk=team_id, name=names[team_id]) for team_id in context.facts.get("held_team_ids", [])),
        key=lambda team: team.name,
    )
    levels = effective_levels(on=on, employee_ids=[employee.pk])
    return {
        "employee": employee,
        "teams": teams,
        "assessed": len(levels),
        "unconfirmed": int((~levels["confirmed"]).sum()),
        "interests": employee.interest_count,
        "campaigns": own_campaigns(context),
    }


def _lead_summaries(context, on):
    """A card per team the user leads; a team with teams below it shows its department's roll-up (the
    figures of teams.gaps.department, as the department page and gap_report show them) and links there."""
    names = context.facts.get("team_names", {})
    tree = context.facts.get("tree")
    teams = [
        Team(pk=team_id, name=names[team_id], parent_id=tree.parent(team_id))
        for team_id in context.facts.get("led_team_ids", [])
    ]
    departments = department_overviews(context)
    summaries = []
    for summary in team_summaries(teams=teams, on=on):
        team = summary["team"]
        summary["parent_name"] = names.get(team.parent_id) if team.parent_id else None
        overview = departments.get(team.pk)
        if overview is not None:
            # Coverage: the report's roll-up already, the number gap_report prints (rounded alike).
            summary.update(overview["figures"])
            summary["is_department"] = True
            summary["subtree_teams"] = len(overview["children"])
        summaries.append(summary)
    return sorted(summaries, key=lambda s: s["team"].name)


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()
    unread = (
        Notification.objects.filter(recipient_id=OuterRef("user_id"), read_at__isnull=True)
        .order_by()
        .values("recipient_id")
        .annotate(count=Count("id"))
        .values("count")
    )
    employee = (
        Employee.objects.select_related("role_profile")
        .annotate(interest_count=Count("interest_set"), unread=Subquery(unread))
        .filter(user=user)
        .first()
    )
    viewer_of(user).know_employee(employee)
    context = todo_context(user=user, on=today, employee=employee)
    todos = todos_for(context)
    # The navigation asks whether the user leads a team; it is answered already.
    viewer_of(user).know_is_lead(bool(context.facts.get("led_team_ids")))
    lead_summaries = _lead_summaries(context, today)
    profile = _profile(context, employee, today) if employee is not None else None

    organisation, organisation_key = (
        organisation_tree(on=today, with_key=True) if is_hr_or_admin(user) else (None, None)
    )
    unread_count = (employee.unread or 0) if employee is not None else unread_count_of(user)

    return render(
        request,
        "home.html",
        {
            "today": today,
            "todos": [(TODO_SECTIONS[role], _shown(items)) for role, items in todos.items()],
            "nav_counts": {
                "todo_count": sum(len(items) for items in todos.values()),
                "unread_count": unread_count,
            },
            "lead_summaries": lead_summaries,
            "is_lead": bool(lead_summaries),
            "profile": profile,
            "organisation": organisation,
            # The organisation table is the same for everyone while the data is: a cached fragment.
            "organisation_key": organisation_key,
            "organisation_seconds": cache.timeout() if organisation_key else 0,
        },
    )


TODOS_SHOWN_PER_KIND = 5


def _shown(items):
    """The items of one section, at most TODOS_SHOWN_PER_KIND of each kind; the rest as one "and N more"
    line per kind (the navigation's count still counts them all)."""
    shown, hidden = [], {}
    per_kind = {}
    for item in items:
        per_kind[item.kind] = per_kind.get(item.kind, 0) + 1
        if per_kind[item.kind] <= TODOS_SHOWN_PER_KIND:
            shown.append({"item": item})
        else:
            hidden[item.kind] = hidden.get(item.kind, 0) + 1
            if hidden[item.kind] == 1:
                shown.append({"more_of": item.kind})
    for entry in shown:
        if "more_of" in entry:
            entry["more"] = hidden[entry["more_of"]]
    return shown


TODO_SECTIONS = {
    "employee": _("For me"),
    "lead": _("For my teams"),
    "head": _("For my department"),
    "hr": _("For HR"),
}


@login_required
@require_POST
def propose_drafts(request):
    """ "Propose all" of a to-do: every draft plan listed for a team and period, in one transaction. A stale
    list (a plan proposed or regenerated meanwhile) is refused with a message, never a 500."""
    try:
        team = team_for_planning(request.user, request.POST.get("team", ""))
    except (ValueError, TypeError):
        raise Http404 from None
    period = request.POST.get("period", "")
    plan_ids = [int(raw) for raw in request.POST.get("plans", "").split(",") if raw.strip().isdigit()]
    try:
        proposed = plans_propose_drafts(team=team, period=period, plan_ids=plan_ids, by=request.user)
    except PlanStateError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            ngettext(
                "%(count)s plan of %(team)s for %(period)s was proposed; the people can now accept it.",
                "%(count)s plans of %(team)s for %(period)s were proposed; the people can now accept them.",
                len(proposed),
            )
            % {"count": len(proposed), "team": team.name, "period": period},
        )
    return redirect(f"{reverse('home')}#todos")
