"""Sign-in with OpenID Connect (issue #16), with mozilla-django-oidc: Keycloak, Microsoft Entra ID or any
provider, configured by environment only (``SERVICELEAD_OIDC_*``, README); off unless
``SERVICELEAD_OIDC_CLIENT_ID`` is set.

The authorisation code flow with PKCE (S256); the ID token is checked against the provider's JWKS (RS256),
and beyond mozilla-django-oidc's signature and nonce checks also its issuer, audience and expiry. On every
sign-in the account is provisioned like a directory sign-in (``competencies.directory``): name and e-mail
from the claims, the employee linked by the personnel-number claim (else the e-mail), HR and Admin roles by
the groups claim, refused with a message outside the allowed group, for a missing claim, or when the
personnel number belongs to another login (reported to the administrators). Signing out ends the session
at the provider as well."""

from __future__ import annotations

import logging
import time
from typing import Any
from urllib.parse import urlencode

import jwt
import requests
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import SuspiciousOperation
from django.db import transaction
from django.shortcuts import redirect, resolve_url
from django.utils.translation import gettext as _
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

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


def start(request: Any) -> Any:
    """ "Sign in with …": checks that the provider answers (within a few seconds), then starts the flow;
    a provider that is down is named on the sign-in page, where local break-glass accounts still work."""
    try:
        requests.get(
            settings.OIDC_OP_JWKS_ENDPOINT, timeout=settings.SERVICELEAD_OIDC_TIMEOUT
        ).raise_for_status()
    except requests.RequestException:
        logger.warning("OIDC provider unreachable at %s", settings.OIDC_OP_JWKS_ENDPOINT)
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
