from .roles import is_admin, is_hr
from .viewer import viewer_of
from .works_council import page_purpose


def roles(request):
    """Role flags for navigation; evaluated lazily so pages that never use them query nothing."""
    user = request.user

    class _Roles:
        @property
        def is_hr(self):
            return is_hr(user)

        @property
        def is_admin(self):
            return is_admin(user)

        @property
        def is_lead(self):
            # A permission check or the page may have worked out the teams the user leads already.
            return viewer_of(user).is_lead

        @property
        def employee(self):
            return viewer_of(user).employee

    match = getattr(request, "resolver_match", None)
    return {"roles": _Roles(), "page_purpose": page_purpose(match.view_name if match else None)}
