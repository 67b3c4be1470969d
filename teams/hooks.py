"""Extension points filled by higher apps (qualification) in their ``AppConfig.ready()``.

teams must not import qualification, yet the coverage forecast needs agreed plan items. A provider
returns planned levels as plain data; the engine takes them as input."""

import pandas as pd

PROJECTED_COLUMNS = ["employee_id", "competency_id", "level", "due_date"]

_projected_level_providers = []


def register_projected_levels(fn):
    """Register ``fn(employee_ids, until) -> DataFrame[PROJECTED_COLUMNS]`` of planned levels."""
    if fn not in _projected_level_providers:
        _projected_level_providers.append(fn)


def projected_levels(*, employee_ids, until):
    """Levels that agreed qualification plans will have reached by their due date (<= ``until``)."""
    frames = [fn(employee_ids=employee_ids, until=until) for fn in _projected_level_providers]
    frames = [f for f in frames if not f.empty]
    if not frames:
        return pd.DataFrame({c: pd.Series(dtype="int64") for c in PROJECTED_COLUMNS})
    return pd.concat(frames, ignore_index=True)


_dashboard_panels = []


def register_dashboard_panel(fn):
    """Register ``fn(team) -> {"id", "title", "url"} or None`` (no queries): a panel of a higher app that the
    team dashboard loads after the page (e.g. operations' duty strip for the next eight weeks)."""
    if fn not in _dashboard_panels:
        _dashboard_panels.append(fn)


def dashboard_panels(*, team):
    """The registered panels for ``team``'s dashboard, in registration order."""
    return [panel for panel in (fn(team) for fn in _dashboard_panels) if panel]


_what_if_panels = []


def register_what_if_panel(fn):
    """Register ``fn(team, on, changes, absences) -> {"template", "context"} or None``: a part of a higher
    app in the what-if's result (operations: the days short of people on duty in the next eight weeks).
    ``changes`` are the arguments of ``teams.gaps.team.what_if`` (join, leave, raise_levels); ``absences``
    the holiday plan, [(member id, first day, last day)]. Nothing may be written."""
    if fn not in _what_if_panels:
        _what_if_panels.append(fn)


def what_if_panels(*, team, on, changes, absences):
    found = (fn(team=team, on=on, changes=changes, absences=absences) for fn in _what_if_panels)
    return [panel for panel in found if panel]
