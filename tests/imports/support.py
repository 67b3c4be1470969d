"""Helpers for the import tests: writing csv and xlsx files, and running the import steps on them."""

import csv
import io

import openpyxl

from competencies.imports import import_commit, parse_file, validate
from competencies.models import Assessment, Employee


def write_csv(path, rows, *, delimiter=",", encoding="utf-8", bom=False):
    buffer = io.StringIO(newline="")
    csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n").writerows(rows)
    data = buffer.getvalue().encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


def write_xlsx(path, rows, *, sheet="Matrix", extra_sheets=None):
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(row)
    for name, sheet_rows in (extra_sheets or {}).items():
        other = workbook.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    workbook.save(path)
    return path


def parse(path, **options):
    with open(path, "rb") as file_obj:
        return parse_file(file_obj=file_obj, filename=path.name, **options)


def plan_for(path, *, create_missing=False, on=None, **options):
    return validate(parse(path, **options), create_missing=create_missing, on=on)


def commit(path, *, user=None, create_missing=False, **options):
    plan = plan_for(path, create_missing=create_missing, **options)
    assert plan.is_valid, [str(problem) for problem in plan.problems]
    return plan, import_commit(plan, user=user)


def row_counts():
    return Assessment.objects.count(), Employee.objects.count()


def codes(plan_or_rejection):
    return [problem.code for problem in plan_or_rejection.problems]
