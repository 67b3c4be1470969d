"""Staffing requests: send one from a staffing hint, answer one, close one, list them (teams.staffing)."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from competencies.permissions import visible_employees
from competencies.roles import is_hr_or_admin

from . import staffing
from .gaps import team as gaps_team
from .permissions import team_for_levels


class RequestForm(forms.Form):
    competency = forms.IntegerField(min_value=1)
    level = forms.IntegerField(min_value=1, max_value=10)
    message = forms.CharField(
        label=gettext_lazy("Message"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class AnswerForm(forms.Form):
    text = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=gettext_lazy("Who could help, when, or why no one can. The requesting lead reads it."),
    )


@login_required
@require_POST
def request_send(request, team_id):
    team = team_for_levels(request.user, team_id)
    form = RequestForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, _("The request could not be sent: %(errors)s") % {"errors": form.errors.as_text()}
        )
        return redirect("teams:dashboard", team.pk)
    try:
        sent = staffing.staffing_request_send(
            user=request.user,
            team=team,
            competency_id=form.cleaned_data["competency"],
            required_level=form.cleaned_data["level"],
            message=form.cleaned_data["message"],
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("teams:dashboard", team.pk)
    messages.success(
        request,
        _("Your request was sent to %(to)s. Their answer will appear on your to-dos.")
        % {"to": sent.addressed_to.name if sent.addressed_to else _("HR")},
    )
    return redirect("teams:staffing_request", sent.pk)


@login_required
def request_detail(request, pk):
    item = staffing.request_for_user(request.user, pk)
    can_answer = staffing.may_answer(request.user, item)
    status = staffing.status_of(item)
    form = AnswerForm(request.POST or None) if can_answer and status == "open" else None
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "close":
                staffing.staffing_request_close(user=request.user, request=item)
                messages.success(request, _("The request is closed."))
                return redirect("teams:staffing_requests")
            if action == "answer" and can_answer:
                if form is None:
                    raise ValidationError(_("This request has already been answered; the answer stands."))
                if form.is_valid():
                    staffing.staffing_request_answer(
                        user=request.user, request=item, text=form.cleaned_data["text"]
                    )
                    messages.success(request, _("Your answer was sent."))
                    return redirect("teams:staffing_request", item.pk)
            elif action not in ("answer", "close"):
                raise ValidationError(_("Unknown action."))
            elif not can_answer:
                raise PermissionDenied
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("teams:staffing_request", item.pk)
    candidates = []
    if can_answer:
        # Those who answer see names: the people they may see who hold the level, least missed first.
        visible = (
            None
            if is_hr_or_admin(request.user)
            else set(visible_employees(request.user).values_list("id", flat=True))
        )
        hints = gaps_team.staffing_hints(
            team=item.team,
            on=timezone.localdate(),
            candidate_ids=visible,
            competency_ids=[item.competency_id],
            limit=10,
        )
        candidates = next((h["candidates"] for h in hints if h["required_level"] == item.required_level), [])
    return render(
        request,
        "teams/staffing_request.html",
        {
            "item": item,
            "status": status,
            "can_answer": can_answer,
            "is_requester": item.team_id in staffing.led_team_ids(request.user),
            "form": form,
            "candidates": candidates,
        },
    )


@login_required
def request_list(request):
    if not staffing.led_team_ids(request.user) and not is_hr_or_admin(request.user):
        raise PermissionDenied
    found = staffing.requests_of(request.user)
    return render(request, "teams/staffing_requests.html", found)
