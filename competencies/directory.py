"""Sign-in through the organisation's directory (LDAP / Active Directory, issue #16), with django-auth-ldap.

Configured by environment only (``SERVICELEAD_LDAP_*``, README "Sign-in through the directory"); off
unless ``SERVICELEAD_LDAP_URI`` is set. On every sign-in the account is provisioned from the directory:

- name and e-mail from the entry (``AUTH_LDAP_USER_ATTR_MAP``);
- the ``Employee`` linked by the link attribute (personnel number, ``employeeNumber`` by default), else by
  e-mail; an employee already linked to another login is refused and reported to the administrators;
- the HR and Admin roles from the directory groups named by ``SERVICELEAD_LDAP_HR_GROUP`` and
  ``SERVICELEAD_LDAP_ADMIN_GROUP`` (given and taken away);
- a person outside ``SERVICELEAD_LDAP_ALLOWED_GROUP`` is refused with a message saying so.

``DirectorySessionMiddleware`` asks the directory again every ``SERVICELEAD_LDAP_RECHECK_SECONDS``: a
person whose entry is gone (left, disabled) or who left the allowed group is signed out at that request.

``LocalBackend`` is Django's password backend that, with ``SERVICELEAD_LOCAL_PASSWORDS=false``, lets only
the break-glass administrators (``SERVICELEAD_BREAK_GLASS_USERS``) in with a local password.

Problems the sign-in page explains (``sign_in_problem(request)``): the directory cannot be reached, the
person is not in the allowed group, the personnel number is taken by another login, an attribute is
missing."""

from __future__ import annotations

import logging
import time
from typing import Any

from django.conf import settings
from django.contrib import auth
from django.contrib.auth.backends import ModelBackend
from django.contrib.auth.models import Group
from django.core.mail import mail_admins
from django.db import transaction
from django.shortcuts import redirect

from . import hooks
from .models import Employee
from .roles import ADMIN_GROUP, HR_GROUP

logger = logging.getLogger("servicelead.directory")

BACKEND_PATH = "competencies.directory.DirectoryBackend"
CHECKED_KEY = "directory_checked_at"
PROBLEM_ATTRIBUTE = "directory_problem"


def enabled() -> bool:
    return bool(getattr(settings, "SERVICELEAD_LDAP_URI", ""))


def _note(request: Any, problem: str, **params: Any) -> None:
    if request is not None:
        setattr(request, PROBLEM_ATTRIBUTE, (problem, params))


def sign_in_problem(request: Any) -> tuple[str, dict[str, Any]] | None:
    """(code, params) of why the directory refused this request's sign-in, or None."""
    return getattr(request, PROBLEM_ATTRIBUTE, None)


class LocalBackend(ModelBackend):
    """Local passwords, unless switched off for everyone but the break-glass administrators."""

    def user_can_authenticate(self, user: Any) -> bool:
        if not getattr(settings, "SERVICELEAD_LOCAL_PASSWORDS", True):
            allowed = set(getattr(settings, "SERVICELEAD_BREAK_GLASS_USERS", []))
            if user.get_username() not in allowed:
                return False
        return super().user_can_authenticate(user)


def _group_names(ldap_user: Any) -> set[str]:
    return {name.lower() for name in ldap_user.group_names}


def _allowed(ldap_user: Any) -> bool:
    group = getattr(settings, "SERVICELEAD_LDAP_ALLOWED_GROUP", "")
    return not group or group.lower() in _group_names(ldap_user)


def apply_roles(user: Any, group_names: set[str], *, hr_group: str, admin_group: str) -> None:
    """Give or take the HR and Admin roles by the directory groups (names compared without case), and
    what higher apps derive from the groups (teams: leads by SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS)."""
    names = {name.lower() for name in group_names}
    hooks.directory_groups(user=user, group_names=names)
    for directory_group, role in ((hr_group, HR_GROUP), (admin_group, ADMIN_GROUP)):
        if not directory_group:
            continue
        group, _created = Group.objects.get_or_create(name=role)
        if directory_group.lower() in names:
            user.groups.add(group)
        else:
            user.groups.remove(group)


def link_employee(user: Any, key: str, request: Any) -> bool:
    """Link ``user`` to its Employee by ``key`` (the personnel number), else by e-mail, and update the
    employee's name and e-mail; False (refused, reported) when that employee belongs to another login or
    two employees match."""
    if key:
        employees = list(Employee.objects.filter(personnel_no=key))
    else:
        employees = list(Employee.objects.filter(email__iexact=user.email))
    if len(employees) > 1:
        _report_conflict(user, key or user.email, request)
        return False
    if not employees:
        return True  # a login without an employee record (HR, administrators): nothing to link
    employee = employees[0]
    if employee.user_id not in (None, user.pk):
        _report_conflict(user, key or user.email, request)
        return False
    changed = []
    if employee.user_id is None:
        employee.user = user
        changed.append("user")
    full_name = user.get_full_name()
    if full_name and employee.name != full_name:
        employee.name = full_name
        changed.append("name")
    if user.email and employee.email != user.email:
        employee.email = user.email
        changed.append("email")
    if changed:
        employee.save(update_fields=changed)
    return True


def _link_ldap_user(user: Any, ldap_user: Any, request: Any) -> bool:
    attribute = getattr(settings, "SERVICELEAD_LDAP_LINK_ATTRIBUTE", "employeeNumber")
    values = ldap_user.attrs.get(attribute.lower()) or ldap_user.attrs.get(attribute) or []
    key = values[0].strip() if values else ""
    if not key and not user.email:
        _note(request, "missing_attribute", attribute=attribute)
        return False
    return link_employee(user, key, request)


def _report_conflict(user: Any, key: str, request: Any) -> None:
    logger.warning("directory sign-in refused: %s is claimed by another login (%s)", key, user.get_username())
    mail_admins(
        "servicelead: directory sign-in refused",
        f"The directory account {user.get_username()} claims the personnel number or e-mail {key}, which "
        "belongs to another login or to several employees. Sign-in was refused; correct the directory or "
        "the employee records.",
        fail_silently=True,
    )
    _note(request, "conflict", key=key)


try:
    from django_auth_ldap.backend import LDAPBackend, ldap_error
except ImportError:  # python-ldap is not installed: the directory cannot be configured
    LDAPBackend = object  # type: ignore[assignment,misc]
    ldap_error = None


class DirectoryBackend(LDAPBackend):  # type: ignore[misc,valid-type]
    """django-auth-ldap's backend with the product's provisioning and refusals."""

    def authenticate_ldap_user(self, ldap_user: Any, password: str) -> Any:
        request = getattr(ldap_user, "_request", None)
        user = super().authenticate_ldap_user(ldap_user, password)
        if user is None:
            return None
        if not _allowed(ldap_user):
            logger.info("directory sign-in refused: %s is not in the allowed group", user.get_username())
            _note(request, "not_allowed", group=settings.SERVICELEAD_LDAP_ALLOWED_GROUP)
            return None
        with transaction.atomic():
            if not _link_ldap_user(user, ldap_user, request):
                return None
            apply_roles(
                user,
                set(ldap_user.group_names),
                hr_group=settings.SERVICELEAD_LDAP_HR_GROUP,
                admin_group=settings.SERVICELEAD_LDAP_ADMIN_GROUP,
            )
        if request is not None and hasattr(request, "session"):
            request.session[CHECKED_KEY] = time.time()
        return user


def _on_ldap_error(
    sender: Any, context: str, user: Any, request: Any, exception: Exception, **kwargs: Any
) -> None:
    _note(request, "unreachable")


if ldap_error is not None:
    ldap_error.connect(_on_ldap_error, dispatch_uid="servicelead-directory-error")


class DirectorySessionMiddleware:
    """Signs out a directory user whose entry is gone or who left the allowed group, at the first request
    after ``SERVICELEAD_LDAP_RECHECK_SECONDS``. While the directory cannot be reached, sessions stay."""

    def __init__(self, get_response: Any) -> None:
        self.get_response = get_response

    def __call__(self, request: Any) -> Any:
        if (
            enabled()
            and request.user.is_authenticated
            and request.session.get(auth.BACKEND_SESSION_KEY) == BACKEND_PATH
        ):
            checked = request.session.get(CHECKED_KEY, 0)
            if time.time() - checked >= getattr(settings, "SERVICELEAD_LDAP_RECHECK_SECONDS", 300):
                verdict = _still_allowed(request)
                if verdict is False:
                    auth.logout(request)
                    from django.contrib import messages
                    from django.utils.translation import gettext as _

                    messages.error(
                        request,
                        _(
                            "Your directory account is disabled or no longer allowed to use servicelead: "
                            "you were signed out."
                        ),
                    )
                    return redirect(settings.LOGIN_URL)
                if verdict is True:
                    request.session[CHECKED_KEY] = time.time()
        return self.get_response(request)


def _still_allowed(request: Any) -> bool | None:
    """True: the entry exists and is allowed; False: gone or not allowed; None: the directory is down."""
    backend = DirectoryBackend()
    ldap_user = backend.get_user(request.user.pk)
    if ldap_user is None:
        return False
    directory = ldap_user.ldap_user
    try:
        import ldap

        if directory.attrs is None:
            return False
        return _allowed(directory)
    except ldap.LDAPError:
        return None
