"""The catalogue spreadsheet (#15 item 1): a column per language, export → import changes nothing, an
edited German name changes only name_de, a bad row writes nothing and names its row and column."""

import csv
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse

from competencies.catalogue_sheet import catalogue_export, catalogue_import, columns
from competencies.models import Competency
from tests import factories


@pytest.fixture
def catalogue(db):
    category = factories.CategoryFactory(name_de="Heizsysteme", name_en="Heating systems")
    scale = factories.ScaleFactory()
    first = factories.CompetencyFactory(
        category=category, scale=scale, name_de="Wärmepumpen-Diagnose", name_en="Heat pump diagnostics"
    )
    second = factories.CompetencyFactory(
        category=category,
        scale=scale,
        name_de="=Formel",
        name_en="",
        requires_certificate=True,
        validity_months=24,
    )
    return {"category": category, "scale": scale, "first": first, "second": second}


def snapshot():
    return sorted(
        Competency.objects.values_list(
            "id", "name_de", "name_en", "description_de", "description_en", "category_id", "scale_id",
            "requires_certificate", "validity_months", "esco_uri",
        )
    )  # fmt: skip


def read_csv(data):
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline=""), delimiter=";"))


def test_the_export_has_a_column_per_language_and_neutralises_formulas(catalogue):
    rows = read_csv(catalogue_export("csv"))
    assert rows[0] == columns()
    assert {"name_de", "name_en", "category_de", "category_en"} <= set(rows[0])
    by_id = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    first = by_id[str(catalogue["first"].pk)]
    assert (first["name_de"], first["name_en"]) == ("Wärmepumpen-Diagnose", "Heat pump diagnostics")
    assert by_id[str(catalogue["second"].pk)]["name_de"] == "'=Formel"


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_then_import_changes_nothing(catalogue, fmt):
    before = snapshot()
    result = catalogue_import(data=catalogue_export(fmt), filename=f"catalogue.{fmt}")
    assert result.problems == []
    assert (result.created, result.updated, result.unchanged) == (0, 0, 2)
    assert snapshot() == before


def test_an_edited_german_name_changes_only_name_de(catalogue):
    book = openpyxl.load_workbook(io.BytesIO(catalogue_export("xlsx")))
    sheet = book.active
    heading = [cell.value for cell in sheet[1]]
    for row in sheet.iter_rows(min_row=2):
        if row[0].value == catalogue["first"].pk:
            row[heading.index("name_de")].value = "Wärmepumpen-Fehlersuche"
            row[heading.index("description_en")].value = "Finds faults in heat pumps."
    sheet.append(
        [None, "Heizsysteme", "", "Neue Kompetenz", "New competency", "", "", catalogue["scale"].name]
    )
    stream = io.BytesIO()
    book.save(stream)
    result = catalogue_import(data=stream.getvalue(), filename="catalogue.xlsx")
    assert result.problems == []
    assert (result.created, result.updated, result.unchanged) == (1, 1, 1)
    first = Competency.objects.get(pk=catalogue["first"].pk)
    assert (first.name_de, first.name_en) == ("Wärmepumpen-Fehlersuche", "Heat pump diagnostics")
    assert first.description_en == "Finds faults in heat pumps."
    new = Competency.objects.get(name_de="Neue Kompetenz")
    assert (new.name_en, new.category_id) == ("New competency", catalogue["category"].pk)


def test_a_bad_row_writes_nothing_and_names_row_and_column(catalogue):
    before = snapshot()
    rows = read_csv(catalogue_export("csv"))
    heading = rows[0]
    rows[1][heading.index("name_de")] = "Neu"
    rows[2][heading.index("name_en")] = "x" * 300
    rows.append(["", "Unbekannt", "", "Etwas", "", "", "", rows[1][heading.index("scale")]])
    rows.append(["999999", "Heizsysteme", "", "Noch etwas", "", "", "", "Keine Skala"])
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    result = catalogue_import(data=text.getvalue().encode(), filename="catalogue.csv")
    found = {(p.row, p.column) for p in result.problems}
    assert (3, "name_en") in found  # too long
    assert (4, "category_de") in found  # unknown category
    assert (5, "id") in found and (5, "scale") in found
    assert snapshot() == before


def test_the_same_name_twice_in_a_category_is_refused(catalogue):
    rows = read_csv(catalogue_export("csv"))
    heading = rows[0]
    rows.append(["", "Heizsysteme", "", "Wärmepumpen-Diagnose", "", "", "", rows[1][heading.index("scale")]])
    text = io.StringIO()
    csv.writer(text, delimiter=";").writerows(rows)
    result = catalogue_import(data=text.getvalue().encode(), filename="catalogue.csv")
    assert [p.column for p in result.problems] == ["name_de"]
    assert Competency.objects.count() == 2


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("catalogue.txt", b"x", "Use a .csv or .xlsx file."),
        ("catalogue.csv", b"a;b\n1;2\n", "needs the columns"),
    ],
)
def test_a_file_of_the_wrong_kind_or_shape_is_refused(catalogue, name, data, message):
    result = catalogue_import(data=data, filename=name)
    assert message in result.problems[0].message


def test_the_commands_round_trip(catalogue, tmp_path):
    path = tmp_path / "catalogue.xlsx"
    call_command("export_catalogue", format="xlsx", output=str(path))
    out = io.StringIO()
    call_command("import_catalogue", str(path), dry_run=True, stdout=out)
    assert "0 new, 0 changed, 2 unchanged" in out.getvalue()
    bad = tmp_path / "bad.csv"
    bad.write_text("id;name_de\n1;x\n")
    with pytest.raises(CommandError, match="nothing was written"):
        call_command("import_catalogue", str(bad), stderr=io.StringIO())


def test_hr_downloads_and_uploads_on_the_page(client_for, catalogue):
    hr = client_for("hr")
    url = reverse("catalogue:sheet")
    assert hr.get(url).status_code == 200
    download = hr.get(url + "?format=csv")
    assert download["Content-Disposition"] == 'attachment; filename="catalogue.csv"'
    assert hr.get(url + "?format=pdf").status_code == 400
    upload = io.BytesIO(b"id;name_de\n;x\n")
    upload.name = "catalogue.csv"
    response = hr.post(url, {"file": upload})
    assert (
        "The file was not imported" in response.content.decode()
        or "needs the columns" in response.content.decode()
    )
    assert client_for("employee").get(url).status_code == 403
