"""Login throttling with django-axes (configured in settings.base): the address failures are counted for,
and the page a locked-out person sees."""

import math

from axes.helpers import get_client_username, get_cool_off
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.shortcuts import render
from django.utils.translation import ngettext


def client_ip(request):
    """The client's address: REMOTE_ADDR, or behind ``SERVICELEAD_TRUSTED_PROXIES`` proxies that each append
    the address they saw to X-Forwarded-For, the address the outermost proxy saw (anything further left
    came from the client and may be forged)."""
    proxies = settings.SERVICELEAD_TRUSTED_PROXIES
    if proxies:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        forwarded = [address for address in forwarded if address]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again, with HTTP 429 and how long to wait (axes' ``AXES_LOCKOUT_CALLABLE``).

    Every attempt during a lockout starts the cool-off again, so the wait is the whole cool-off."""
    minutes = math.ceil(get_cool_off(request).total_seconds() / 60)
    username = get_client_username(request, credentials) or ""
    context = {
        # Unbound: validating the posted form would try the password once more.
        "form": AuthenticationForm(request, initial={"username": username}),
        "next": request.POST.get("next") or request.GET.get("next", ""),
        "locked_out_message": ngettext(
            "Too many failed login attempts. Try again in %(minutes)s minute.",
            "Too many failed login attempts. Try again in %(minutes)s minutes.",
            minutes,
        )
        % {"minutes": minutes},
    }
    return render(request, "registration/login.html", context, status=settings.AXES_HTTP_RESPONSE_CODE)
