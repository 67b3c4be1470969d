"""The four roles of SPEC.md. HR and admin are Django groups (admin also: superuser); a team lead is
anyone who leads a team; everyone with a login is an employee."""

from django.utils.translation import gettext_lazy as _

from .viewer import viewer_of

HR_GROUP = "HR"
ADMIN_GROUP = "Admin"

ROLE_LABELS = {
    "admin": _("Administrator"),
    "hr": _("HR"),
    "lead": _("Team lead"),
    "employee": _("Employee"),
}


def _group_names(user):
    # Kept by the request's viewer so a page asks the database once however often roles are checked.
    return viewer_of(user).groups


def is_admin(user):
    return bool(user.is_authenticated and (user.is_superuser or ADMIN_GROUP in _group_names(user)))


def is_hr(user):
    return bool(user.is_authenticated and HR_GROUP in _group_names(user))


def is_hr_or_admin(user):
    return is_hr(user) or is_admin(user)
