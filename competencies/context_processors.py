from .roles import is_admin, is_hr

_UNKNOWN = object()


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
            cached = getattr(user, "_servicelead_is_lead", None)
            if cached is None:
                # A permission check may have worked out the teams the user leads already.
                led = getattr(user, "_servicelead_led_team_ids", None)
                cached = bool(led) if led is not None else user.is_authenticated and user.led_teams.exists()
                user._servicelead_is_lead = cached
            return cached

        @property
        def employee(self):
            if not user.is_authenticated:
                return None
            # A view that read the user's employee record anyway leaves it here (None: there is none).
            cached = getattr(user, "_servicelead_employee", _UNKNOWN)
            if cached is not _UNKNOWN:
                return cached
            return getattr(user, "employee", None)

    return {"roles": _Roles()}
