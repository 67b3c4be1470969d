"""Leader confirmation (review queue, per-person review, calibration) and assessment campaigns.

competencies records the decisions (``competencies.services.assessments_review``); this package knows
teams and memberships, so it builds the team-wide pages, runs campaigns and tells competencies, through
its hooks, which levels a person's teams require and who leads whom."""


def register_competency_hooks():
    """Fill competencies' hooks; called once from ``TeamsConfig.ready()``."""
    from competencies import hooks

    from . import providers, tasks  # noqa: F401 - tasks: registers the Celery task of the beat schedule

    hooks.register_required_levels(providers.required_levels)
    hooks.register_leads(providers.leads)
    hooks.register_personal_data(providers.personal_data)
    hooks.register_anonymiser(providers.anonymise)
    for relation, coverage in providers.PRIVACY_COVERAGE.items():
        hooks.register_privacy_coverage(relation, **coverage)
