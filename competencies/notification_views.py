"""Pages of notifications: the list (mark read), the e-mail settings per kind, the signed "turn off" link
and the navigation's badge (loaded by htmx, so that no other page pays for its queries)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from . import notifications
from .models import Notification, NotificationPreference
from .todos import todo_context, todos_for


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(label=gettext_lazy("Language of e-mails"), choices=settings.LANGUAGES)

    def __init__(self, *args, preference, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["language"].initial = preference.language
        self.kind_fields = []
        for kind in notifications.kinds():
            name = f"kind_{kind.name}"
            self.fields[name] = forms.ChoiceField(
                label=kind.label,
                choices=NotificationPreference.Mode.choices,
                initial=preference.mode(kind.name),
                widget=forms.RadioSelect,
            )
            self.kind_fields.append(name)

    def modes(self):
        return {name.removeprefix("kind_"): self.cleaned_data[name] for name in self.kind_fields}


@login_required
def notification_list(request):
    return render(
        request,
        "notifications/list.html",
        {
            "rows": [
                {"notification": n, "text": notifications.text_of(n)}
                for n in notifications.notifications_page(user=request.user)
            ],
        },
    )


@login_required
def open_notification(request, notification_id):
    """Follow a notification's link, marking it read (only the recipient's own; 404 otherwise)."""
    notification = get_object_or_404(Notification, pk=notification_id, recipient=request.user)
    notifications.notifications_mark_read(user=request.user, ids=[notification.pk])
    return redirect(notification.url)


@login_required
@require_POST
def mark_read(request):
    raw = request.POST.get("id")
    ids = None if raw in (None, "", "all") else [int(raw)] if raw.isdigit() else []
    notifications.notifications_mark_read(user=request.user, ids=ids)
    target = request.POST.get("next")
    if target and target.startswith("/") and not target.startswith("//"):
        return redirect(target)
    return redirect("notifications:list")


@login_required
def preference_settings(request):
    preference = notifications.preference_of(request.user)
    form = PreferenceForm(request.POST or None, preference=preference)
    if request.method == "POST" and form.is_valid():
        notifications.notification_preference_set(
            user=request.user, language=form.cleaned_data["language"], modes=form.modes()
        )
        messages.success(request, _("Your notification settings were saved."))
        return redirect("notifications:settings")
    return render(
        request,
        "notifications/settings.html",
        {"form": form, "kind_fields": [form[name] for name in form.kind_fields]},
    )


def turn_off(request, token):
    """The signed link in every mail: GET asks, POST turns the kind off; used again: "already off"."""
    found = notifications.unsubscribe_read(token)
    if found is None:
        return render(request, "notifications/off.html", {"invalid": True}, status=400)
    user, kind = found
    label = notifications.hooks.todo_kinds()[kind].label
    already = notifications.preference_of(user).mode(kind) == NotificationPreference.Mode.OFF
    done = False
    if request.method == "POST" and not already:
        done = notifications.notification_kind_off(user=user, kind=kind)
        already = not done
    return render(request, "notifications/off.html", {"label": label, "already": already, "done": done})


@login_required
def nav_counts(request):
    """The bell's unread count and the number of to-dos, for the navigation (htmx fragment)."""
    context = todo_context(user=request.user)
    count = sum(len(items) for items in todos_for(context).values())
    return render(
        request,
        "notifications/_nav_counts.html",
        {"todo_count": count, "unread_count": notifications.unread_count(request.user)},
    )
