"""Project-level pages that compose several apps (competencies must never import teams)."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import check_for_language
from django.views import i18n as i18n_views

from competencies.models import Employee
from competencies.roles import is_hr_or_admin
from competencies.selectors import account_language, effective_levels
from competencies.services import account_language_set
from competencies.viewer import viewer_of
from teams.gaps import cache
from teams.gaps.organisation import organisation_tree
from teams.gaps.report import team_summaries
from teams.review.selectors import campaigns_open_for_employee
from teams.selectors import memberships_active


class LoginView(auth_views.LoginView):
    """Django's login, plus the demo accounts hint on development machines (DEBUG only). Signing in
    switches to the language the person chose on their account (``set_language``), on any browser."""

    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["show_demo_logins"] = settings.DEBUG
        return context

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


def _profile(employee, on):
    """The signed-in employee's summary: teams today and how many competencies are assessed."""
    memberships = (
        memberships_active(on=on).filter(employee=employee).select_related("team").order_by("team__name")
    )
    levels = effective_levels(on=on, employee_ids=[employee.pk])
    return {
        "employee": employee,
        "teams": [membership.team for membership in memberships],
        "assessed": len(levels),
        "unconfirmed": int((~levels["confirmed"]).sum()),
        "interests": employee.interest_set.count(),
        "campaigns": campaigns_open_for_employee(employee=employee, on=on),
    }


@login_required
def home(request):
    user = request.user
    today = timezone.localdate()

    led_teams = list(user.led_teams.select_related("parent").order_by("name"))
    # The navigation asks whether the user leads a team; it is answered already.
    viewer_of(user).know_is_lead(bool(led_teams))
    lead_summaries = sorted(team_summaries(teams=led_teams, on=today), key=lambda s: s["team"].name)

    employee = Employee.objects.select_related("role_profile").filter(user=user).first()
    profile = _profile(employee, today) if employee is not None else None

    organisation, organisation_key = (
        organisation_tree(on=today, with_key=True) if is_hr_or_admin(user) else (None, None)
    )

    return render(
        request,
        "home.html",
        {
            "today": today,
            "lead_summaries": lead_summaries,
            "is_lead": bool(led_teams),
            "profile": profile,
            "organisation": organisation,
            # The organisation table is the same for everyone while the data is: a cached fragment.
            "organisation_key": organisation_key,
            "organisation_seconds": cache.timeout() if organisation_key else 0,
        },
    )
