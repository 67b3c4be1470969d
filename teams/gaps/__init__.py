"""The gap analysis of SPEC.md, one implementation for pages, API, CLI and jobs.

- ``engine``: pure computation (DataFrames in, DataFrames out; the one coverage formula);
- ``inputs``: the queries that feed it (``analysis_input``, the organisation's cached analysis);
- ``records``: the engine's rows as the records pages show;
- ``team``, ``department``, ``organisation``: what each page shows; ``report``: SPEC.md's JSON;
- ``cache``: results cached under the version of their data (depends on the team tree, not selectors).
"""
