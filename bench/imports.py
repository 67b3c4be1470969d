"""Time the assessment import: ``python -m bench.imports [--keep] [--changed 1.0]``.

Builds a synthetic organisation (10,000 people, 500 teams, 50 competencies by default) with ``seed_demo``
in the scratch database named by DATABASE_URL (default sqlite:////tmp/imp.sqlite3; for PostgreSQL e.g.
postgres://postgres@127.0.0.1:5432/imp_bench after ``createdb -h 127.0.0.1 -U postgres imp_bench``), writes
the organisation's matrix with the exporter — every cell filled, the share ``--changed`` of them with a
level different from the current one — then times parsing, validating and committing that file:

    import 10000x50 xlsx (sqlite): parse 2.1 s, validate 3.4 s, commit 5.0 s, total 10.5 s (…)

The database is overwritten (``seed_demo --reset``); ``--keep`` reuses an earlier seed."""

import argparse
import dataclasses
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/imp.sqlite3"


def seed(*, employees, teams, competencies):
    env = {**os.environ}
    env.pop("REDIS_URL", None)
    sizes = ["--employees", str(employees), "--teams", str(teams), "--competencies", str(competencies)]
    for args in (["migrate", "--noinput", "-v0"], ["seed_demo", "--reset", "--seed", "1", *sizes]):
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=ROOT, env=env, check=True, capture_output=True
        )


def changed_matrix(matrix, *, share):
    """The matrix with every cell filled: the share ``share`` of the cells (chosen at random, seed 1) at a
    level on the competency's scale other than the current one, the rest at the current level."""
    import numpy as np

    from competencies.models import ScaleLevel

    top = {}
    for scale_id, value in ScaleLevel.objects.values_list("scale_id", "value"):
        top[scale_id] = max(top.get(scale_id, 0), value)
    maximum = matrix.competencies["scale_id"].map(top).to_numpy()
    current = matrix.levels.fillna(0).to_numpy(dtype="int64")
    changing = np.random.default_rng(1).random(current.shape) < share
    levels = np.where(changing, (current + 1) % (maximum + 1), current)
    frame = matrix.levels.copy()
    frame.loc[:, :] = levels
    return dataclasses.replace(matrix, levels=frame.astype("float64"))


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--keep", action="store_true", help="reuse the organisation of an earlier run")
    parser.add_argument("--employees", type=int, default=10_000)
    parser.add_argument("--teams", type=int, default=500)
    parser.add_argument("--competencies", type=int, default=50)
    parser.add_argument("--changed", type=float, default=1.0, help="share of cells whose level changes")
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")  # DEBUG keeps every query in memory
    if not args.keep:
        started = time.perf_counter()
        seed(employees=args.employees, teams=args.teams, competencies=args.competencies)
        seconds = time.perf_counter() - started
        print(f"seed_demo {args.employees}x{args.competencies}: {seconds:.1f} s", flush=True)

    import django

    django.setup()
    from django.db import connection

    from competencies.imports import import_commit, parse_file, validate
    from competencies.models import Assessment
    from teams.exports import matrix_build, matrix_xlsx

    started = time.perf_counter()
    matrix = changed_matrix(matrix_build(), share=args.changed)
    stream = io.BytesIO()
    matrix_xlsx(matrix, stream)
    size = f"{len(matrix.people)}x{len(matrix.competencies)}"
    megabytes = len(stream.getvalue()) / 1e6
    print(f"export {size} xlsx: {time.perf_counter() - started:.1f} s, {megabytes:.1f} MB", flush=True)

    before = Assessment.objects.count()
    timings = {}
    cpu_started = time.process_time()
    started = time.perf_counter()
    parsed = parse_file(file_obj=io.BytesIO(stream.getvalue()), filename="matrix.xlsx")
    timings["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    plan = validate(parsed)
    timings["validate"] = time.perf_counter() - started
    if not plan.is_valid:
        raise SystemExit("\n".join(str(problem) for problem in plan.problems[:20]))
    started = time.perf_counter()
    written = import_commit(plan)
    timings["commit"] = time.perf_counter() - started
    recorded = Assessment.objects.count() - before
    if recorded != written["assessments"]:
        raise SystemExit(f"recorded {recorded} assessments, the plan had {written['assessments']}")
    cpu = time.process_time() - cpu_started
    figures = ", ".join(f"{step} {seconds:.1f} s" for step, seconds in timings.items())
    print(
        f"import {size} xlsx ({connection.vendor}): {figures}, total {sum(timings.values()):.1f} s "
        f"({recorded} assessments recorded, {plan.unchanged} cells unchanged; this process used "
        f"{cpu:.1f} s CPU, load average {os.getloadavg()[0]:.1f})",
        flush=True,
    )


if __name__ == "__main__":
    main()
