"""Dates read the same way on every page of a language: one format whichever of Django's date formats a
template asks for (an English page mixed "06/04/2027" and "Dec. 4, 2026")."""

import datetime
import zoneinfo

import pytest
from django.template import Context, Template
from django.utils import translation

DAY = datetime.date(2027, 6, 4)
MOMENT = datetime.datetime(2027, 6, 4, 9, 30, tzinfo=zoneinfo.ZoneInfo("Europe/Berlin"))


@pytest.mark.parametrize(("language", "expected"), [("en", "4 Jun 2027"), ("de", "04.06.2027")])
def test_every_date_format_of_a_language_reads_alike(language, expected):
    template = Template(
        '{{ day }}|{{ day|date }}|{{ day|date:"DATE_FORMAT" }}|{{ day|date:"SHORT_DATE_FORMAT" }}'
    )
    with translation.override(language):
        shown = template.render(Context({"day": DAY})).split("|")
        moments = Template('{{ m|date:"DATETIME_FORMAT" }}|{{ m|date:"SHORT_DATETIME_FORMAT" }}').render(
            Context({"m": MOMENT})
        )
    assert shown == [expected] * 4
    assert moments.split("|") == [f"{expected}, 09:30"] * 2
