"""ESCO skills (#15 item 3): the skills CSV of the ESCO download read in the limited reader process,
staged, searched in both languages, adopted into a category, refreshed by a newer version."""

import csv
import io

import pytest
from django.core.management import CommandError, call_command

from competencies import esco
from competencies.models import Assessment, Competency, EscoSkill
from tests.factories import AssessmentFactory, CategoryFactory, CompetencyFactory, default_scale

HEADINGS = [
    "conceptType",
    "conceptUri",
    "skillType",
    "reuseLevel",
    "preferredLabel",
    "altLabels",
    "hiddenLabels",
    "status",
    "modifiedDate",
    "scopeNote",
    "definition",
    "inScheme",
    "description",
]
TICKET = "http://data.europa.eu/esco/skill/0001"
HEAT = "http://data.europa.eu/esco/skill/0002"
CALM = "http://data.europa.eu/esco/skill/0003"

EN = {
    TICKET: (
        "operate ticket systems",
        "use ticketing tools\nhandle tickets, incidents",
        'Record "tickets", route them.',
    ),
    HEAT: (
        "diagnose heat pumps",
        "heat pump diagnostics",
        "Find faults in heat pumps,\nincluding refrigerant.",
    ),
    CALM: ("deal with difficult customers", "de-escalate\ncalm down customers", ""),
}
DE = {
    TICKET: ("Ticketsysteme bedienen", "Tickets bearbeiten\nStörungsmeldungen erfassen", "Tickets erfassen."),
    HEAT: ("Wärmepumpen diagnostizieren", "Wärmepumpendiagnose", ""),
    CALM: ("mit schwierigen Kunden umgehen", "deeskalieren", ""),
}


def esco_csv(skills, *, headings=HEADINGS, extra_rows=()):
    """An ESCO-shaped skills CSV: commas, quotes and line breaks inside fields, alternative labels one
    per line, one row of another concept type."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(headings)
    for uri, (label, alternatives, description) in skills.items():
        row = {
            "conceptType": "KnowledgeSkillCompetence",
            "conceptUri": uri,
            "skillType": "skill/competence",
            "reuseLevel": "cross-sector",
            "preferredLabel": label,
            "altLabels": alternatives,
            "status": "released",
            "description": description,
        }
        writer.writerow([row.get(h, "") for h in headings])
    writer.writerow(
        ["SkillGroup", "http://data.europa.eu/esco/isced-f/01", "", "", "education", "", *[""] * 7]
    )
    for row in extra_rows:
        writer.writerow(row)
    return out.getvalue().encode("utf-8")


def stage(skills=EN, language="en", version="v1.1.1", isolated=False):
    read = esco.read_file(
        data=esco_csv(skills), filename=f"skills_{language}.csv", language=language, isolated=isolated
    )
    return esco.import_esco(files=[read], version=version)


def test_the_reader_process_reads_quotes_commas_and_multi_line_labels():
    read = esco.read_file(data=esco_csv(EN), filename="skills_en.csv", language="en", isolated=True)
    by_uri = {skill["uri"]: skill for skill in read.skills}
    assert set(by_uri) == {TICKET, HEAT, CALM} and read.skipped == 1
    assert by_uri[TICKET]["alt_labels"] == ["use ticketing tools", "handle tickets, incidents"]
    assert by_uri[TICKET]["description"] == 'Record "tickets", route them.'
    assert by_uri[HEAT]["description"] == "Find faults in heat pumps,\nincluding refrigerant."


@pytest.mark.django_db
def test_both_languages_staged_once_and_searchable_by_alternative_labels():
    de = esco.read_file(data=esco_csv(DE), filename="skills_de.csv", language="de", isolated=False)
    en = esco.read_file(data=esco_csv(EN), filename="skills_en.csv", language="en", isolated=False)
    report = esco.import_esco(files=[de, en], version="v1.1.1")
    assert (report.skills, report.created, report.updated) == (3, 3, 0)
    again = esco.import_esco(files=[de, en], version="v1.1.1")
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert EscoSkill.objects.count() == 3
    skill = EscoSkill.objects.get(uri=TICKET)
    assert skill.labels == {"de": "Ticketsysteme bedienen", "en": "operate ticket systems"}
    assert skill.alt_labels["de"] == ["Tickets bearbeiten", "Störungsmeldungen erfassen"]
    # Case, accents and either language; every word must match.
    assert [s.uri for s in esco.search_skills("storungsmeldung")] == [TICKET]
    assert [s.uri for s in esco.search_skills("WÄRMEPUMPE")] == [HEAT]
    assert [s.uri for s in esco.search_skills("calm customers")] == [CALM]
    assert list(esco.search_skills("calm heat")) == []


@pytest.mark.django_db
def test_a_file_of_the_wrong_shape_names_the_missing_column_and_writes_nothing(tmp_path):
    good = tmp_path / "skills_en.csv"
    good.write_bytes(esco_csv(EN))
    bad = tmp_path / "skills_de.csv"
    bad.write_bytes(esco_csv(DE, headings=[h for h in HEADINGS if h != "preferredLabel"]))
    with pytest.raises(CommandError, match="the column preferredLabel is missing"):
        call_command("import_esco", str(good), str(bad), "--version", "v1.2.0")
    assert not EscoSkill.objects.exists()
    broken = tmp_path / "broken_en.csv"
    broken.write_bytes(b'conceptUri,preferredLabel,altLabels\nx,"open quote,\n')
    with pytest.raises(CommandError, match="cannot be read as CSV"):
        call_command("import_esco", str(broken), "--language", "en")


@pytest.mark.django_db
def test_adopt_keeps_uri_and_version_and_never_twice():
    stage()
    category = CategoryFactory(name="Service desk")
    report = esco.adopt_skills(uris=[TICKET, HEAT], category=category, scale=default_scale())
    assert sorted(c.name for c in report.created) == ["diagnose heat pumps", "operate ticket systems"]
    ticket = Competency.objects.get(esco_uri=TICKET)
    assert (ticket.esco_version, ticket.category) == ("v1.1.1", category)
    assert ticket.description == 'Record "tickets", route them.'
    again = esco.adopt_skills(uris=[TICKET], category=category, scale=default_scale())
    assert again.created == [] and again.already == [ticket]
    CompetencyFactory(name="Deal with difficult customers", category=category)
    clash = esco.adopt_skills(uris=[CALM], category=category, scale=default_scale())
    assert clash.created == [] and "is in Service desk already" in clash.problems[0]
    assert Competency.objects.filter(esco_uri__gt="").count() == 2


@pytest.mark.django_db
def test_a_newer_version_renames_adopted_skills_and_keeps_their_levels(tmp_path, org):
    stage()
    esco.adopt_skills(uris=[TICKET, HEAT], category=CategoryFactory(), scale=default_scale())
    ticket = Competency.objects.get(esco_uri=TICKET)
    AssessmentFactory(employee=org.employee, competency=ticket, level=3)
    newer = dict(EN, **{TICKET: ("use ticket systems", "handle tickets", 'Record "tickets", route them.')})
    path = tmp_path / "skills_en.csv"
    path.write_bytes(esco_csv(newer))
    out = io.StringIO()
    call_command("import_esco", str(path), "--version", "v1.2.0", stdout=out)
    assert "3 skills, 0 new, 3 updated" in out.getvalue()  # the version of each changed
    assert "operate ticket systems → use ticket systems" in out.getvalue()
    ticket.refresh_from_db()
    assert (ticket.name, ticket.esco_version) == ("use ticket systems", "v1.2.0")
    assert Competency.objects.get(esco_uri=HEAT).esco_version == "v1.2.0"
    assert list(Assessment.objects.filter(competency=ticket).values_list("level", flat=True)) == [3]
    assert EscoSkill.objects.count() == 3
