"""Extension points filled by higher apps (teams, qualification) in their ``AppConfig.ready()``.

competencies must not import teams or qualification, yet a person's pages need what those apps know:
which competencies the person's teams require, who leads the person, their memberships for the data
export, their current qualification plan and badges; and what each app stores about a person, for the
data export, anonymisation and note retention; and what recording that a person left ends. Each
provider returns plain data; with no provider registered the pages simply show less."""

import datetime
from collections.abc import Callable

_required_levels = []
_leads = []
_personal_data = []
_current_plan = []
_badges = []
_plan_and_badges = []
_anonymisers = []
_levels_changed = []
_privacy_coverage = {}
_note_purgers = []
_leave_refusals = []
_leave_recorders = []
_team_names = []
_membership_periods = []
_directory_groups = []


def _add(registry, fn):
    if fn not in registry:
        registry.append(fn)


def register_required_levels(fn):
    """Register ``fn(employee_ids, on) -> list of (employee_id, competency_id, level, label)``: levels
    that requirements other than the role profile (e.g. the person's teams) ask of each person."""
    _add(_required_levels, fn)


def register_leads(fn):
    """Register ``fn(employee) -> list of users`` who lead the person (they get expiry warnings)."""
    _add(_leads, fn)


def register_personal_data(fn):
    """Register ``fn(employee) -> {section: [flat dict, …]}``: more of what is stored about the person,
    for the "download my data" export (memberships, plans, …)."""
    _add(_personal_data, fn)


def register_team_names(fn):
    """Register ``fn(employee_ids, on) -> {employee_id: [team name, …]}``: the teams each person is a
    member of on ``on`` (the importer compares them with a file's team column)."""
    _add(_team_names, fn)


def register_membership_periods(fn):
    """Register ``fn(employee_id) -> [(team_id, start, end or None), …]``: every membership the person
    has had (the read audit shows them the team pages read while they were in the team)."""
    _add(_membership_periods, fn)


def membership_periods(*, employee_id):
    periods = []
    for fn in _membership_periods:
        periods.extend(fn(employee_id=employee_id))
    return periods


def register_current_plan(fn):
    """Register ``fn(employee) -> dict or None``: the person's current qualification plan for the profile,
    ``{"period", "status", "url" (optional), "items": [{"competency", "current", "target", "status",
    "progress", "due_date"}]}``."""
    _add(_current_plan, fn)


def register_badges(fn):
    """Register ``fn(employee) -> list of {"title", "earned_on"}``: badges the person has earned."""
    _add(_badges, fn)


def register_plan_and_badges(fn):
    """Register ``fn(employee, certificates=()) -> (current plan, badges)``, as the two providers above
    would return them, read together (one query instead of two on the profile)."""
    _add(_plan_and_badges, fn)


def register_anonymiser(fn):
    """Register ``fn(employee)``, called inside the anonymisation's transaction to remove what the
    provider's app stores about the person in free text (e.g. comments on plans)."""
    _add(_anonymisers, fn)


def register_privacy_coverage(relation, *, sections, anonymised):
    """Declare how a field that refers to a person, ``relation`` ("app_label.Model.field" pointing to an
    employee or a login), is covered: ``sections`` of "download my data" hold the rows it links to the
    person (empty only when those rows say nothing about the person but who did something to another
    person's record), ``anonymised`` says what anonymising the person does to them. tests/privacy fails
    for any such field of any installed app without a declaration."""
    _privacy_coverage[relation] = {"sections": tuple(sections), "anonymised": anonymised}


def register_note_purger(fn):
    """Register ``fn(cutoff) -> {what: count}``, called by the retention job inside its transaction to
    blank the provider's personal notes written before ``cutoff`` (e.g. comments on plans)."""
    _add(_note_purgers, fn)


def register_levels_changed(fn):
    """Register ``fn(employee_ids)``, told of assessments written in bulk (which send no model signals):
    the teams app drops the cached gap analyses they touch. ``employee_ids`` None: possibly anyone."""
    _add(_levels_changed, fn)


def register_leave(
    *,
    refusals: Callable[..., list[str]],
    record: Callable[..., object],
) -> None:
    """Register what recording a person's leaving date does in the provider's app.

    ``refusals(employee_id, on) -> list of messages``: why the leave on ``on`` cannot be recorded (empty:
    it can); ``record(employee_id, on)``, called inside the transaction that saves the leaving date, ends
    what the app holds open for the person (teams: their memberships end that day)."""
    _add(_leave_refusals, refusals)
    _add(_leave_recorders, record)


def leave_refusals(*, employee_id: int, on: datetime.date) -> list[str]:
    """Every registered app's reasons not to record that ``employee_id`` left on ``on``."""
    problems = []
    for fn in _leave_refusals:
        problems.extend(fn(employee_id=employee_id, on=on))
    return problems


def leave_record(*, employee_id: int, on: datetime.date) -> None:
    """Let every registered app end what it holds open for a person who left on ``on``."""
    for fn in _leave_recorders:
        fn(employee_id=employee_id, on=on)


def levels_changed(*, employee_ids=None):
    """Tell registered providers that the levels of ``employee_ids`` (None: anyone's) changed."""
    for fn in _levels_changed:
        fn(employee_ids=None if employee_ids is None else sorted({int(e) for e in employee_ids}))


def required_levels(*, employee_ids, on):
    """All levels registered providers require of ``employee_ids`` on ``on``."""
    rows = []
    for fn in _required_levels:
        rows.extend(fn(employee_ids=employee_ids, on=on))
    return rows


def team_names(*, employee_ids, on):
    """``{employee_id: [team name, …]}`` from the registered providers (empty lists: in no team)."""
    names = {int(employee_id): [] for employee_id in employee_ids}
    for fn in _team_names:
        for employee_id, found in fn(employee_ids=list(names), on=on).items():
            names.setdefault(employee_id, []).extend(found)
    return names


def leads_of(employee):
    """The users who lead ``employee`` (de-duplicated, in provider order)."""
    found = {}
    for fn in _leads:
        for user in fn(employee):
            found.setdefault(user.pk, user)
    return list(found.values())


def personal_data(employee):
    """Extra export sections from registered providers, merged."""
    sections = {}
    for fn in _personal_data:
        for name, rows in fn(employee).items():
            sections.setdefault(name, []).extend(rows)
    return sections


def current_plan(employee):
    """The person's current qualification plan from the first provider that knows one, else None."""
    for fn in _current_plan:
        plan = fn(employee)
        if plan:
            return plan
    return None


def badges(employee, certificates=()):
    """Badges the person has earned, or None when no provider is registered (nothing to show yet).

    ``certificates``: the profile's certificate records, passed on so providers need not read them again."""
    if not _badges:
        return None
    found = []
    for fn in _badges:
        found.extend(fn(employee, certificates=certificates))
    return found


def plan_and_badges(employee, certificates=()):
    """``(current_plan(employee), badges(employee, certificates))``; a provider registered to read both
    at once answers for the separate ones."""
    if _plan_and_badges:
        return _plan_and_badges[0](employee, certificates=certificates)
    return current_plan(employee), badges(employee, certificates=certificates)


def has_badge_source():
    return bool(_badges)


def anonymise(employee):
    """Let every registered app remove its free-text personal data of ``employee``."""
    for fn in _anonymisers:
        fn(employee)


def privacy_coverage():
    """The declarations of ``register_privacy_coverage``, by relation."""
    return dict(_privacy_coverage)


def purge_notes(cutoff):
    """Let every registered app blank its personal notes older than ``cutoff``; counts merged."""
    counts = {}
    for fn in _note_purgers:
        counts.update(fn(cutoff))
    return counts


# --- To-dos and notifications (#14) ----------------------------------------------------------------------
_todo_kinds: dict = {}
_todo_providers: list = []


def register_todo_kind(kind):
    """Register a ``competencies.todos.TodoKind``: its name, the role whose home lists it, its label on the
    notification settings and how one item of it reads. Each kind is also a kind of notification."""
    _todo_kinds[kind.name] = kind


def register_todo_provider(role, fn):
    """Register ``fn(context) -> list of competencies.todos.Todo`` for the users who have ``role``
    ("employee", "lead", "head" or "hr"; see ``competencies.todos.TodoContext``). Providers share what they
    read through ``context.memo`` so that a home page stays within its query budget."""
    entry = (role, fn)
    if entry not in _todo_providers:
        _todo_providers.append(entry)


def todo_kinds():
    """Registered to-do kinds by name, in registration order."""
    return dict(_todo_kinds)


def todo_providers():
    """Registered ``(role, provider)`` pairs, in registration order."""
    return list(_todo_providers)


# --- Catalogue governance (#15) --------------------------------------------------------------------------
_competency_references: dict = {}


def register_competency_reference(model_label, *, field="competency", unique_with=()):
    """Declare that ``model_label`` ("app_label.Model") refers to a competency through ``field``, unique
    together with ``unique_with`` (field names, empty: not unique). Merging a duplicate moves these rows to
    the kept competency; a row the kept one has already (same ``unique_with`` values) stays with the kept
    one and the duplicate's is removed, to be restored should the merge be undone."""
    _competency_references[(model_label, field)] = tuple(unique_with)


def competency_references():
    """``{(model_label, field): unique_with}`` as registered."""
    return dict(_competency_references)


def register_directory_groups(fn):
    """Register ``fn(user, group_names)``, called at every sign-in through the directory (LDAP or OpenID
    Connect) inside its transaction with the person's group names (lower case): teams makes them lead of
    the teams SERVICELEAD_DIRECTORY_TEAM_LEAD_GROUPS maps their groups to."""
    _add(_directory_groups, fn)


def directory_groups(*, user, group_names):
    for fn in _directory_groups:
        fn(user=user, group_names=group_names)
