"""Sign-in with OpenID Connect (issue #16), with mozilla-django-oidc: Keycloak, Microsoft Entra ID or any
provider, configured by environment only (``SERVICELEAD_OIDC_*``, README); off unless
``SERVICELEAD_OIDC_CLIENT_ID`` is set.

The authorisation code flow with PKCE (S256); the ID token is checked against the provider's JWKS (RS256),
and beyond mozilla-django-oidc's signature and nonce checks also its issuer, audience and expiry. On every
sign-in the account is provisioned like a directory sign-in (``competencies.directory``): name and e-mail
from the claims, the employee linked by the personnel-number claim (else the e-mail), HR and Admin roles by
the groups claim, refused with a message outside the allowed group, for a missing claim, or when the
personnel number belongs to another login (reported to the administrators). Signing out ends the session
at the provider as well.

While a session lasts it is re-checked at the provider every ``SERVICELEAD_OIDC_RECHECK_SECONDS``
(``OIDCSessionRefresh``, mozilla-django-oidc's silent re-authentication with ``prompt=none``): a person whose
account was disabled or removed, whose session at the provider ended, or who left the allowed group is
signed out at that request with a message; their roles follow the groups. Sessions signed in with a local
password (break-glass) are never sent to the provider. While the provider cannot be reached, sessions stay
and the check is tried again a minute later."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import auth, messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, resolve_url
from django.utils.deprecation import MiddlewareMixin
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend
from mozilla_django_oidc.middleware import SessionRefresh
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView

from . import directory

logger = logging.getLogger("servicelead.oidc")


def enabled() -> bool:
    return bool(getattr(settings, "SERVICELEAD_OIDC_CLIENT_ID", ""))


def provider_name() -> str:
    return getattr(settings, "SERVICELEAD_OIDC_NAME", "") or "OpenID Connect"


def _claim(claims: dict[str, Any], name: str) -> Any:
    return claims.get(name)


class OIDCBackend(OIDCAuthenticationBackend):
    """mozilla-django-oidc's backend with the product's token checks, provisioning and refusals."""

    def verify_token(self, token: str, **kwargs: Any) -> Any:
        try:
            payload = super().verify_token(token, **kwargs)
        except jwt.PyJWTError as error:  # expired, malformed: refused like a bad signature
            logger.warning("OIDC ID token refused: %s", type(error).__name__)
            raise SuspiciousOperation(f"ID token refused: {type(error).__name__}") from None
        except SuspiciousOperation as error:
            logger.warning("OIDC ID token refused: %s", error)
            raise
        audience = payload.get("aud")
        audiences = audience if isinstance(audience, list) else [audience]
        problems = []
        if settings.OIDC_RP_CLIENT_ID not in audiences:
            problems.append("audience")
        issuer = getattr(settings, "SERVICELEAD_OIDC_ISSUER", "")
        if issuer and payload.get("iss") != issuer:
            problems.append("issuer")
        if float(payload.get("exp", 0)) < time.time():
            problems.append("expired")
        if problems:
            logger.warning("OIDC ID token refused: %s", ", ".join(problems))
            raise SuspiciousOperation(f"ID token refused: {', '.join(problems)}")
        return payload

    def get_username(self, claims: dict[str, Any]) -> str:
        name = _claim(claims, settings.SERVICELEAD_OIDC_USERNAME_CLAIM) or claims["sub"]
        return str(name)[:150]

    def filter_users_by_claims(self, claims: dict[str, Any]) -> Any:
        return self.UserModel.objects.filter(username=self.get_username(claims))

    def get_or_create_user(self, access_token: str, id_token: str, payload: Any) -> Any:
        claims = self.get_userinfo(access_token, id_token, payload)
        refusal = self._refusal(claims)
        if refusal:
            messages.error(self.request, refusal)
            return None
        with transaction.atomic():
            users = list(self.filter_users_by_claims(claims))
            user = users[0] if users else self.UserModel.objects.create_user(self.get_username(claims))
            user.first_name = str(claims.get("given_name") or "")[:150]
            user.last_name = str(claims.get("family_name") or "")[:150]
            user.email = str(claims.get("email") or "")
            if user.has_usable_password():
                # Once (a new unusable hash at every sign-in would end the session the re-check renews).
                user.set_unusable_password()
            user.save()
            key = str(_claim(claims, settings.SERVICELEAD_OIDC_LINK_CLAIM) or "").strip()
            if not directory.link_employee(user, key, self.request):
                transaction.set_rollback(True)
                messages.error(
                    self.request,
                    _(
                        "Your account's personnel number or e-mail (%(key)s) belongs to another account. "
                        "Sign-in was refused and the administrators have been told."
                    )
                    % {"key": key or user.email},
                )
                return None
            directory.apply_roles(
                user,
                set(self._groups(claims)),
                hr_group=settings.SERVICELEAD_OIDC_HR_GROUP,
                admin_group=settings.SERVICELEAD_OIDC_ADMIN_GROUP,
            )
        return user

    def _groups(self, claims: dict[str, Any]) -> list[str]:
        groups = _claim(claims, settings.SERVICELEAD_OIDC_GROUPS_CLAIM) or []
        return [str(group) for group in groups] if isinstance(groups, list) else [str(groups)]

    def _refusal(self, claims: dict[str, Any]) -> str | None:
        link = settings.SERVICELEAD_OIDC_LINK_CLAIM
        if not claims.get(link) and not claims.get("email"):
            return _(
                "The provider did not send the claim “%(claim)s” (nor an e-mail): sign-in is not possible."
            ) % {"claim": link}
        allowed = settings.SERVICELEAD_OIDC_ALLOWED_GROUP
        if allowed and allowed.lower() not in {group.lower() for group in self._groups(claims)}:
            logger.info("OIDC sign-in refused: %s is not in the allowed group", self.get_username(claims))
            return _(
                "Your account is not in the group allowed to use servicelead (%(group)s). Ask your "
                "administrator for access."
            ) % {"group": allowed}
        return None


def provider_answers() -> bool:
    """Whether the provider's JWKS answers within SERVICELEAD_OIDC_TIMEOUT seconds."""
    try:
        requests.get(
            settings.OIDC_OP_JWKS_ENDPOINT, timeout=settings.SERVICELEAD_OIDC_TIMEOUT
        ).raise_for_status()
    except requests.RequestException:
        logger.warning("OIDC provider unreachable at %s", settings.OIDC_OP_JWKS_ENDPOINT)
        return False
    return True


def start(request: Any) -> Any:
    """ "Sign in with …": checks that the provider answers (within a few seconds), then starts the flow;
    a provider that is down is named on the sign-in page, where local break-glass accounts still work."""
    if not provider_answers():
        messages.error(
            request,
            _(
                "%(name)s cannot be reached right now. Try again in a few minutes; administrators can sign "
                "in with their local break-glass account."
            )
            % {"name": provider_name()},
        )
        return redirect(settings.LOGIN_URL)
    return redirect("oidc_authentication_init")


def provider_logout_url(request: Any) -> str:
    """Where signing out continues: the provider's end-session endpoint, so both sessions end."""
    endpoint = getattr(settings, "SERVICELEAD_OIDC_LOGOUT_ENDPOINT", "")
    id_token = request.session.get("oidc_id_token")
    if not endpoint or not id_token:
        return resolve_url(settings.LOGOUT_REDIRECT_URL)
    target = request.build_absolute_uri(resolve_url(settings.LOGIN_URL))
    return f"{endpoint}?{urlencode({'id_token_hint': id_token, 'post_logout_redirect_uri': target})}"


# Seconds until a re-check that found the provider unreachable is tried again.
RETRY_SECONDS = 60


def _setting(name: str, default: Any = None) -> Any:
    return getattr(settings, name, default)


class OIDCSessionRefresh(SessionRefresh):
    """mozilla-django-oidc's ``SessionRefresh``, for a product where OpenID Connect may be off and local
    break-glass sessions exist:

    - its settings are read at each request, not at start (off without SERVICELEAD_OIDC_CLIENT_ID);
    - only sessions signed in through the provider are re-checked (the library looks at the session's
      backend; a local password's session never goes to the provider);
    - a provider that does not answer keeps the session and is asked again a minute later, instead of
      sending the browser to an error page;
    - an htmx request gets ``HX-Redirect``, so the whole page goes to the provider, not the fragment."""

    def __init__(self, get_response: Any) -> None:
        MiddlewareMixin.__init__(self, get_response)

    OIDC_EXEMPT_URLS = property(lambda self: _setting("OIDC_EXEMPT_URLS", []))
    OIDC_OP_AUTHORIZATION_ENDPOINT = property(lambda self: _setting("OIDC_OP_AUTHORIZATION_ENDPOINT"))
    OIDC_RP_CLIENT_ID = property(lambda self: _setting("OIDC_RP_CLIENT_ID"))
    OIDC_STATE_SIZE = property(lambda self: _setting("OIDC_STATE_SIZE", 32))
    OIDC_AUTHENTICATION_CALLBACK_URL = property(
        lambda self: _setting("OIDC_AUTHENTICATION_CALLBACK_URL", "oidc_authentication_callback")
    )
    OIDC_RP_SCOPES = property(lambda self: _setting("OIDC_RP_SCOPES", "openid email"))
    OIDC_USE_NONCE = property(lambda self: _setting("OIDC_USE_NONCE", True))
    OIDC_NONCE_SIZE = property(lambda self: _setting("OIDC_NONCE_SIZE", 32))

    def process_request(self, request: Any) -> Any:
        if not enabled() or not self.is_refreshable_url(request):
            return None
        if request.session.get("oidc_id_token_expiration", 0) > time.time():
            return None
        if not provider_answers():
            request.session["oidc_id_token_expiration"] = time.time() + RETRY_SECONDS
            return None
        response = super().process_request(request)
        if response is not None and request.headers.get("HX-Request") == "true":
            return HttpResponse(status=200, headers={"HX-Redirect": response["Location"]})
        return response


class CallbackView(OIDCAuthenticationCallbackView):
    """mozilla-django-oidc's callback; when a re-check of a running session fails at the provider (an
    error such as ``login_required``, or claims that are refused), the person is signed out with a
    message instead of keeping a session the provider no longer confirms."""

    def get(self, request: Any) -> Any:
        self._rechecked = request.user if request.user.is_authenticated else None
        return super().get(request)

    def login_failure(self) -> Any:
        user = self._rechecked
        if user is not None:
            if self.request.user.is_authenticated:
                auth.logout(self.request)
            logger.info(
                "OIDC re-check refused the session of %s (%s)",
                user.get_username(),
                self.request.GET.get("error") or "claims refused",
            )
            messages.error(
                self.request,
                _(
                    "%(name)s no longer confirms your sign-in: your account there is disabled, no longer "
                    "allowed, or its session ended. You were signed out."
                )
                % {"name": provider_name()},
            )
        return super().login_failure()
