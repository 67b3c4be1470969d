"""Extension points filled by higher apps (teams, qualification) in their ``AppConfig.ready()``.

competencies must not import teams or qualification, yet a person's pages need what those apps know:
which competencies the person's teams require, who leads the person, their memberships for the data
export, their current qualification plan and badges. Each provider returns plain data; with no provider
registered the pages simply show less."""

_required_levels = []
_leads = []
_personal_data = []
_current_plan = []
_badges = []
_anonymisers = []


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


def register_current_plan(fn):
    """Register ``fn(employee) -> dict or None``: the person's current qualification plan for the profile,
    ``{"period", "status", "url" (optional), "items": [{"competency", "current", "target", "status",
    "progress", "due_date"}]}``."""
    _add(_current_plan, fn)


def register_badges(fn):
    """Register ``fn(employee) -> list of {"title", "earned_on"}``: badges the person has earned."""
    _add(_badges, fn)


def register_anonymiser(fn):
    """Register ``fn(employee)``, called inside the anonymisation's transaction to remove what the
    provider's app stores about the person in free text (e.g. comments on plans)."""
    _add(_anonymisers, fn)


def required_levels(*, employee_ids, on):
    """All levels registered providers require of ``employee_ids`` on ``on``."""
    rows = []
    for fn in _required_levels:
        rows.extend(fn(employee_ids=employee_ids, on=on))
    return rows


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


def has_badge_source():
    return bool(_badges)


def anonymise(employee):
    """Let every registered app remove its free-text personal data of ``employee``."""
    for fn in _anonymisers:
        fn(employee)
