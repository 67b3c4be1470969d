"""The kinds of the background jobs of ``qualification`` (``jobs.Job.kind``); their handlers are
registered by ``generation_jobs.register`` and ``export_jobs.register``."""

GENERATE_PLANS = "generate_plans"
EXPORT_PLANS = "export_plans"
