"""One rounding and colour rule for percentages: the colour follows the number as shown."""

import pytest
from django.template import Context, Template

from competencies.percent import band, percent


@pytest.mark.parametrize(
    ("share", "shown", "expected"),
    [
        (0.898, 90, "good"),  # shown as 90 %: green, as the other 90 % beside it
        (0.895, 90, "good"),
        (0.8949, 89, "acceptable"),
        (0.845, 85, "acceptable"),  # half up, not to even
        (0.695, 70, "acceptable"),
        (0.6949, 69, "poor"),
        (1, 100, "good"),
        (0, 0, "poor"),
    ],
)
def test_the_band_is_judged_on_the_shown_percentage(share, shown, expected):
    assert percent(share) == shown
    assert band(share) == expected


def test_the_template_filters_and_the_coverage_bar_agree():
    rendered = Template(
        "{% load coverage %}{{ v|percent }} {{ v|coverage_tone }}"
        '|{% include "_partials/coverage_bar.html" with value=v label="x" %}'
    ).render(Context({"v": 0.898}))
    head, bar = rendered.split("|", 1)
    assert head == "90 success"
    assert 'aria-valuenow="90"' in bar and "bg-success" in bar and "90&nbsp;%" in bar
