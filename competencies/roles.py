"""The four roles of SPEC.md. HR and admin are Django groups (admin also: superuser); a team lead is
anyone who leads a team; everyone with a login is an employee."""

from django.utils.translation import gettext_lazy as _

HR_GROUP = "HR"
ADMIN_GROUP = "Admin"

ROLE_LABELS = {
    "admin": _("Administrator"),
    "hr": _("HR"),
    "lead": _("Team lead"),
    "employee": _("Employee"),
}


def _group_names(user):
    # Cached on the user object so a page asks the database once however often roles are checked.
    cached = getattr(user, "_servicelead_groups", None)
    if cached is None:
        cached = (
            frozenset(user.groups.values_list("name", flat=True)) if user.is_authenticated else frozenset()
        )
        user._servicelead_groups = cached
    return cached


def is_admin(user):
    return bool(user.is_authenticated and (user.is_superuser or ADMIN_GROUP in _group_names(user)))


def is_hr(user):
    return bool(user.is_authenticated and HR_GROUP in _group_names(user))


def is_hr_or_admin(user):
    return is_hr(user) or is_admin(user)
