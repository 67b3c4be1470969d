"""Time the importer against a catalogue of 14,000 competencies (the size of ESCO's skills):
``python -m bench.catalogue [--competencies 14000] [--people 200]``.

In the scratch database named by DATABASE_URL (default sqlite:////tmp/catalogue.sqlite3, overwritten)
it builds the catalogue and people holding levels spread over it, then prints:
- closest-name suggestions: a wide file with 25 misspelt competency headings and a long file with 25
  misspelt competency names, each parsed and checked (the issue asks for < 2 s);
- the organisation's long export, csv and xlsx, and how long reading it back takes (no change expected);
- that the wide export is refused, pointing to the long layout."""

import argparse
import datetime
import io
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DATABASE = "sqlite:////tmp/catalogue.sqlite3"


def build(*, competencies, people):
    from competencies.models import Assessment, Category, Competency, Employee, Scale, ScaleLevel

    scale = Scale.objects.create(name="0–4")
    ScaleLevel.objects.bulk_create(
        ScaleLevel(scale=scale, value=value, label=str(value)) for value in range(5)
    )
    categories = Category.objects.bulk_create(Category(name=f"Area {number:02d}") for number in range(28))
    Competency.objects.bulk_create(
        (
            Competency(
                category=categories[number % len(categories)],
                name=f'Operate system {number:05d} of line {number % 97}, "field" variant',
                scale=scale,
            )
            for number in range(competencies)
        ),
        batch_size=2_000,
    )
    Employee.objects.bulk_create(
        Employee(personnel_no=f"P-{number:05d}", name=f"Person {number}") for number in range(people)
    )
    ids = list(Competency.objects.order_by("id").values_list("id", flat=True))
    employees = list(Employee.objects.order_by("id").values_list("id", flat=True))
    Assessment.objects.bulk_create(
        (
            Assessment(
                employee_id=employee,
                competency_id=ids[(index * 37 + offset) % len(ids)],
                level=(index + offset) % 5,
                source=Assessment.Source.MANAGER,
                assessed_on=datetime.date(2026, 1, 15),
            )
            for offset, employee in enumerate(employees)
            for index in range(100)
        ),
        batch_size=5_000,
    )


def timed(parse, validate, data, filename):
    started = time.perf_counter()
    parsed = parse(file_obj=io.BytesIO(data), filename=filename)
    plan = validate(parsed)
    seconds = time.perf_counter() - started
    return plan, seconds


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--competencies", type=int, default=14_000)
    parser.add_argument("--people", type=int, default=200)
    args = parser.parse_args()
    os.environ.setdefault("DATABASE_URL", DEFAULT_DATABASE)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "servicelead.settings.local")
    os.environ.setdefault("DJANGO_DEBUG", "false")
    env = {key: value for key, value in os.environ.items() if key != "REDIS_URL"}
    database = os.environ["DATABASE_URL"]
    if database.startswith("sqlite:///"):
        Path(database.removeprefix("sqlite://")).unlink(missing_ok=True)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )

    import django

    django.setup()
    from django.db import connection

    from competencies.imports import parse_file, validate
    from teams.exports import MatrixTooLarge, matrix_export

    started = time.perf_counter()
    build(competencies=args.competencies, people=args.people)
    print(
        f"catalogue {args.competencies} competencies, {args.people} people × 100 levels "
        f"({connection.vendor}): built in {time.perf_counter() - started:.1f} s",
        flush=True,
    )

    # 25 misspelt names: a letter dropped and two swapped, as a typing slip would.
    misspelt = [
        f'Operate sytsem {number:05d} of lin {number % 97}, "field" variant'
        for number in range(0, args.competencies, args.competencies // 25)
    ][:25]
    wide = ",".join(
        ["personnel_no", "name", *(f'"{name.replace(chr(34), chr(34) * 2)}"' for name in misspelt)]
    )
    wide += "\r\nP-00000,Person 0" + ",2" * len(misspelt) + "\r\n"
    plan, seconds = timed(parse_file, validate, wide.encode(), "misspelt-wide.csv")
    suggested = sum(bool(problem.params.get("suggestions")) for problem in plan.problems)
    print(
        f"25 unknown wide headings against {args.competencies} competencies: {seconds:.2f} s "
        f"({plan.problem_count} problems, {suggested} with suggestions)",
        flush=True,
    )
    rows = ["personnel_no,name,competency,level"]
    rows += [f'P-00000,Person 0,"{name.replace(chr(34), chr(34) * 2)}",2' for name in misspelt]
    plan, seconds = timed(parse_file, validate, ("\r\n".join(rows) + "\r\n").encode(), "misspelt-long.csv")
    suggested = sum(bool(problem.params.get("suggestions")) for problem in plan.problems)
    print(
        f"25 unknown long-format names against {args.competencies} competencies: {seconds:.2f} s "
        f"({plan.problem_count} problems, {suggested} with suggestions)",
        flush=True,
    )

    for file_format in ("csv", "xlsx"):
        stream = io.BytesIO()
        started = time.perf_counter()
        matrix_export(file_format=file_format, stream=stream, layout="long")
        exported = time.perf_counter() - started
        plan, seconds = timed(parse_file, validate, stream.getvalue(), f"organisation.{file_format}")
        if not plan.is_valid or len(plan.writes):
            raise SystemExit(f"the long {file_format} export does not round-trip: {plan.summary()}")
        print(
            f"long export {file_format}: {plan.parsed.row_count} rows, {len(stream.getvalue()) / 1e6:.1f} MB "
            f"in {exported:.1f} s; read back and checked in {seconds:.1f} s, 0 changes",
            flush=True,
        )
    try:
        matrix_export(file_format="xlsx", stream=io.BytesIO(), layout="wide")
    except MatrixTooLarge as refusal:
        print(f"wide export refused: {refusal}", flush=True)
    else:
        print("wide export written (the catalogue fits the import's column limit)", flush=True)


if __name__ == "__main__":
    main()
